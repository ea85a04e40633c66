import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { KindredConfig, loadConfig } from '@kindred/config';
import { createChatApp } from '../../apps/chat/src/chat-app';
import { createForumApp } from '../../apps/forum/src/forum-app';
import { startWorkerApp, WorkerApp } from '../../apps/moderation-worker/src/worker-app';
import { testEnv } from '../setup/test-env';

export function testConfig(overrides: Record<string, string> = {}): KindredConfig {
  return loadConfig({ ...process.env, ...testEnv(), ...overrides });
}

export interface RunningHttpApp {
  app: NestFastifyApplication;
  url: string;
  config: KindredConfig;
  close(): Promise<void>;
}

/**
 * Listens on `port` (by default a free one). Every 5xx answer is recorded, and close() fails the suite if there was
 * one: bad input must never make the server fail.
 */
async function listen(app: NestFastifyApplication, config: KindredConfig, port = 0): Promise<RunningHttpApp> {
  const serverErrors: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode >= 500) serverErrors.push(`${request.method} ${request.url} -> ${reply.statusCode}`);
      done();
    });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      if (serverErrors.length > 0) throw new Error(`The server answered with 5xx:\n${serverErrors.join('\n')}`);
    },
  };
}

/** Listen on the configured port instead of a free one. */
export interface ListenOptions {
  onConfiguredPort?: boolean;
}

/** The real forum service, listening on a free port (or on FORUM_PORT). */
export async function startForum(overrides: Record<string, string> = {}, options: ListenOptions = {}): Promise<RunningHttpApp> {
  const config = testConfig(overrides);
  return listen(await createForumApp(config), config, options.onConfiguredPort ? config.ports.forum : 0);
}

/** The real chat service (socket.io with the Redis adapter), listening on a free port (or on CHAT_PORT). */
export async function startChat(overrides: Record<string, string> = {}, options: ListenOptions = {}): Promise<RunningHttpApp> {
  const config = testConfig(overrides);
  return listen(await createChatApp(config), config, options.onConfiguredPort ? config.ports.chat : 0);
}

/** The real moderation worker, with its probe server on a free port (or on WORKER_PORT). */
export async function startWorker(overrides: Record<string, string> = {}, options: ListenOptions = {}): Promise<WorkerApp & { url: string }> {
  const config = testConfig(overrides);
  const worker = await startWorkerApp(config, options.onConfiguredPort ? config.ports.worker : 0);
  const address = worker.probe.server.address() as AddressInfo;
  return Object.assign(worker, { url: `http://127.0.0.1:${address.port}` });
}
