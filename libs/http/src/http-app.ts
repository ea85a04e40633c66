import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { KindredConfig } from '@kindred/config';
import { ProblemFilter } from './problem.filter';
import { logRequests } from './request-log';
import { pagesCsp, securityHeaders } from './security-headers';
import { createValidationPipe } from './validation';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honour a caller's request id when it is sane, so logs can be followed across services. */
function requestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export interface HttpAppOptions {
  /** Looser Content-Security-Policy for pages that need inline styles (the API docs, the web app). */
  servesPages?: boolean;
}

/**
 * Builds a Nest application on fastify with Kindred's HTTP conventions: problem+json errors,
 * strict validation, body limit, security headers, request ids and structured logs.
 */
export async function createHttpApp(module: Type<unknown>, config: KindredConfig, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestId,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.enableShutdownHooks();
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  // helmet's headers, worked out once; every answer (404s and errors included) carries them and the request id.
  const headers = await securityHeaders({ contentSecurityPolicy: options.servesPages ? pagesCsp(config.chat.publicUrl) : undefined });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  logRequests(fastify, (await app.resolve(PinoLogger)).logger);
  return app;
}

/** Logs through the app's logger when it exists, and ends the process when a boot step fails. */
export async function bootOrExit(name: string, boot: () => Promise<INestApplicationContext>): Promise<void> {
  try {
    await boot();
  } catch (error) {
    process.stderr.write(`${name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}
