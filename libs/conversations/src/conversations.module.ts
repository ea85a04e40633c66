import { Module, OnModuleInit } from '@nestjs/common';
import { AuditModule } from '@kindred/audit';
import { Transactions } from '@kindred/database';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { ModerationModule, ScreeningSources } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { ConversationMessageSource } from './conversation-message.source';
import { ConversationMessagesRepository } from './conversation-messages.repository';
import { ConversationsPersonalData } from './conversations-personal-data';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [GroupsModule, IdentityModule, ModerationModule, AuditModule, NotificationsModule],
  providers: [
    ConversationsRepository,
    ConversationMessagesRepository,
    Transactions,
    ConversationsService,
    ConversationMessageSource,
    ConversationsPersonalData,
  ],
  exports: [ConversationsService],
})
export class ConversationsModule implements OnModuleInit {
  constructor(
    private readonly sources: ScreeningSources,
    private readonly source: ConversationMessageSource,
    private readonly personalData: PersonalDataRegistry,
    private readonly data: ConversationsPersonalData,
  ) {}

  /** Lets the screening pipeline, the review queue and data rights reach conversation messages without knowing the tables. */
  onModuleInit(): void {
    this.sources.register(this.source);
    this.personalData.register(this.data);
  }
}
