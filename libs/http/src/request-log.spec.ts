import { Writable } from 'node:stream';
import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { REDACTED_PATHS, requestForLog } from './logging';
import { logRequests } from './request-log';

/** A fastify app logging through a pino logger configured as the services' is, into memory. */
async function appLoggingAt(level: string): Promise<{ app: FastifyInstance; lines: () => Array<Record<string, unknown>> }> {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino(
    {
      level,
      base: { service: 'test' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestForLog, res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }) },
    },
    sink,
  );
  const app = Fastify({ genReqId: () => 'req-1' });
  logRequests(app, logger);
  app.get('/topics/:id', () => ({ ok: true }));
  app.get('/broken', async () => {
    throw new Error('boom');
  });
  app.get('/health', () => ({ status: 'ok' }));
  // As the auth guard leaves it: the caller on the request, then a refusal.
  app.get('/groups/:id/secret', async (request, reply) => {
    (request as unknown as { user: unknown }).user = { id: 'user-7', sessionId: 'session-9', displayName: 'Sam' };
    return reply.status(Number((request.params as { id: string }).id)).send({ code: 'REFUSED' });
  });
  await app.ready();
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, lines };
}

describe('request logging', () => {
  it('writes one line per request: id, method, path without the query, status and time', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ method: 'GET', url: '/topics/42?cursor=secret-cursor&limit=5', headers: { authorization: 'Bearer secret-token' } });
    await app.close();
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 30,
        service: 'test',
        msg: 'request completed',
        req: { id: 'req-1', method: 'GET', path: '/topics/42' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
    ]);
    const text = JSON.stringify(lines());
    for (const secret of ['secret-cursor', 'secret-token', 'limit=5']) expect(text).not.toContain(secret);
  });

  it('logs a 4xx at info and a 5xx at error', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ method: 'GET', url: '/nothing-here' });
    await app.inject({ method: 'GET', url: '/broken' });
    await app.close();
    expect(lines().map((l) => [l.level, (l.res as { statusCode: number }).statusCode, l.msg])).toEqual([
      [30, 404, 'request completed'],
      [50, 500, 'request errored'],
    ]);
  });

  it.each([401, 403, 404])('names the signed-in caller on a %i, never their token or session', async (status) => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ method: 'GET', url: `/groups/${status}/secret`, headers: { authorization: 'Bearer secret-token' } });
    await app.inject({ method: 'GET', url: '/groups/200/secret' });
    await app.close();
    const [refused, allowed] = lines();
    expect(refused).toMatchObject({ userId: 'user-7', res: { statusCode: status } });
    expect(allowed).not.toHaveProperty('userId');
    expect(JSON.stringify(lines())).not.toMatch(/secret-token|session-9|Sam/);
  });

  it('leaves out health checks and scrapes, and writes nothing below its level', async () => {
    const quiet = await appLoggingAt('info');
    await quiet.app.inject({ method: 'GET', url: '/health' });
    await quiet.app.close();
    expect(quiet.lines()).toEqual([]);

    const warn = await appLoggingAt('warn');
    await warn.app.inject({ method: 'GET', url: '/topics/1' });
    await warn.app.inject({ method: 'GET', url: '/broken' });
    await warn.app.close();
    expect(warn.lines().map((l) => l.msg)).toEqual(['request errored']);
  });
});
