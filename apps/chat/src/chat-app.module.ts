import { DynamicModule, Module } from '@nestjs/common';
import { ChatModule } from '@kindred/chat';
import { KindredConfig, KindredConfigModule } from '@kindred/config';
import { DatabaseModule } from '@kindred/database';
import { EventsModule } from '@kindred/events';
import { createLoggerModule } from '@kindred/http';
import { IdentityModule } from '@kindred/identity';
import { ObservabilityModule } from '@kindred/observability';
import { QueuesModule } from '@kindred/queues';
import { RedisModule } from '@kindred/redis';
import { ChatGateway } from './chat.gateway';

@Module({})
export class ChatAppModule {
  static forRoot(config: KindredConfig): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [
        KindredConfigModule.forRoot(config),
        createLoggerModule(config, 'chat'),
        DatabaseModule.forRoot(config, 'chat'),
        RedisModule,
        EventsModule,
        QueuesModule,
        ObservabilityModule,
        IdentityModule,
        ChatModule,
      ],
      providers: [ChatGateway],
    };
  }
}
