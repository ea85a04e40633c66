import { Module, OnModuleInit } from '@nestjs/common';
import { Transactions } from '@kindred/database';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { NotificationsModule } from '@kindred/notifications';
import { CommissionersRepository } from './commissioners/commissioners.repository';
import { CommissionersService } from './commissioners/commissioners.service';
import { ImpactRepository } from './impact/impact.repository';
import { ImpactService } from './impact/impact.service';
import { MeasuresRepository } from './measures/measures.repository';
import { MeasuresService } from './measures/measures.service';
import { OutcomesPersonalData } from './outcomes-personal-data';
import { QuestionnairesRepository } from './questionnaires/questionnaires.repository';
import { QuestionnairesService } from './questionnaires/questionnaires.service';
import { VoiceRepository } from './voice/voice.repository';
import { VoiceService } from './voice/voice.service';

const REPOSITORIES = [MeasuresRepository, QuestionnairesRepository, CommissionersRepository, ImpactRepository, VoiceRepository];
const SERVICES = [MeasuresService, QuestionnairesService, CommissionersService, ImpactService, VoiceService];

@Module({
  imports: [IdentityModule, GroupsModule, NotificationsModule],
  providers: [...REPOSITORIES, ...SERVICES, Transactions, OutcomesPersonalData],
  exports: SERVICES,
})
export class OutcomesModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly outcomesData: OutcomesPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.outcomesData);
  }
}
