import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { KindredConfig } from '@kindred/config';
import { createHttpApp } from '@kindred/http';
import { serveMetricsWith } from '@kindred/observability';
import { ChatAppModule } from './chat-app.module';
import { KindredIoAdapter } from './kindred-io.adapter';

/** The chat service: socket.io (with the Redis adapter) and /health on its port, /metrics on an internal one. */
export async function createChatApp(config: KindredConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ChatAppModule.forRoot(config) as never, config);
  app.useWebSocketAdapter(new KindredIoAdapter(app, config));
  serveMetricsWith(app, config.metrics.host, config.metrics.chatPort);
  return app;
}
