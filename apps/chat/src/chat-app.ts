import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { KindredConfig } from '@kindred/config';
import { createHttpApp } from '@kindred/http';
import { ChatAppModule } from './chat-app.module';
import { KindredIoAdapter } from './kindred-io.adapter';

/** The chat service: socket.io (with the Redis adapter) plus /health and /metrics on one port. */
export async function createChatApp(config: KindredConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ChatAppModule.forRoot(config) as never, config);
  app.useWebSocketAdapter(new KindredIoAdapter(app, config));
  return app;
}
