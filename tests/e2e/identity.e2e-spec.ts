import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventBus } from '@kindred/events';
import { IdentityService } from '@kindred/identity';
import { MetricsServer } from '@kindred/observability';
import { io, Socket } from 'socket.io-client';
import { bearer, newRegistration, registerAndLogin } from '../support/people';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

/** Resolves with the connect_error message, or 'connected'. */
function connectOutcome(url: string, options: Parameters<typeof io>[1]): Promise<{ outcome: string; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...options });
    socket.on('connect', () => resolve({ outcome: 'connected', socket }));
    socket.on('connect_error', (error) => resolve({ outcome: error.message, socket }));
  });
}

describe('identity, HTTP conventions and the three services', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp & { url: string };

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum({ LOGIN_FAILURES_PER_ACCOUNT: '3' }), startChat(), startWorker()]);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  describe('health and docs', () => {
    it.each(['forum', 'chat', 'worker'])('%s /health checks PostgreSQL and Redis', async (service) => {
      const url = { forum: forum.url, chat: chat.url, worker: worker.url }[service]!;
      const response = await request(url).get('/health').expect(200);
      expect(response.body.status).toBe('ok');
      expect(response.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
    });

    it.each(['forum', 'chat', 'worker'])('%s /metrics speaks Prometheus on a port that serves nothing public', async (service) => {
      const internal = { forum: forum.app.get(MetricsServer).url, chat: chat.app.get(MetricsServer).url, worker: worker.url }[service]!;
      const response = await request(internal).get('/metrics').expect(200);
      expect(response.text).toContain('process_cpu_seconds_total');
    });

    it.each(['forum', 'chat'])('%s answers 404 at /metrics on its public port', async (service) => {
      const url = { forum: forum.url, chat: chat.url }[service]!;
      await request(url).get('/metrics').expect(404);
    });

    it('serves the OpenAPI document generated from the controllers', async () => {
      const response = await request(forum.url).get('/docs-json').expect(200);
      expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/auth/register', '/auth/login', '/me', '/me/sessions']));
    });

    it('serves at /docs-json what docs/openapi.json holds (npm run openapi)', async () => {
      const response = await request(forum.url).get('/docs-json').expect(200);
      expect(response.body).toEqual(JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8')));
    });

    it('sets security headers and a request id', async () => {
      const response = await request(forum.url).get('/consent').set('X-Request-Id', 'trace-123').expect(200);
      expect(response.headers['x-request-id']).toBe('trace-123');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      // Plain HTTP by default: HSTS only when HTTPS_ONLY says browsers come over HTTPS.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('registration', () => {
    it('serves the consent text with its version', async () => {
      const response = await request(forum.url).get('/consent').expect(200);
      expect(response.body.version).toMatch(/\S/);
      expect(response.body.text).toContain('health');
    });

    it('registers, and answers only that the next step is in the mail', async () => {
      const body = newRegistration();
      const response = await request(forum.url).post('/auth/register').send(body).expect(202);
      expect(response.body).toEqual({ status: 'check-email' });
    });

    it.each([[{ consent: false }], [{ consent: undefined }], [{ consent: 'yes' }]])('refuses registration without consent %j with 422', async (override) => {
      const response = await request(forum.url).post('/auth/register').send(newRegistration(override)).expect(422);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'consent' })]));
    });

    it('answers a known email, compared case-insensitively, exactly as a new one, and makes no second account', async () => {
      const body = newRegistration();
      const first = await request(forum.url).post('/auth/register').send(body).expect(202);
      const again = newRegistration({ email: body.email.toUpperCase(), password: 'another long pass phrase' });
      const second = await request(forum.url).post('/auth/register').send(again).expect(202);
      expect(second.text).toBe(first.text);
      await request(forum.url).post('/auth/login').send({ email: again.email, password: again.password }).expect(401);
    });

    it.each(['short', 'passwordpassword', 'qwerty123456', 'x'.repeat(129)])('refuses the weak password %p with 422', async (password) => {
      const response = await request(forum.url).post('/auth/register').send(newRegistration({ password })).expect(422);
      expect(response.body.errors[0].field).toBe('password');
    });

    it('refuses an unknown property with 422 naming it', async () => {
      const response = await request(forum.url)
        .post('/auth/register')
        .send(newRegistration({ isAdmin: true }))
        .expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'isAdmin', message: 'isAdmin is not a recognised property' }]);
    });

    it.each([
      [{ dateOfBirth: '2001-02-30' }, 'dateOfBirth'],
      [{ dateOfBirth: '3000-01-01' }, 'dateOfBirth'],
      [{ email: 'not-an-email' }, 'email'],
      [{ displayName: '<script>' }, 'displayName'],
    ])('refuses %j with a field error', async (override, field) => {
      const response = await request(forum.url).post('/auth/register').send(newRegistration(override)).expect(422);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('refuses a 2 MB body with 413', async () => {
      const response = await request(forum.url)
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...newRegistration(), displayName: 'x'.repeat(2 * 1024 * 1024) }))
        .expect(413);
      expect(response.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('refuses malformed JSON with 400', async () => {
      const response = await request(forum.url).post('/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    });

    it('answers an unknown address with problem+json 404', async () => {
      const response = await request(forum.url).get('/no/such/thing').expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });
  });

  describe('sessions', () => {
    it('logs in, shows /me, lists sessions, and logs out everywhere at once', async () => {
      const person = await registerAndLogin(forum.url);
      const me = await request(forum.url).get('/me').set(bearer(person)).expect(200);
      expect(me.body).toEqual({ id: person.id, displayName: person.displayName, isAdmin: false, memberships: [], aboutMe: null, showOnline: true });
      expect(JSON.stringify(me.body)).not.toContain(person.email);

      const sessions = await request(forum.url).get('/me/sessions').set(bearer(person)).expect(200);
      expect(sessions.body).toHaveLength(1);
      expect(sessions.body[0]).toMatchObject({ current: true });

      const socket = await connectOutcome(chat.url, { auth: { token: person.token } });
      expect(socket.outcome).toBe('connected');
      const disconnected = new Promise<string>((resolve) => socket.socket.on('disconnect', (reason) => resolve(reason)));

      await request(forum.url).post('/auth/logout').set(bearer(person)).expect(204);
      const reason = await disconnected;
      expect(reason).toBe('io server disconnect');

      const after = await request(forum.url).get('/me').set(bearer(person)).expect(401);
      expect(after.body.code).toBe('UNAUTHENTICATED');
      const reconnect = await connectOutcome(chat.url, { auth: { token: person.token } });
      expect(reconnect.outcome).toBe('UNAUTHENTICATED');
      reconnect.socket.close();
    });

    it('ends one chosen session, leaving the others', async () => {
      const person = await registerAndLogin(forum.url);
      const second = await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
      const list = await request(forum.url).get('/me/sessions').set(bearer(person)).expect(200);
      expect(list.body).toHaveLength(2);
      const other = list.body.find((s: { current: boolean }) => !s.current);
      // Used just before it ends, so this process has it fresh in its session cache.
      await request(forum.url)
        .get('/me')
        .set({ Authorization: `Bearer ${second.body.token}` })
        .expect(200);
      await request(forum.url).delete(`/me/sessions/${other.id}`).set(bearer(person)).expect(204);
      await request(forum.url)
        .get('/me')
        .set({ Authorization: `Bearer ${second.body.token}` })
        .expect(401);
      await request(forum.url).get('/me').set(bearer(person)).expect(200);
      await request(forum.url).delete(`/me/sessions/${other.id}`).set(bearer(person)).expect(404);
      await request(forum.url).delete('/me/sessions/not-a-uuid').set(bearer(person)).expect(404);
    });

    it('gives a wrong password and an unknown email identical answers', async () => {
      const person = await registerAndLogin(forum.url);
      const wrong = await request(forum.url).post('/auth/login').send({ email: person.email, password: 'not the right phrase' }).expect(401);
      const unknown = await request(forum.url)
        .post('/auth/login')
        .send({ email: `nobody-${person.id}@example.org`, password: 'not the right phrase' })
        .expect(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.body.code).toBe('UNAUTHENTICATED');
    });

    it('rate limits repeated failed logins with 429 and Retry-After, even for the right password', async () => {
      const person = await registerAndLogin(forum.url);
      for (let i = 0; i < 3; i += 1) {
        await request(forum.url).post('/auth/login').send({ email: person.email, password: 'not the right phrase' }).expect(401);
      }
      const limited = await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('deletes sessions a week after they ended, and keeps recent ones', async () => {
      const person = await registerAndLogin(forum.url);
      await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
      const db = forum.app.get(DataSource);
      const rows = (await db.query(`SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at`, [person.id])) as Array<{ id: string }>;
      await db.query(`UPDATE sessions SET revoked_at = now() - interval '8 days' WHERE id = $1`, [rows[0]!.id]);
      await db.query(`UPDATE sessions SET revoked_at = now() - interval '1 day' WHERE id = $1`, [rows[1]!.id]);
      expect(await worker.context.get(IdentityService).pruneEndedSessions()).toBeGreaterThanOrEqual(1);
      const left = (await db.query(`SELECT id FROM sessions WHERE user_id = $1`, [person.id])) as Array<{ id: string }>;
      expect(left.map((r) => r.id)).toEqual([rows[1]!.id]);
    });

    it('stops accepting a session in another forum instance once it hears it was ended', async () => {
      const second = await startForum();
      try {
        const person = await registerAndLogin(forum.url);
        let hear!: () => void;
        const heard = new Promise<void>((resolve) => (hear = resolve));
        await second.app.get(EventBus).subscribe('session.revoked', ({ userId }) => {
          if (userId === person.id) hear();
        });
        // The second instance checks this session (twice, so it is cached once it hears revocations):
        // from now on it would trust it for a few seconds without asking the database.
        await request(second.url).get('/me').set(bearer(person)).expect(200);
        await request(second.url).get('/me').set(bearer(person)).expect(200);
        await request(forum.url).post('/auth/logout').set(bearer(person)).expect(204);
        await heard;
        const after = await request(second.url).get('/me').set(bearer(person)).expect(401);
        expect(after.body.code).toBe('UNAUTHENTICATED');
      } finally {
        await second.close();
      }
    });

    it('refuses a missing or made-up token with 401', async () => {
      await request(forum.url).get('/me').expect(401);
      const response = await request(forum.url).get('/me').set('Authorization', 'Bearer made-up').expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('chat handshake', () => {
    it('refuses a socket with a bad token as UNAUTHENTICATED', async () => {
      const bad = await connectOutcome(chat.url, { auth: { token: 'not-a-real-token' } });
      expect(bad.outcome).toBe('UNAUTHENTICATED');
      bad.socket.close();
      const none = await connectOutcome(chat.url, {});
      expect(none.outcome).toBe('UNAUTHENTICATED');
      none.socket.close();
    });

    it('refuses a socket from an origin not on the allow-list', async () => {
      const person = await registerAndLogin(forum.url);
      const refused = await connectOutcome(chat.url, { auth: { token: person.token }, extraHeaders: { Origin: 'https://evil.example' } });
      expect(refused.outcome).not.toBe('connected');
      refused.socket.close();
      const allowed = await connectOutcome(chat.url, { auth: { token: person.token }, extraHeaders: { Origin: 'http://localhost:3000' } });
      expect(allowed.outcome).toBe('connected');
      allowed.socket.close();
    });
  });
});
