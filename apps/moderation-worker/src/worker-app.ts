import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { KindredConfig } from '@kindred/config';
import { startProbeServer } from './probe-server';
import { WorkerAppModule } from './worker-app.module';

export interface WorkerApp {
  context: INestApplicationContext;
  probe: FastifyInstance;
  close(): Promise<void>;
}

/** The moderation worker: a headless Nest context running BullMQ jobs, plus a probe server. */
export async function startWorkerApp(config: KindredConfig, port = config.ports.worker): Promise<WorkerApp> {
  const context = await NestFactory.createApplicationContext(WorkerAppModule.forRoot(config), { bufferLogs: true });
  context.useLogger(context.get(Logger));
  context.flushLogs();
  context.enableShutdownHooks();
  const probe = await startProbeServer(context, config.host, port);
  return {
    context,
    probe,
    async close() {
      await probe.close();
      await context.close();
    },
  };
}
