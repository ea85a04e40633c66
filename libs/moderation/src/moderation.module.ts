import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { NotificationsModule } from '@kindred/notifications';
import { SignpostingModule } from '@kindred/signposting';
import { ContentReport } from './reports/content-report.entity';
import { ReportsPersonalData } from './reports/reports-personal-data';
import { ReportsService } from './reports/reports.service';
import { ReviewItem } from './review/review-item.entity';
import { ReviewItemsService } from './review/review-items.service';
import { ReviewQueueService } from './review/review-queue.service';
import { RulesService } from './rules/rules.service';
import { WatchedWordRuleEntity } from './rules/watched-word-rule.entity';
import { ScreeningSources } from './screening-pipeline/screening-source';
import { ScreeningSweeper } from './screening-pipeline/screening-sweeper';
import { ScreeningService } from './screening-pipeline/screening.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReviewItem, WatchedWordRuleEntity, ContentReport]), GroupsModule, IdentityModule, NotificationsModule, SignpostingModule],
  providers: [ScreeningSources, RulesService, ReviewItemsService, ScreeningService, ScreeningSweeper, ReportsService, ReviewQueueService, ReportsPersonalData],
  exports: [ScreeningSources, RulesService, ReviewItemsService, ScreeningService, ScreeningSweeper, ReportsService, ReviewQueueService],
})
export class ModerationModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly reportsData: ReportsPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.reportsData);
  }
}
