import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KindredConfig, KindredConfigModule } from '@kindred/config';
import { DatabaseModule } from '@kindred/database';
import { EventsModule } from '@kindred/events';
import { createLoggerModule } from '@kindred/http';
import { AuthGuard, IdentityModule } from '@kindred/identity';
import { ObservabilityModule } from '@kindred/observability';
import { QueuesModule } from '@kindred/queues';
import { RedisModule } from '@kindred/redis';
import { AuthController } from './identity/auth.controller';
import { MeController } from './identity/me.controller';

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
      ],
      controllers: [AuthController, MeController],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
