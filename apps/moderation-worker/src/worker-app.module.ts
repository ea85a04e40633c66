import { DynamicModule, Module } from '@nestjs/common';
import { ChatModule } from '@kindred/chat';
import { KindredConfig, KindredConfigModule } from '@kindred/config';
import { DatabaseModule } from '@kindred/database';
import { EventsModule } from '@kindred/events';
import { ForumModule } from '@kindred/forum';
import { createLoggerModule } from '@kindred/http';
import { ConversationsModule } from '@kindred/conversations';
import { IdentityModule } from '@kindred/identity';
import { MentoringModule } from '@kindred/mentoring';
import { ModerationModule } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { ObservabilityModule } from '@kindred/observability';
import { OutcomesModule } from '@kindred/outcomes';
import { QueuesModule } from '@kindred/queues';
import { RedisModule } from '@kindred/redis';
import { RetentionModule } from '@kindred/retention';
import { WorkerRunner } from './worker-runner';

@Module({})
export class WorkerAppModule {
  static forRoot(config: KindredConfig): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        KindredConfigModule.forRoot(config),
        createLoggerModule(config, 'moderation-worker'),
        DatabaseModule.forRoot(config, 'moderation-worker'),
        RedisModule,
        EventsModule,
        QueuesModule,
        ObservabilityModule,
        IdentityModule,
        ModerationModule,
        // Registers the post screening source with the pipeline.
        ForumModule,
        // Registers the chat message screening source.
        ChatModule,
        // Registers the conversation message screening source.
        ConversationsModule,
        MentoringModule,
        RetentionModule,
        // Runs the notifications queue: fan-out, push and mail delivery, digests.
        NotificationsModule,
        // Sends outcome questionnaires when they fall due.
        OutcomesModule,
      ],
      providers: [WorkerRunner],
    };
  }
}
