import request from 'supertest';
import { bearer, registerAndLogin } from '../support/people';
import { RunningHttpApp, startForum } from '../support/stack';

const WRONG = 'not the right pass phrase at all';

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
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => request(forum.url).delete('/me').set(bearer(person)).send({ password: WRONG })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(limit);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - limit);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      // Even the right password now waits, and the account is still there.
      await request(forum.url).delete('/me').set(bearer(person)).send({ password: person.password }).expect(429);
      await request(forum.url).get('/me').set(bearer(person)).expect(200);
    });
  });
});
