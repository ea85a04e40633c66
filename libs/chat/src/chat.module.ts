import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupsModule } from '@kindred/groups';
import { IdentityModule } from '@kindred/identity';
import { ModerationModule, ScreeningSources } from '@kindred/moderation';
import { ChatRateLimiter } from './chat-rate-limiter';
import { ChatRetentionService } from './chat-retention.service';
import { ChatService } from './chat.service';
import { ChatMessage } from './message.entity';
import { MessageScreeningSource } from './message-screening.source';

@Module({
  imports: [TypeOrmModule.forFeature([ChatMessage]), GroupsModule, IdentityModule, ModerationModule],
  providers: [ChatService, ChatRateLimiter, ChatRetentionService, MessageScreeningSource],
  exports: [ChatService, ChatRetentionService],
})
export class ChatModule implements OnModuleInit {
  constructor(
    private readonly sources: ScreeningSources,
    private readonly messageSource: MessageScreeningSource,
  ) {}

  /** Lets the screening pipeline (and the review queue) read and change messages without knowing the chat's table. */
  onModuleInit(): void {
    this.sources.register(this.messageSource);
  }
}
