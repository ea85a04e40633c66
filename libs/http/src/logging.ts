import { LoggerModule } from 'nestjs-pino';
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
];

export function createLoggerModule(config: KindredConfig, service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.log.level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Only what an operator needs to follow a request: no headers, no query strings, no bodies.
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    },
  });
}
