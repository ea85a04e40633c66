import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Refusals worth following back to a person: the line names who (never their token) when the request said. */
const WHO_WAS_REFUSED = new Set([401, 403, 404]);

/** Probed every few seconds by orchestrators and scrapers: a line for each would drown the rest. */
const UNLOGGED_URLS = new Set(['/health', '/metrics']);

/**
 * One line per request as it ends: request id, method, path (never the query string), status and
 * time (and for a 401, 403 or 404 the signed-in user's id, when the session was known), at `error` for a 5xx and `info` otherwise (a 4xx is the client's mistake, answered as
 * designed: recorded, but no warning about the service). A fastify hook rather than pino-http's Nest
 * middleware: no child logger and request serialisation per request, no middleware layer, and no
 * AsyncLocalStorage context (which makes every promise in the process pay for an async hook).
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const failed = reply.statusCode >= 500;
    const level = failed ? 'error' : 'info';
    if (logger.isLevelEnabled(level) && !UNLOGGED_URLS.has(request.url)) {
      // The logger's `req` serializer keeps id, method and the path without its query string.
      const userId = WHO_WAS_REFUSED.has(reply.statusCode) ? (request as { user?: { id?: unknown } }).user?.id : undefined;
      logger[level](
        {
          req: { id: request.id, method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          ...(typeof userId === 'string' ? { userId } : {}),
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
        },
        failed ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
