import request from 'supertest';
import { MetricsServer } from '@kindred/observability';
import { createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { bearer, Person, registerAndLogin } from '../support/people';
import { RunningHttpApp, startForum } from '../support/stack';

const WRONG = 'not the right pass phrase at all';
const UUID = '3f2b6a4e-8c1d-4e5f-9a7b-0c1d2e3f4a5b';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Twenty cursors no endpoint ever issued. */
const MALFORMED_CURSORS = [
  b64('{"at":1e308,"id":5}'),
  b64('{"at":-1e308,"id":"x"}'),
  b64('{"name":1e308,"id":5}'),
  b64(JSON.stringify({ at: 'NaN', id: UUID })),
  b64(JSON.stringify({ at: 'Invalid Date', id: UUID })),
  b64(JSON.stringify({ at: '2026-02-31T00:00:00.000Z', id: UUID })),
  b64(JSON.stringify({ at: '+275760-09-13T00:00:00.000Z', id: UUID })),
  b64(JSON.stringify({ at: new Date().toISOString(), id: 'not-a-uuid' })),
  b64(`{"at":"${new Date().toISOString()}","id":123456789012345678901234567890}`),
  b64(JSON.stringify({ at: new Date().toISOString(), id: `${UUID}' OR '1'='1` })),
  b64(JSON.stringify({ name: { $gt: '' }, id: UUID })),
  b64(JSON.stringify({ at: [new Date().toISOString()], id: [UUID] })),
  b64(JSON.stringify({ at: true, id: null })),
  b64(JSON.stringify([1, 2, 3])),
  b64('null'),
  b64('"just a string"'),
  b64('{"at":'),
  'not base64 at all!',
  '%00%ff',
  'A'.repeat(513),
];

/** Account limits and HTTP hardening, tried as an attacker or a careless client would, over HTTP. */
describe('account limits and hardening', () => {
  let forum: RunningHttpApp;

  beforeAll(async () => {
    forum = await startForum();
  });

  afterAll(async () => {
    await forum?.close();
  });

  describe('password attempt limits', () => {
    it('evaluates at most the limit of 40 parallel wrong logins for one account, and refuses the rest with 429', async () => {
      const person = await registerAndLogin(forum.url);
      const limit = forum.config.auth.loginFailuresPerAccount;
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => request(forum.url).post('/auth/login').send({ email: person.email, password: WRONG })),
      );
      const statuses = answers.map((a) => a.status);
      const evaluated = statuses.filter((s) => s === 401).length;
      const limited = answers.filter((a) => a.status === 429);
      expect(evaluated).toBeLessThanOrEqual(limit);
      expect(evaluated + limited.length).toBe(40);
      for (const answer of limited) {
        expect(answer.headers['content-type']).toContain('application/problem+json');
        expect(answer.body.code).toBe('RATE_LIMITED');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }

      // The right password does not get through before the window ends.
      const right = await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(429);
      expect(right.body.code).toBe('RATE_LIMITED');
      expect(right.body.token).toBeUndefined();
    });

    it('gives the attempt back when the password is right', async () => {
      const person = await registerAndLogin(forum.url);
      const limit = forum.config.auth.loginFailuresPerAccount;
      for (let i = 0; i < limit - 1; i += 1) {
        await request(forum.url).post('/auth/login').send({ email: person.email, password: WRONG }).expect(401);
      }
      // Many right answers in a row never use up the last attempt.
      for (let i = 0; i < 3; i += 1) {
        await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
      }
      await request(forum.url).post('/auth/login').send({ email: person.email, password: WRONG }).expect(401);
      await request(forum.url).post('/auth/login').send({ email: person.email, password: WRONG }).expect(429);
    });

    it('limits unknown addresses exactly like known ones', async () => {
      const email = `nobody-${Date.now()}@example.org`;
      const limit = forum.config.auth.loginFailuresPerAccount;
      const statuses = [];
      for (let i = 0; i < limit + 2; i += 1) statuses.push((await request(forum.url).post('/auth/login').send({ email, password: WRONG })).status);
      expect(statuses).toEqual([...Array<number>(limit).fill(401), 429, 429]);
    });

    it('limits password guesses on DELETE /me with the same budget, and keeps the account', async () => {
      const person = await registerAndLogin(forum.url);
      const limit = forum.config.auth.loginFailuresPerAccount;
      const answers = await Promise.all(Array.from({ length: 30 }, () => request(forum.url).delete('/me').set(bearer(person)).send({ password: WRONG })));
      const statuses = answers.map((a) => a.status);
      // A wrong password is a field error (422), so the session stays; a spent budget is 429.
      expect(statuses.filter((s) => s === 422).length).toBeLessThanOrEqual(limit);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - limit);
      expect(statuses.every((s) => s === 422 || s === 429)).toBe(true);
      // Even the right password now waits, and the account is still there.
      await request(forum.url).delete('/me').set(bearer(person)).send({ password: person.password }).expect(429);
      await request(forum.url).get('/me').set(bearer(person)).expect(200);
    });
  });

  describe('hardening', () => {
    let admin: Person;
    let member: Person;
    let groupId: string;
    let topicId: string;

    beforeAll(async () => {
      admin = await createAdmin(forum);
      groupId = await createGroup(forum, admin);
      member = await joinedMember(forum, groupId, await referralCode(forum, admin, groupId));
      const topic = await request(forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .send({ title: 'Hello all', body: 'First post here.' })
        .expect(202);
      topicId = topic.body.topicId;
    });

    it("never shows eligibility questions' expected answers in the directory", async () => {
      // The whole directory, page by page: how many groups other suites made decides the page ours is on.
      const directory = async (who?: Person) => {
        const items: any[] = [];
        for (let cursor: string | null = null, more = true; more;) {
          const path: string = `/groups?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const answer: request.Response = await (who ? request(forum.url).get(path).set(bearer(who)) : request(forum.url).get(path)).expect(200);
          items.push(...answer.body.items);
          cursor = answer.body.nextCursor;
          more = Boolean(cursor);
        }
        return { body: { items } };
      };
      const [anonymous, signedIn, asAdmin] = [await directory(), await directory(member), await directory(admin)];
      for (const page of [anonymous, signedIn, asAdmin]) {
        const ours = page.body.items.find((g: { id: string }) => g.id === groupId);
        expect(ours.eligibility.questions.length).toBeGreaterThan(0);
        expect(JSON.stringify(page.body)).not.toContain('"expected"');
      }
      const entry = await request(forum.url).get(`/groups/${groupId}`).expect(200);
      expect(entry.body.eligibility.questions[0]).toEqual({ key: 'diagnosis', prompt: expect.any(String), required: true });
      const byMember = await request(forum.url).get(`/groups/${groupId}`).set(bearer(member)).expect(200);
      expect(JSON.stringify(byMember.body)).not.toContain('"expected"');
      // Admins (and the group's supporters) still see them, to review applications and edit the group.
      const byAdmin = await request(forum.url).get(`/groups/${groupId}`).set(bearer(admin)).expect(200);
      expect(byAdmin.body.eligibility.questions[0].expected).toBe('yes');
    });

    it('answers 422 to each of 20 malformed cursors on every paginated endpoint, never 500', async () => {
      const endpoints: Array<[string, Person | null]> = [
        ['/groups', null],
        [`/groups/${groupId}/topics`, member],
        [`/topics/${topicId}/posts`, member],
        [`/groups/${groupId}/members`, admin],
        [`/groups/${groupId}/applications`, admin],
        [`/groups/${groupId}/audit-log`, admin],
        [`/groups/${groupId}/messages`, member],
        ['/me/notices', member],
        ['/me/alerts', admin],
      ];
      for (const [path, who] of endpoints) {
        for (const cursor of MALFORMED_CURSORS) {
          const call = request(forum.url).get(path).query({ cursor });
          const response = await (who ? call.set(bearer(who)) : call);
          expect({ path, cursor, status: response.status, code: response.body.code }).toEqual({ path, cursor, status: 422, code: 'VALIDATION_FAILED' });
        }
      }
    });

    it.each(['0', '101', '-1', '1.5', 'abc', '1e9', ''])('answers 422 to limit=%j', async (limit) => {
      const response = await request(forum.url).get('/groups').query({ limit }).expect(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('accepts only JSON bodies: a form or plain text gets 415', async () => {
      const form = await request(forum.url).post('/auth/login').type('form').send({ email: member.email, password: member.password }).expect(415);
      expect(form.headers['content-type']).toContain('application/problem+json');
      expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const text = await request(forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .set('Content-Type', 'text/plain')
        .send('title=x&body=y')
        .expect(415);
      expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const multipart = await request(forum.url).post('/auth/login').field('email', member.email).field('password', member.password).expect(415);
      expect(multipart.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      await request(forum.url)
        .post('/auth/login')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ email: member.email, password: member.password }))
        .expect(200);
    });

    it('serves /metrics on the internal port only', async () => {
      const pub = await request(forum.url).get('/metrics').expect(404);
      expect(pub.body.code).toBe('NOT_FOUND');
      const internal = forum.app.get(MetricsServer).url;
      expect(internal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(internal).not.toBe(forum.url);
      const scrape = await request(internal!).get('/metrics').expect(200);
      expect(scrape.text).toContain('process_cpu_seconds_total');
      await request(internal!).get('/groups').expect(404);
    });

    it('marks every API answer no-store, errors included', async () => {
      const answers = [
        await request(forum.url).get('/groups').expect(200),
        await request(forum.url).get('/me').set(bearer(member)).expect(200),
        await request(forum.url).get('/me').expect(401),
        await request(forum.url).get('/no-such-thing').expect(404),
        await request(forum.url).get('/groups').query({ limit: 0 }).expect(422),
      ];
      for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
    });

    it('sends a CSP without inline or remote script, and neither HSTS nor upgrade-insecure-requests over plain HTTP', async () => {
      const response = await request(forum.url).get('/consent').expect(200);
      const csp = new Map<string, string[]>(
        String(response.headers['content-security-policy'])
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((d) => d[0])
          .map(([name, ...values]) => [name!, values]),
      );
      expect(csp.get('script-src')).toEqual(["'self'"]);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      const connect = csp.get('connect-src')!;
      expect(connect[0]).toBe("'self'");
      for (const source of connect.slice(1)) expect(source).toMatch(/^(https?|wss?):\/\/[^*\s]+:\d+$/);
      expect(csp.has('upgrade-insecure-requests')).toBe(false);
      expect(response.headers['strict-transport-security']).toBeUndefined();
    });

    it('sends HSTS and upgrade-insecure-requests when configured as served over HTTPS', async () => {
      const https = await startForum({ HTTPS_ONLY: 'true' });
      try {
        const response = await request(https.url).get('/consent').expect(200);
        expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      } finally {
        await https.close();
      }
    });

    it.each([
      ['zero-width spaces', '\u200B\u200B\u200B'],
      ['whitespace and joiners', ' \n\u200D\u2060\t '],
      ['a Hangul filler and a BOM', '\u3164\uFEFF'],
    ])('refuses a post whose text is only %s with 422', async (_what, blank) => {
      const topic = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: 'A real title', body: blank }).expect(422);
      expect(topic.body.code).toBe('VALIDATION_FAILED');
      const title = await request(forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .send({ title: `${blank}${blank}${blank}`, body: 'Real words.' })
        .expect(422);
      expect(title.body.errors).toEqual([expect.objectContaining({ field: 'title' })]);
      const reply = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(member)).send({ body: blank }).expect(422);
      expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
    });
  });
});
