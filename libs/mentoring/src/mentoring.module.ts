import { Module, OnModuleInit } from '@nestjs/common';
import { AuditModule } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { ConversationsModule } from '@kindred/conversations';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { NotificationsModule } from '@kindred/notifications';
import { MentoringClock } from './mentoring-clock';
import { MentoringPersonalData } from './mentoring-personal-data';
import { MentoringService } from './mentoring.service';
import { ProgrammesRepository } from './programmes.repository';
import { RelationshipsRepository } from './relationships.repository';
import { RequestsRepository } from './requests.repository';

@Module({
  imports: [GroupsModule, IdentityModule, NotificationsModule, AuditModule, ConversationsModule],
  providers: [ProgrammesRepository, RequestsRepository, RelationshipsRepository, Transactions, MentoringService, MentoringClock, MentoringPersonalData],
  exports: [MentoringService, MentoringClock],
})
export class MentoringModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly data: MentoringPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.data);
  }
}
