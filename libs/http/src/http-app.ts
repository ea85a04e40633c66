import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { KindredConfig } from '@kindred/config';
import { ProblemFilter } from './problem.filter';
import { closeGracefullyOnSignals } from './shutdown';
import { logRequests } from './request-log';
import { helmetOptions, securityHeaders } from './security-headers';
import { createValidationPipe } from './validation';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honour a caller's request id when it is sane, so logs can be followed across services. */
function requestId(raw: IncomingMessage): string {
  const header = raw.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

export interface HttpAppOptions {
  /** The Content-Security-Policy for pages (the API docs, the web app): scripts from this origin only. */
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
  // bodyParser: false keeps Nest from adding a form-urlencoded parser; see acceptOnlyJson.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // Drain first (SHUTDOWN_DRAIN_SECONDS with /health at 503), then close: a load balancer in front loses no request.
  closeGracefullyOnSignals(app, config.shutdown.drainSeconds);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());

  // helmet's headers, worked out once; every answer (404s and errors included) carries them and the request id.
  const headers = await securityHeaders(helmetOptions(config, options.servesPages ?? false));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  acceptOnlyJson(fastify);
  neverCacheApiAnswers(fastify);
  logRequests(fastify, (await app.resolve(PinoLogger)).logger);
  return app;
}

/** The one route that takes a form body: RFC 8058 one-click unsubscribe, which mail clients POST as a form. */
const FORM_ROUTES = /^\/unsubscribe(?:\?|$)/;
/** A one-click unsubscribe body is `List-Unsubscribe=One-Click`; nothing larger is read. */
const FORM_BODY_LIMIT = 1024;

/**
 * Request bodies are JSON or nothing: fastify's own JSON parser stays, its text/plain parser goes,
 * and a form-encoded (or any other) body answers 415 UNSUPPORTED_MEDIA_TYPE before any handler
 * runs, except on `POST /unsubscribe`, whose form body (RFC 8058) is read and ignored: the token
 * is in the query.
 */
export function acceptOnlyJson(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'multipart/form-data'],
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (request, _body, done) => {
      if (FORM_ROUTES.test(request.url)) return done(null, {});
      done(Object.assign(new Error('Unsupported media type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), undefined);
    },
  );
}

const JSON_TYPE = /^application\/(?:problem\+)?json\b/i;

/**
 * API answers (JSON and problem+json, errors included) may hold personal and health data: no
 * browser, proxy or shared cache may keep them. Pages and the web app's files set their own.
 */
export function neverCacheApiAnswers(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (JSON_TYPE.test(String(reply.getHeader('content-type') ?? ''))) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
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
