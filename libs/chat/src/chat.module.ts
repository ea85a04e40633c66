import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule, PersonalDataRegistry } from '@kindred/identity';
import { ModerationModule, ScreeningSources } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { ChatPersonalData } from './chat-personal-data';
import { ChatPresence } from './chat-presence';
import { ChatRateLimiter } from './chat-rate-limiter';
import { ChatRetentionService } from './chat-retention.service';
import { ChatService } from './chat.service';
import { ChatMessage } from './message.entity';
import { MessageScreeningSource } from './message-screening.source';
import { MessagesRepository } from './messages.repository';

@Module({
  imports: [TypeOrmModule.forFeature([ChatMessage]), GroupsModule, IdentityModule, ModerationModule, NotificationsModule],
  providers: [MessagesRepository, ChatService, ChatPresence, ChatRateLimiter, ChatRetentionService, MessageScreeningSource, ChatPersonalData],
  exports: [ChatService, ChatPresence, ChatRetentionService],
})
export class ChatModule implements OnModuleInit {
  constructor(
    private readonly sources: ScreeningSources,
    private readonly messageSource: MessageScreeningSource,
    private readonly personalData: PersonalDataRegistry,
    private readonly chatData: ChatPersonalData,
  ) {}

  /** Lets the screening pipeline, the review queue and data rights reach messages without knowing the chat's table. */
  onModuleInit(): void {
    this.sources.register(this.messageSource);
    this.personalData.register(this.chatData);
  }
}
