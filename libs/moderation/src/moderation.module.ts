import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@kindred/audit';
import { GroupsModule } from '@kindred/groups';
import { Transactions } from '@kindred/database';
import { DisplayNameScreen, IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { NotificationsModule } from '@kindred/notifications';
import { SignpostingModule } from '@kindred/signposting';
import { Appeal } from './appeals/appeal.entity';
import { AppealsRepository } from './appeals/appeals.repository';
import { AppealsService } from './appeals/appeals.service';
import { DeadlinesService } from './deadlines/deadlines.service';
import { ModerationAlert } from './deadlines/moderation-alert.entity';
import { ModerationAlertsRepository } from './deadlines/moderation-alerts.repository';
import { ModerationAlertsService } from './deadlines/moderation-alerts.service';
import { SafeguardingAlerts } from './deadlines/safeguarding-alerts';
import { ModerationPersonalData } from './moderation-personal-data';
import { ModerationMetricsService } from './metrics/moderation-metrics.service';
import { ReviewMetrics } from './metrics/review-metrics';
import { ContentReport } from './reports/content-report.entity';
import { ContentReportsRepository } from './reports/content-reports.repository';
import { ReportsService } from './reports/reports.service';
import { EnforcementHistoryEntry } from './review/enforcement-history.entity';
import { EnforcementHistoryRepository } from './review/enforcement-history.repository';
import { ReviewItem } from './review/review-item.entity';
import { ReviewItemsRepository } from './review/review-items.repository';
import { ReviewItemsService } from './review/review-items.service';
import { ReviewQueueService } from './review/review-queue.service';
import { SupporterToolsService } from './review/supporter-tools.service';
import { RulesService } from './rules/rules.service';
import { WatchedWordRuleEntity } from './rules/watched-word-rule.entity';
import { WatchedWordRulesRepository } from './rules/watched-word-rules.repository';
import { aboutMeProblem, displayNameProblem } from './screening-pipeline/display-name-check';
import { ScreeningSources } from './screening-pipeline/screening-source';
import { ScreeningSweeper } from './screening-pipeline/screening-sweeper';
import { ScreeningService } from './screening-pipeline/screening.service';

const REPOSITORIES = [
  ReviewItemsRepository,
  EnforcementHistoryRepository,
  ContentReportsRepository,
  AppealsRepository,
  WatchedWordRulesRepository,
  ModerationAlertsRepository,
];

const SERVICES = [
  ScreeningSources,
  RulesService,
  ReviewItemsService,
  ScreeningService,
  ScreeningSweeper,
  ReportsService,
  ReviewQueueService,
  SupporterToolsService,
  AppealsService,
  DeadlinesService,
  ModerationAlertsService,
  SafeguardingAlerts,
  ModerationMetricsService,
  ReviewMetrics,
];

@Module({
  imports: [
    TypeOrmModule.forFeature([ReviewItem, WatchedWordRuleEntity, ContentReport, EnforcementHistoryEntry, Appeal, ModerationAlert]),
    GroupsModule,
    IdentityModule,
    NotificationsModule,
    SignpostingModule,
    AuditModule,
  ],
  providers: [...REPOSITORIES, ...SERVICES, Transactions, ModerationPersonalData],
  // The forum's audit-log endpoint reads through AuditLogService; moderation is where decisions are audited.
  exports: [...SERVICES, AuditModule],
})
export class ModerationModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly moderationData: ModerationPersonalData,
    private readonly displayNames: DisplayNameScreen,
  ) {}

  /** Reports, appeals and alerts join the member's export and erasure; display names pass the platform's screeners. */
  onModuleInit(): void {
    this.personalData.register(this.moderationData);
    this.displayNames.use(displayNameProblem);
    this.displayNames.useForAboutMe(aboutMeProblem);
  }
}
