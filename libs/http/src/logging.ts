import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { DynamicModule } from '@nestjs/common';
import type { KindredConfig } from '@kindred/config';

/**
 * Paths pino blanks wherever they appear. Request bodies are never logged at all; these guard
 * against a header or an object carrying a secret or personal data into a log line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.password',
  '*.token',
  '*.email',
  '*.body',
  '*.text',
  'password',
  'token',
  'email',
  'body',
  // A failed query's parameters can hold what members wrote; its SQL and error code stay.
  'err.parameters',
];

/** The `req` serializer: only what an operator needs to follow a request, never headers, queries or bodies. */
export function requestForLog(req: { id?: string; method?: string; url?: string }): { id?: string; method?: string; path?: string } {
  return { id: req.id, method: req.method, path: req.url?.split('?')[0] };
}

/**
 * Nest's logger, backed by pino. Requests are logged by `logRequests` (a fastify hook installed by
 * `createHttpApp`), so nestjs-pino's pino-http middleware is applied to no route.
 */
export function createLoggerModule(config: KindredConfig, service: string): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [],
    pinoHttp: {
      level: config.log.level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // `{ err }` in a log call keeps the error's type, message and stack (and its cause).
        err: stdSerializers.err,
        req: requestForLog,
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
