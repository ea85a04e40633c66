import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { IdentityService } from '@kindred/identity';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { testMailbox } from '../support/mailbox';
import { enrolTotp, totpCode } from '../support/mfa';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

/** Held for review: personal data in the body. */
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk.';
const NO_ID = '00000000-0000-4000-8000-000000000000';

type Json = Record<string, any>;
interface World {
  groupId: string;
  memberId: string;
}

/** Every moderation and admin endpoint; `who` says which unenrolled staff member reaches its guard (admin-only ones refuse supporters first). */
const STAFF_ENDPOINTS: Array<{ name: string; who: 'supporter' | 'admin'; call: (agent: request.Agent, w: World) => request.Test }> = [
  // Mentoring coordination, supervision, check-ins and member history (admins reach every guard; supporters some).
  { name: 'PUT /groups/{groupId}/mentoring/programme', who: 'admin', call: (a, w) => a.put(`/groups/${w.groupId}/mentoring/programme`).send({}) },
  { name: 'GET /groups/{groupId}/mentoring/mentors', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/mentoring/mentors`) },
  {
    name: 'PUT /groups/{groupId}/mentoring/mentors/{userId}',
    who: 'admin',
    call: (a, w) => a.put(`/groups/${w.groupId}/mentoring/mentors/${w.memberId}`).send({}),
  },
  {
    name: 'DELETE /groups/{groupId}/mentoring/mentors/{userId}',
    who: 'admin',
    call: (a, w) => a.delete(`/groups/${w.groupId}/mentoring/mentors/${w.memberId}`),
  },
  { name: 'GET /groups/{groupId}/mentoring/requests', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/mentoring/requests`) },
  { name: 'GET /groups/{groupId}/mentoring/relationships', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/mentoring/relationships`) },
  { name: 'GET /mentoring/requests/{requestId}/suggestions', who: 'admin', call: (a) => a.get(`/mentoring/requests/${NO_ID}/suggestions`) },
  { name: 'POST /mentoring/requests/{requestId}/match', who: 'admin', call: (a) => a.post(`/mentoring/requests/${NO_ID}/match`).send({ mentorId: NO_ID }) },
  { name: 'GET /groups/{groupId}/supervision', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/supervision`) },
  { name: 'POST /conversations/{conversationId}/close', who: 'admin', call: (a) => a.post(`/conversations/${NO_ID}/close`).send({}) },
  { name: 'POST /review-items/{itemId}/check-ins', who: 'admin', call: (a) => a.post(`/review-items/${NO_ID}/check-ins`).send({}) },
  { name: 'GET /groups/{groupId}/members/{userId}/history', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/members/${w.memberId}/history`) },
  { name: 'GET /groups/{groupId}/review-items', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/review-items?status=open`) },
  { name: 'POST /review-items/{itemId}/claim', who: 'supporter', call: (a) => a.post(`/review-items/${NO_ID}/claim`).send({}) },
  { name: 'POST /review-items/{itemId}/decision', who: 'supporter', call: (a) => a.post(`/review-items/${NO_ID}/decision`).send({ action: 'approve' }) },
  { name: 'GET /groups/{groupId}/rules', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/rules`) },
  {
    name: 'POST /groups/{groupId}/rules',
    who: 'supporter',
    call: (a, w) => a.post(`/groups/${w.groupId}/rules`).send({ pattern: 'x', match: 'word', action: 'flag' }),
  },
  { name: 'DELETE /groups/{groupId}/rules/{ruleId}', who: 'supporter', call: (a, w) => a.delete(`/groups/${w.groupId}/rules/${NO_ID}`) },
  { name: 'GET /groups/{groupId}/moderation/metrics', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/moderation/metrics`) },
  { name: 'GET /groups/{groupId}/audit-log', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/audit-log`) },
  { name: 'GET /groups/{groupId}/applications', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/applications?status=pending`) },
  {
    name: 'POST /applications/{applicationId}/decision',
    who: 'supporter',
    call: (a) => a.post(`/applications/${NO_ID}/decision`).send({ decision: 'approve', reason: 'ok' }),
  },
  { name: 'GET /groups/{groupId}/members', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/members`) },
  { name: 'PUT /topics/{topicId}/pin', who: 'supporter', call: (a) => a.put(`/topics/${NO_ID}/pin`).send({ pinned: true }) },
  { name: 'GET /me/alerts', who: 'supporter', call: (a) => a.get('/me/alerts') },
  { name: 'POST /groups', who: 'admin', call: (a) => a.post('/groups').send({}) },
  { name: 'PATCH /groups/{groupId}', who: 'admin', call: (a, w) => a.patch(`/groups/${w.groupId}`).send({ description: 'Changed.' }) },
  { name: 'PUT /groups/{groupId}/agreement', who: 'admin', call: (a, w) => a.put(`/groups/${w.groupId}/agreement`).send({ clauses: [] }) },
  { name: 'POST /groups/{groupId}/referral-codes', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/referral-codes`).send({}) },
  { name: 'GET /groups/{groupId}/referral-codes', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/referral-codes`) },
  { name: 'DELETE /groups/{groupId}/referral-codes/{codeId}', who: 'admin', call: (a, w) => a.delete(`/groups/${w.groupId}/referral-codes/${NO_ID}`) },
  { name: 'POST /groups/{groupId}/open', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/open`) },
  { name: 'POST /groups/{groupId}/supporters', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/supporters`).send({ email: 'someone@example.org' }) },
  {
    name: 'POST /groups/{groupId}/supporter-invitations',
    who: 'admin',
    call: (a, w) => a.post(`/groups/${w.groupId}/supporter-invitations`).send({ email: 'someone@example.org' }),
  },
  { name: 'GET /groups/{groupId}/supporter-invitations', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/supporter-invitations`) },
  {
    name: 'DELETE /groups/{groupId}/supporter-invitations/{invitationId}',
    who: 'admin',
    call: (a, w) => a.delete(`/groups/${w.groupId}/supporter-invitations/${NO_ID}`),
  },
  { name: 'PUT /groups/{groupId}/supporters/{userId}', who: 'admin', call: (a, w) => a.put(`/groups/${w.groupId}/supporters/${w.memberId}`) },
  { name: 'DELETE /groups/{groupId}/supporters/{userId}', who: 'admin', call: (a, w) => a.delete(`/groups/${w.groupId}/supporters/${w.memberId}`) },
  { name: 'POST /groups/{groupId}/resources', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/resources`).send({}) },
  { name: 'DELETE /groups/{groupId}/resources/{resourceId}', who: 'admin', call: (a, w) => a.delete(`/groups/${w.groupId}/resources/${NO_ID}`) },
  // Outcomes: the impact report reads members' health in aggregate; feedback is members' words.
  { name: 'GET /impact/report', who: 'supporter', call: (a, w) => a.get(`/impact/report?groupId=${w.groupId}`) },
  { name: 'GET /impact/report.csv', who: 'supporter', call: (a, w) => a.get(`/impact/report.csv?groupId=${w.groupId}`) },
  { name: 'GET /groups/{groupId}/feedback', who: 'supporter', call: (a, w) => a.get(`/groups/${w.groupId}/feedback`) },
  { name: 'GET /outcome-measures', who: 'admin', call: (a) => a.get('/outcome-measures') },
  { name: 'POST /outcome-measures', who: 'admin', call: (a) => a.post('/outcome-measures').send({}) },
  { name: 'GET /groups/{groupId}/outcome-measures', who: 'admin', call: (a, w) => a.get(`/groups/${w.groupId}/outcome-measures`) },
  { name: 'POST /groups/{groupId}/outcome-measures', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/outcome-measures`).send({}) },
  {
    name: 'DELETE /groups/{groupId}/outcome-measures/{attachmentId}',
    who: 'admin',
    call: (a, w) => a.delete(`/groups/${w.groupId}/outcome-measures/${NO_ID}`),
  },
  { name: 'GET /commissioners', who: 'admin', call: (a) => a.get('/commissioners') },
  { name: 'POST /commissioners', who: 'admin', call: (a) => a.post('/commissioners').send({}) },
  { name: 'DELETE /commissioners/{grantId}', who: 'admin', call: (a) => a.delete(`/commissioners/${NO_ID}`) },
  { name: 'POST /groups/{groupId}/agreement-proposals', who: 'admin', call: (a, w) => a.post(`/groups/${w.groupId}/agreement-proposals`).send({}) },
  { name: 'POST /agreement-proposals/{proposalId}/publish', who: 'admin', call: (a) => a.post(`/agreement-proposals/${NO_ID}/publish`) },
  { name: 'DELETE /agreement-proposals/{proposalId}', who: 'admin', call: (a) => a.delete(`/agreement-proposals/${NO_ID}`) },
];

