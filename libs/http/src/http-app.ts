import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { KindredConfig } from '@kindred/config';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honour a caller's request id when it is sane, so logs can be followed across services. */
function requestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  // pino-http reads req.id, so the log line and the response header carry the same id.
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
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

  await app.register(helmet, {
    contentSecurityPolicy: options.servesPages
      ? {
          directives: {
            defaultSrc: ["'self'"],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", 'data:'],
            scriptSrc: ["'self'", "'unsafe-inline'"],
            connectSrc: ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
          },
        }
      : undefined,
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
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
