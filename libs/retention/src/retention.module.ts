import { Module } from '@nestjs/common';
import { AuditModule } from '@kindred/audit';
import { ChatModule } from '@kindred/chat';
import { Transactions } from '@kindred/database';
import { ModerationModule } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { RetentionService } from './retention.service';

@Module({
  imports: [ChatModule, NotificationsModule, ModerationModule, AuditModule],
  providers: [RetentionService, Transactions],
  exports: [RetentionService],
})
export class RetentionModule {}