const withToken = (url: string, person: Person) => {
  const agent = request.agent(url);
  agent.set(bearer(person));
  return agent;
};

describe('two-step sign-in (TOTP) and what staff need it for', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let code: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum(), startChat(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin);
    code = await referralCode(forum, admin, groupId);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  function connect(person: Person): Promise<Socket> {
    return new Promise((resolvePromise, reject) => {
      const socket = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
      sockets.push(socket);
      socket.once('connect', () => resolvePromise(socket));
      socket.once('connect_error', reject);
    });
  }

  /** A supporter appointed by the admin who has not set up two-step sign-in. */
  async function unenrolledSupporter(): Promise<Person> {
    const person = await joinedMember(forum, groupId, code);
    await request(forum.url).put(`/groups/${groupId}/supporters/${person.id}`).set(bearer(admin)).expect(204);
    return person;
  }

  /** A platform admin made as `npm run admin:create` makes one, signed in, without a second factor. */
  async function unenrolledAdmin(): Promise<Person> {
    const tag = Math.random()
      .toString(36)
      .slice(2, 10)
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
    const email = `admin-${tag}@example.org`;
    const password = 'an admin pass phrase for tests';
    const { id } = await forum.app.get(IdentityService).createOrPromoteAdmin({ email, password, displayName: `Admin ${tag}` });
    const login = await request(forum.url).post('/auth/login').send({ email, password }).expect(200);
    return { id, email, password, displayName: `Admin ${tag}`, token: login.body.token };
  }

  async function heldPost(author: Person): Promise<string> {
    const response = await request(forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(author))
      .send({ title: 'Something on my mind', body: PHONE_BODY })
      .expect(202);
    return response.body.id as string;
  }

  /** Every event of `name` the socket gets from now on. */
  function record(socket: Socket, name: string): Json[] {
    const seen: Json[] = [];
    socket.on(name, (payload: Json) => seen.push(payload));
    return seen;
  }

  async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  describe('staff without a second factor', () => {
    let supporter: Person;
    let unenrolled: Person;
    let world: World;

    beforeAll(async () => {
      supporter = await unenrolledSupporter();
      unenrolled = await unenrolledAdmin();
      const member = await joinedMember(forum, groupId, code);
      world = { groupId, memberId: member.id };
    });

    it('the table names every endpoint the API documents as answering MFA_REQUIRED', () => {
      const spec = JSON.parse(readFileSync(resolve(__dirname, '../../docs/openapi.json'), 'utf8')) as Json;
      const documented: string[] = [];
      for (const [path, operations] of Object.entries(spec.paths as Json)) {
        for (const [method, operation] of Object.entries(operations as Json)) {
          if (String((operation as Json).responses?.['403']?.description ?? '').includes('MFA_REQUIRED')) documented.push(`${method.toUpperCase()} ${path}`);
        }
      }
      expect(documented.sort()).toEqual(STAFF_ENDPOINTS.map((e) => e.name).sort());
    });

    it.each(STAFF_ENDPOINTS)('$name answers 403 MFA_REQUIRED to an admin without one', async ({ call }) => {
      const response = await call(withToken(forum.url, unenrolled), world);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('MFA_REQUIRED');
      expect(response.body.detail).toMatch(/two-step sign-in/);
    });

    it.each(STAFF_ENDPOINTS.filter((e) => e.who === 'supporter'))('$name answers 403 MFA_REQUIRED to a supporter without one', async ({ call }) => {
      const response = await call(withToken(forum.url, supporter), world);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('MFA_REQUIRED');
    });

    it('admin-only endpoints still tell a supporter FORBIDDEN, and plain members keep their usual answers', async () => {
      expect((await request(forum.url).post('/groups').set(bearer(supporter)).send({})).body.code).toBe('FORBIDDEN');
      const member = await joinedMember(forum, groupId, code);
      expect((await request(forum.url).get(`/groups/${groupId}/review-items`).set(bearer(member))).body.code).toBe('FORBIDDEN');
    });

    it('can still take part as a member and set up two-step sign-in', async () => {
      await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(supporter)).send({ title: 'Hello all', body: 'Glad to be here.' }).expect(202);
      await request(forum.url).get('/me').set(bearer(supporter)).expect(200);
      expect((await request(forum.url).get('/me/mfa').set(bearer(supporter)).expect(200)).body).toEqual({
        totp: 'off',
        confirmedAt: null,
        recoveryCodesLeft: 0,
      });
    });

    it('gets no review:* events on an open socket until enrolling, then gets them on the same socket and the queue opens', async () => {
      const latecomer = await unenrolledSupporter();
      const enrolledSupporter = await joinedMember(forum, groupId, code);
      await request(forum.url).put(`/groups/${groupId}/supporters/${enrolledSupporter.id}`).set(bearer(admin)).expect(204);
      await enrolTotp(forum.url, enrolledSupporter);
      const [lateSocket, enrolledSocket] = await Promise.all([connect(latecomer), connect(enrolledSupporter)]);
      const lateEvents = record(lateSocket, 'review:new');
      const enrolledEvents = record(enrolledSocket, 'review:new');
      const author = await joinedMember(forum, groupId, code);

      const first = await heldPost(author);
      await until('review:new for the enrolled supporter', () => enrolledEvents.find((e) => e.subject?.id === first));
      await new Promise((r) => setTimeout(r, 500));
      expect(lateEvents).toEqual([]);
      expect((await request(forum.url).get(`/groups/${groupId}/review-items`).set(bearer(latecomer))).body.code).toBe('MFA_REQUIRED');

      await enrolTotp(forum.url, latecomer);
      const items = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(latecomer)).expect(200);
      expect(items.body.items.some((i: Json) => i.subject?.id === first)).toBe(true);
      // The chat service hears of the new factor and lets the open socket into the alert room.
      await new Promise((r) => setTimeout(r, 500));
      const second = await heldPost(author);
      await until('review:new for the newly enrolled supporter', () => lateEvents.find((e) => e.subject?.id === second));
      expect(lateEvents.some((e) => e.subject?.id === first)).toBe(false);
    });
  });

  describe('enrolling', () => {
    it('gives a secret and an otpauth URI naming Kindred and the display name only, and is confirmed with a code', async () => {
      const person = await registerAndLogin(forum.url);
      const started = await request(forum.url).post('/me/mfa/totp').set(bearer(person)).expect(201);
      expect(Object.keys(started.body).sort()).toEqual(['otpauthUri', 'secret']);
      const uri = new URL(started.body.otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Kindred:${person.displayName}`);
      // SHA-1, 6 digits and 30 s are the defaults every authenticator app assumes, so the URI leaves them out.
      expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: started.body.secret, issuer: 'Kindred' });
      expect((await request(forum.url).get('/me/mfa').set(bearer(person)).expect(200)).body.totp).toBe('pending');

      const wrong = await request(forum.url)
        .post('/me/mfa/totp/confirm')
        .set(bearer(person))
        .send({ code: await totpCode(started.body.secret, -20) })
        .expect(422);
      expect(wrong.body.errors[0].field).toBe('code');
      const confirmed = await request(forum.url)
        .post('/me/mfa/totp/confirm')
        .set(bearer(person))
        .send({ code: await totpCode(started.body.secret) })
        .expect(200);
      expect(confirmed.body.recoveryCodes).toHaveLength(10);
      expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
      expect((await request(forum.url).get('/me/mfa').set(bearer(person)).expect(200)).body).toMatchObject({ totp: 'on', recoveryCodesLeft: 10 });
      expect((await request(forum.url).post('/me/mfa/totp').set(bearer(person)).expect(409)).body.code).toBe('CONFLICT');
      expect((await request(forum.url).post('/me/mfa/totp/confirm').set(bearer(person)).send({ code: '123456' }).expect(409)).body.code).toBe('CONFLICT');
    });

    it('refuses malformed bodies with 4xx', async () => {
      const person = await registerAndLogin(forum.url);
      await request(forum.url).post('/me/mfa/totp/confirm').set(bearer(person)).send({}).expect(422);
      await request(forum.url)
        .post('/me/mfa/totp/confirm')
        .set(bearer(person))
        .send({ code: 'x'.repeat(100) })
        .expect(422);
      await request(forum.url).post('/me/mfa/totp/confirm').set(bearer(person)).send({ code: '123456' }).expect(409);
      await request(forum.url).delete('/me/mfa/totp').set(bearer(person)).send({ password: person.password, code: '123456' }).expect(404);
      await request(forum.url).post('/auth/login/mfa').send({ mfaToken: 'nope', code: '123456' }).expect(401);
      await request(forum.url).post('/auth/login/mfa').send({ mfaToken: 'nope', code: '123456', extra: 1 }).expect(422);
    });

    it('keeps secrets out of the database in plain text: the TOTP secret sealed, recovery codes hashed', async () => {
      const person = await registerAndLogin(forum.url);
      const { secret, recoveryCodes } = await enrolTotp(forum.url, person);
      const db = forum.app.get(DataSource);
      const [factor] = (await db.query(`SELECT * FROM second_factors WHERE user_id = $1`, [person.id])) as Json[];
      const stored = JSON.stringify(factor);
      expect(stored).not.toContain(secret);
      expect(factor!.secret_ciphertext).toMatch(/^v1\./);
      const codes = (await db.query(`SELECT * FROM recovery_codes WHERE user_id = $1`, [person.id])) as Json[];
      expect(codes).toHaveLength(10);
      const all = JSON.stringify(codes);
      for (const recovery of recoveryCodes) {
        expect(all).not.toContain(recovery);
        expect(all).not.toContain(recovery.replace('-', ''));
      }
    });
  });

  describe('signing in with a second factor', () => {
    const signIn = (person: Person) => request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
    const secondStep = (mfaToken: string, code: string) => request(forum.url).post('/auth/login/mfa').send({ mfaToken, code });

    it('answers mfaRequired and no session after the password, then a session for a right code; the challenge works once', async () => {
      const person = await registerAndLogin(forum.url);
      const { secret } = await enrolTotp(forum.url, person);
      const first = await signIn(person);
      expect(Object.keys(first.body).sort()).toEqual(['mfaRequired', 'mfaToken']);
      expect(first.body.mfaRequired).toBe(true);
      expect(first.body.token).toBeUndefined();
      // The challenge is not a session.
      await request(forum.url).get('/me').set('Authorization', `Bearer ${first.body.mfaToken}`).expect(401);

      const code = await totpCode(secret, 1);
      const second = await secondStep(first.body.mfaToken, code).expect(200);
      expect(second.body.user).toEqual({ id: person.id, displayName: person.displayName });
      await request(forum.url).get('/me').set('Authorization', `Bearer ${second.body.token}`).expect(200);
      expect((await secondStep(first.body.mfaToken, await totpCode(secret, 1)).expect(401)).body.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a code used before (replay), within its window', async () => {
      const person = await registerAndLogin(forum.url);
      const started = await request(forum.url).post('/me/mfa/totp').set(bearer(person)).expect(201);
      const secret = started.body.secret as string;
      const enrolmentCode = await totpCode(secret);
      await request(forum.url).post('/me/mfa/totp/confirm').set(bearer(person)).send({ code: enrolmentCode }).expect(200);

      const challenge = (await signIn(person)).body.mfaToken as string;
      expect((await secondStep(challenge, enrolmentCode).expect(401)).body.code).toBe('UNAUTHENTICATED');
      const later = await totpCode(secret, 1);
      await secondStep(challenge, later).expect(200);
      const again = (await signIn(person)).body.mfaToken as string;
      await secondStep(again, later).expect(401);
    });

    it('lets a recovery code sign in once', async () => {
      const person = await registerAndLogin(forum.url);
      const { recoveryCodes } = await enrolTotp(forum.url, person);
      const [one, two] = recoveryCodes as [string, string];
      await secondStep((await signIn(person)).body.mfaToken, one.toUpperCase()).expect(200);
      await secondStep((await signIn(person)).body.mfaToken, one).expect(401);
      const session = await secondStep((await signIn(person)).body.mfaToken, two.replace('-', ' ')).expect(200);
      expect((await request(forum.url).get('/me/mfa').set('Authorization', `Bearer ${session.body.token}`).expect(200)).body.recoveryCodesLeft).toBe(8);
    });

    it('counts wrong codes before checking them: of 40 at once at most the limit are evaluated, the rest get 429', async () => {
      const person = await registerAndLogin(forum.url);
      const { secret } = await enrolTotp(forum.url, person);
      const challenge = (await signIn(person)).body.mfaToken as string;
      const wrong = await totpCode(secret, -40);
      const answers = await Promise.all(Array.from({ length: 40 }, () => secondStep(challenge, wrong)));
      const statuses = answers.map((a) => a.status);
      const evaluated = statuses.filter((s) => s === 401).length;
      const limit = forum.config.auth.loginFailuresPerAccount;
      expect(evaluated).toBeGreaterThan(0);
      expect(evaluated).toBeLessThanOrEqual(limit);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40 - evaluated);
      const limited = answers.find((a) => a.status === 429)!;
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Once the budget is spent even a right code waits.
      expect((await secondStep(challenge, await totpCode(secret, 1))).status).toBe(429);
    });
  });

  describe('turning it off', () => {
    it('needs both the password and a code', async () => {
      const person = await registerAndLogin(forum.url);
      const { secret, recoveryCodes } = await enrolTotp(forum.url, person);
      const disable = (body: Json) => request(forum.url).delete('/me/mfa/totp').set(bearer(person)).send(body);
      expect((await disable({ password: 'not my password at all', code: await totpCode(secret, 1) }).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await disable({ password: person.password, code: await totpCode(secret, -30) }).expect(403)).body.code).toBe('FORBIDDEN');
      await disable({ password: person.password }).expect(422);
      await disable({ password: person.password, code: recoveryCodes[0] }).expect(204);
      expect((await request(forum.url).get('/me/mfa').set(bearer(person)).expect(200)).body.totp).toBe('off');
      const login = await request(forum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
      expect(login.body.token).toEqual(expect.any(String));
      expect(login.body.mfaRequired).toBeUndefined();
    });

    it('tells the owner by mail when it is turned on and when it is turned off, without naming anything personal', async () => {
      const mailbox = await testMailbox();
      const person = await registerAndLogin(forum.url);
      const { secret } = await enrolTotp(forum.url, person);
      const on = await mailbox.waitFor(person.email, { subject: /turned on/ });
      await request(forum.url)
        .delete('/me/mfa/totp')
        .set(bearer(person))
        .send({ password: person.password, code: await totpCode(secret, 1) })
        .expect(204);
      const off = await mailbox.waitFor(person.email, { subject: /turned off/ });
      for (const mail of [on, off]) {
        expect(mail.subject).toMatch(/^Two-step sign-in was turned (on|off) for your Kindred account$/);
        expect(mail.text).toContain('/forgot-password');
        expect(`${mail.subject} ${mail.text} ${mail.html}`).not.toContain(person.displayName);
      }
    });

    it('goes with the account when it is erased', async () => {
      const person = await registerAndLogin(forum.url);
      await enrolTotp(forum.url, person);
      await request(forum.url).delete('/me').set(bearer(person)).send({ password: person.password }).expect(204);
      const db = forum.app.get(DataSource);
      expect(await db.query(`SELECT 1 FROM second_factors WHERE user_id = $1`, [person.id])).toEqual([]);
      expect(await db.query(`SELECT 1 FROM recovery_codes WHERE user_id = $1`, [person.id])).toEqual([]);
    });
  });
});
