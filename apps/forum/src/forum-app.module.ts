import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ChatModule } from '@kindred/chat';
import { ConversationsModule } from '@kindred/conversations';
import { KindredConfig, KindredConfigModule } from '@kindred/config';
import { DatabaseModule } from '@kindred/database';
import { EventsModule } from '@kindred/events';
import { ForumModule } from '@kindred/forum';
import { GroupsModule } from '@kindred/groups';
import { createLoggerModule } from '@kindred/http';
import { AuthGuard, IdentityModule } from '@kindred/identity';
import { MailModule } from '@kindred/mail';
import { MentoringModule } from '@kindred/mentoring';
import { ModerationModule } from '@kindred/moderation';
import { NotificationsModule } from '@kindred/notifications';
import { ObservabilityModule } from '@kindred/observability';
import { OutcomesModule } from '@kindred/outcomes';
import { QueuesModule } from '@kindred/queues';
import { RedisModule } from '@kindred/redis';
import { ChatController } from './chat/chat.controller';
import { GROUPS_CONTROLLERS } from './groups/groups.controllers';
import { AuthController } from './identity/auth.controller';
import { DataRightsController } from './identity/data-rights.controller';
import { MeController } from './identity/me.controller';
import { SecondFactorController } from './identity/second-factor.controller';
import { ForumController } from './forum/forum.controller';
import { SearchController } from './forum/search.controller';
import { MODERATION_CONTROLLERS } from './moderation/moderation.controllers';
import { ReviewController } from './moderation/review.controller';
import { RulesController } from './moderation/rules.controller';
import { OUTCOMES_CONTROLLERS } from './outcomes/outcomes.controller';
import { WebAppConfigController } from './web/app-config.controller';
import { MailJobsRunner } from './mail/mail-jobs.runner';
import { NotificationsController } from './notifications/notifications.controller';
import { ConversationsController } from './mentoring/conversations.controller';
import { MentoringController } from './mentoring/mentoring.controller';

@Module({})
export class ForumAppModule {
  static forRoot(config: KindredConfig): DynamicModule {
    return {
      module: ForumAppModule,
      imports: [
        KindredConfigModule.forRoot(config),
        createLoggerModule(config, 'forum'),
        DatabaseModule.forRoot(config, 'forum'),
        RedisModule,
        EventsModule,
        QueuesModule,
        ObservabilityModule,
        IdentityModule,
        GroupsModule,
        NotificationsModule,
        ModerationModule,
        ForumModule,
        ChatModule,
        ConversationsModule,
        MentoringModule,
        MailModule,
        OutcomesModule,
      ],
      controllers: [
        AuthController,
        MeController,
        SecondFactorController,
        DataRightsController,
        ...GROUPS_CONTROLLERS,
        ForumController,
        SearchController,
        ChatController,
        RulesController,
        ReviewController,
        ...MODERATION_CONTROLLERS,
        ConversationsController,
        MentoringController,
        ...OUTCOMES_CONTROLLERS,
        WebAppConfigController,
        NotificationsController,
      ],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }, MailJobsRunner],
    };
  }
}
