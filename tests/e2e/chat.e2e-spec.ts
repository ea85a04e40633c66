import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { SLOW_MODE_CACHE_MS } from '@kindred/chat';
import { MembershipService } from '@kindred/groups';
import { openRedis } from '@kindred/redis';
import { bearer, Person, registerAndLogin } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';
import { Ack, emit, next, record, SocketClients, waitFor } from '../support/sockets';

const CRISIS = "I can't cope any more. I want to end my life tonight.";

describe('group chat', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let code: string;
  let supporter: Person;
  const clients = new SocketClients();

  const connect = (person: Person, url = chat.url): Promise<Socket> => clients.connect(url, person);

  async function joined(person: Person, group = groupId): Promise<Socket> {
    const socket = await connect(person);
    const ack = await emit(socket, 'chat:join', { groupId: group });
    expect(ack).toMatchObject({ ok: true, history: expect.any(Array) });
    return socket;
  }

  async function send(socket: Socket, body: string, group = groupId): Promise<Ack> {
    return emit(socket, 'chat:send', { groupId: group, body, clientMsgId: randomUUID() });
  }

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([
      startForum(),
      startChat(),
      startWorker({ SCREENING_SWEEP_AFTER_SECONDS: '2', SCREENING_SWEEP_INTERVAL_SECONDS: '1' }),
    ]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
    supporter = await appointedSupporter(forum, admin, groupId, code);
  });

  afterAll(async () => {
    clients.closeAll();
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  describe('joining', () => {
    it('gives a member the published history, oldest first, and refuses an outsider', async () => {
      const [alice, bob] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const bobSocket = await joined(bob);
      const delivered = record(bobSocket, 'chat:message');
      const aliceSocket = await joined(alice);
      const sent: string[] = [];
      for (const body of ['First one here', 'Anyone on the afternoon dialysis shift?', 'Morning all']) {
        const ack = await send(aliceSocket, body);
        expect(ack).toEqual({ ok: true, id: expect.any(String), status: 'screening' });
        sent.push(ack.id);
        // Screening runs concurrently, so history is in the order messages were published: wait for each.
        await waitFor(() => delivered.some((m) => m.id === ack.id));
      }

      const late = await connect(bob);
      const ack = await emit(late, 'chat:join', { groupId });
      const ids = (ack.history as Array<{ id: string }>).map((m) => m.id);
      expect(ids.slice(-3)).toEqual(sent);
      expect(ack.history.at(-1)).toEqual({
        id: sent[2],
        groupId,
        author: { id: alice.id, displayName: alice.displayName },
        body: 'Morning all',
        createdAt: expect.any(String),
        clientMsgId: expect.any(String),
      });
      expect(JSON.stringify(ack.history)).not.toContain(alice.email);

      const outsider = await registerAndLogin(forum.url);
      const outsiderSocket = await connect(outsider);
      expect(await emit(outsiderSocket, 'chat:join', { groupId })).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });
      expect(await send(outsiderSocket, 'let me in')).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });
    });

    it('asks a member who has not accepted the agreement to accept it first', async () => {
      const person = await registerAndLogin(forum.url);
      await request(forum.url)
        .post(`/groups/${groupId}/applications`)
        .set(bearer(person))
        .send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: code })
        .expect(201);
      const socket = await connect(person);
      expect(await emit(socket, 'chat:join', { groupId })).toMatchObject({ ok: false, error: { code: 'AGREEMENT_REQUIRED', version: expect.any(Number) } });
    });

    it('refuses payloads of the wrong shape as VALIDATION_FAILED', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await connect(member);
      expect(await emit(socket, 'chat:join', { groupId: 'general' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emit(socket, 'chat:join', 'just a string')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emit(socket, 'chat:send', { groupId, body: 'hi', clientMsgId: 'a', status: 'published' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await emit(socket, 'chat:send', { groupId, body: 12, clientMsgId: 'a' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emit(socket, 'chat:send', { groupId, body: '   \n ', clientMsgId: 'blank' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      // Nothing visible once normalised: zero-width characters, a BOM, a Hangul filler.
      expect(await emit(socket, 'chat:send', { groupId, body: '\u200B\u200D \uFEFF\u3164', clientMsgId: 'invisible' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
      expect(await emit(socket, 'chat:leave', { groupId })).toEqual({ ok: true });
    });
  });

  describe('sending', () => {
    it('delivers a screened message to another member, once, and a retried send is the same message', async () => {
      const [alice, bob] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [aliceSocket, bobSocket] = await Promise.all([joined(alice), joined(bob)]);
      const clientMsgId = randomUUID();
      const arrived = next(bobSocket, 'chat:message', (m) => m.clientMsgId === clientMsgId);
      const first = await emit(aliceSocket, 'chat:send', { groupId, body: 'Clinic moved my appointment again', clientMsgId });
      const retry = await emit(aliceSocket, 'chat:send', { groupId, body: 'Clinic moved my appointment again', clientMsgId });
      expect(retry).toEqual(first);
      const message = await arrived;
      expect(message).toEqual({
        id: first.id,
        groupId,
        author: { id: alice.id, displayName: alice.displayName },
        body: 'Clinic moved my appointment again',
        createdAt: expect.any(String),
        clientMsgId,
      });
      const count = await forum.app.get(DataSource).query(`SELECT count(*)::int AS n FROM messages WHERE client_msg_id = $1`, [clientMsgId]);
      expect(count[0].n).toBe(1);
    });

    it('holds a crisis message: the author gets chat:held and a signposting notice, a supporter gets review:new, nobody else sees it', async () => {
      const [author, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [authorSocket, otherSocket, supporterSocket] = await Promise.all([joined(author), joined(other), connect(supporter)]);
      const othersSaw = record(otherSocket, 'chat:message');
      const authorSaw = record(authorSocket, 'chat:message');
      const clientMsgId = randomUUID();
      const held = next(authorSocket, 'chat:held', (m) => m.clientMsgId === clientMsgId);
      const notice = next(authorSocket, 'notice', (n) => n.kind === 'signposting');
      const review = next(supporterSocket, 'review:new', (item) => item.subject?.body === CRISIS);
      const othersHeld = record(otherSocket, 'chat:held');
      const ack = await emit(authorSocket, 'chat:send', { groupId, body: CRISIS, clientMsgId });
      expect(ack).toMatchObject({ ok: true, status: 'screening' });

      expect(await held).toEqual({ id: ack.id, groupId, clientMsgId, reasons: expect.arrayContaining([expect.objectContaining({ source: 'crisis' })]) });
      const signposting = await notice;
      expect(signposting).toMatchObject({ kind: 'signposting', groupId, subjectId: ack.id });
      expect(JSON.stringify(signposting.resources)).toContain('116 123');
      const item = await review;
      expect(item).toMatchObject({ kind: 'message', priority: 'urgent', subject: { type: 'message', id: ack.id, status: 'held' } });

      // A later, ordinary message from the same author does arrive, so the held one really was not sent.
      const ordinary = await send(authorSocket, 'Sorry, bad evening. Talking to my sister now.');
      await next(otherSocket, 'chat:message', (m) => m.id === ordinary.id);
      expect(othersSaw.map((m) => m.id)).not.toContain(ack.id);
      expect(authorSaw.map((m) => m.id)).not.toContain(ack.id);
      expect(othersHeld).toHaveLength(0);
      const history = await request(forum.url).get(`/groups/${groupId}/messages`).set(bearer(other)).expect(200);
      expect(history.body.items.map((m: { id: string }) => m.id)).not.toContain(ack.id);
    });

    it('writes a message’s @mention with its publication: in place once the room has the message, with no notification job run', async () => {
      const [author, named] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [authorSocket, namedSocket] = await Promise.all([joined(author), joined(named)]);
      // Nothing on the notifications queue runs meanwhile: what is there was written with the verdict.
      const connection = openRedis(forum.config, 'commands');
      const queue = new Queue('notifications', { connection, prefix: forum.config.redis.prefix });
      await queue.pause();
      try {
        const clientMsgId = randomUUID();
        const arrived = next(namedSocket, 'chat:message', (m) => m.clientMsgId === clientMsgId);
        expect(await emit(authorSocket, 'chat:send', { groupId, body: `@${named.displayName} see you at clinic on Friday`, clientMsgId })).toMatchObject({
          ok: true,
        });
        await arrived;
        const items = (await request(forum.url).get('/me/notifications?limit=50').set(bearer(named)).expect(200)).body.items as Array<Record<string, unknown>>;
        expect(items.filter((n) => n.kind === 'mention' && n.groupId === groupId && n.subjectId === null)).toHaveLength(1);
        expect(JSON.stringify(items)).not.toContain('clinic on Friday');
      } finally {
        await queue.resume();
        await queue.close();
        connection.disconnect();
      }
    });

    it('delivers a message that waited behind its author’s earlier one once that one is held, with its mentions', async () => {
      const [author, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [authorSocket, otherSocket] = await Promise.all([joined(author), joined(other)]);
      const db = forum.app.get(DataSource);
      // The author's crisis message was stored but its screening job was lost (Redis was down): the sweeper screens it 2 s on.
      const crisisMsgId = randomUUID();
      const [crisis] = (await db.query(
        `INSERT INTO messages (group_id, author_id, body, status, client_msg_id) VALUES ($1, $2, $3, 'screening', $4) RETURNING id`,
        [groupId, author.id, CRISIS, crisisMsgId],
      )) as Array<{ id: string }>;
      const held = next(authorSocket, 'chat:held', (m) => m.id === crisis!.id);
      const clientMsgId = randomUUID();
      const reachesOther = next(otherSocket, 'chat:message', (m) => m.clientMsgId === clientMsgId, 20_000);
      const reachesAuthor = next(authorSocket, 'chat:message', (m) => m.clientMsgId === clientMsgId, 20_000);
      const later = await emit(authorSocket, 'chat:send', { groupId, body: `@${other.displayName} are you there?`, clientMsgId });
      expect(later).toMatchObject({ ok: true, status: 'screening' });
      // It passes screening first and waits for the earlier one, as `ready`: only then is the earlier one screened.
      const status = async () => ((await db.query(`SELECT status FROM messages WHERE id = $1`, [later.id])) as Array<{ status: string }>)[0]!.status;
      for (let s = await status(); s !== 'ready'; s = await status()) {
        if (s !== 'screening') throw new Error(`the later message went ${s} before the earlier one was screened: nothing waited`);
        await new Promise((r) => setTimeout(r, 20));
      }

      expect(await held).toMatchObject({ id: crisis!.id, clientMsgId: crisisMsgId });
      expect(await reachesOther).toMatchObject({ id: later.id, author: { id: author.id }, body: `@${other.displayName} are you there?` });
      expect(await reachesAuthor).toMatchObject({ id: later.id });
      expect(await status()).toBe('published');
      const mention = (n: { kind: string; groupId: string; subjectId: string | null }) => n.kind === 'mention' && n.groupId === groupId && n.subjectId === null;
      for (const deadline = Date.now() + 15_000; ;) {
        const items = (await request(forum.url).get('/me/notifications').query({ limit: 100 }).set(bearer(other)).expect(200)).body.items;
        if (items.some(mention)) break;
        if (Date.now() > deadline) throw new Error(`no mention notification: ${JSON.stringify(items)}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    });

    it('rejects a blocked phrase and tells the author alone, citing the clause', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' });
      const groupCode = await referralCode(forum, admin, group);
      await request(forum.url)
        .post(`/groups/${group}/rules`)
        .set(bearer(admin))
        .send({ pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' })
        .expect(201);
      const [author, other] = await Promise.all([joinedMember(forum, group, groupCode), joinedMember(forum, group, groupCode)]);
      const [authorSocket, otherSocket] = await Promise.all([joined(author, group), joined(other, group)]);
      const othersRejected = record(otherSocket, 'chat:rejected');
      const clientMsgId = randomUUID();
      const rejected = next(authorSocket, 'chat:rejected', (m) => m.clientMsgId === clientMsgId);
      const ack = await emit(authorSocket, 'chat:send', { groupId: group, body: 'Great offer, buy now!', clientMsgId });
      expect(await rejected).toEqual({ id: ack.id, groupId: group, clientMsgId, clauseKey: 'no-selling-or-recruiting', message: expect.any(String) });
      expect(othersRejected).toHaveLength(0);
    });

    it('removes a reported message from every open screen when a supporter decides to remove it', async () => {
      const [author, reporter] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [authorSocket, reporterSocket] = await Promise.all([joined(author), joined(reporter)]);
      const ack = await send(authorSocket, 'Honestly the nurses on my unit are useless.');
      await next(reporterSocket, 'chat:message', (m) => m.id === ack.id);
      await request(forum.url).post(`/messages/${ack.id}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect', note: 'unkind' }).expect(201);
      await request(forum.url).post(`/messages/${ack.id}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(409);
      await request(forum.url).post(`/messages/${randomUUID()}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(404);
      const items = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200);
      const item = items.body.items.find((i: Record<string, any>) => i.subject?.id === ack.id);
      expect(item).toMatchObject({ kind: 'report', subject: { type: 'message', id: ack.id } });

      const removedForReporter = next(reporterSocket, 'chat:removed', (m) => m.id === ack.id);
      const removedForAuthor = next(authorSocket, 'chat:removed', (m) => m.id === ack.id);
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'remove', clauseKey: 'respect' }).expect(200);
      expect(await removedForReporter).toEqual({ id: ack.id, groupId });
      await removedForAuthor;
      const history = await request(forum.url).get(`/groups/${groupId}/messages`).set(bearer(reporter)).expect(200);
      expect(history.body.items.map((m: { id: string }) => m.id)).not.toContain(ack.id);
    });

    it('delivers a held message to the room once a supporter approves it', async () => {
      const [author, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [authorSocket, otherSocket] = await Promise.all([joined(author), joined(other)]);
      const clientMsgId = randomUUID();
      const held = next(authorSocket, 'chat:held', (m) => m.clientMsgId === clientMsgId);
      const ack = await emit(authorSocket, 'chat:send', { groupId, body: 'You should stop taking your tacrolimus, it made me feel awful.', clientMsgId });
      await held;
      const items = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200);
      const item = items.body.items.find((i: Record<string, any>) => i.subject?.id === ack.id);
      const arrived = next(otherSocket, 'chat:message', (m) => m.id === ack.id);
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'approve' }).expect(200);
      expect(await arrived).toMatchObject({ id: ack.id, clientMsgId, author: { id: author.id } });
    });

    it('takes a message off every screen once enough members report it', async () => {
      const [author, first, second] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const [authorSocket, firstSocket] = await Promise.all([joined(author), joined(first)]);
      const ack = await send(authorSocket, 'Some of you are just attention seeking.');
      await next(firstSocket, 'chat:message', (m) => m.id === ack.id);
      const removed = next(firstSocket, 'chat:removed', (m) => m.id === ack.id);
      await request(forum.url).post(`/messages/${ack.id}/reports`).set(bearer(first)).send({ clauseKey: 'respect' }).expect(201);
      await request(forum.url).post(`/messages/${ack.id}/reports`).set(bearer(second)).send({ clauseKey: 'respect' }).expect(201);
      expect(await removed).toEqual({ id: ack.id, groupId });
    });

    it('exports a member’s messages and erases them with the account', async () => {
      const [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [memberSocket, otherSocket] = await Promise.all([joined(member), joined(other)]);
      const ack = await send(memberSocket, 'My own words, mine to take away.');
      await next(otherSocket, 'chat:message', (m) => m.id === ack.id);
      const exported = await request(forum.url).get('/me/export').set(bearer(member)).expect(200);
      expect(JSON.stringify(exported.body)).toContain('My own words, mine to take away.');
      await request(forum.url).delete('/me').set(bearer(member)).send({ password: member.password }).expect(204);
      const [row] = await forum.app.get(DataSource).query(`SELECT body, author_id, status FROM messages WHERE id = $1`, [ack.id]);
      expect(row).toEqual({ body: '', author_id: null, status: 'deleted' });
      const history = await request(forum.url).get(`/groups/${groupId}/messages`).set(bearer(other)).expect(200);
      expect(history.body.items.map((m: { id: string }) => m.id)).not.toContain(ack.id);
    });

    it('acks MUTED, with the time the mute ends, for a muted member', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      const until = new Date(Date.now() + 3_600_000);
      await forum.app.get(MembershipService).mute(member.id, groupId, until);
      const ack = await send(socket, 'Can anyone hear me?');
      expect(ack).toMatchObject({ ok: false, error: { code: 'MUTED', until: until.toISOString() } });
    });

    it('drops a banned member from the room, saying so, and they hear nothing more', async () => {
      const [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [memberSocket, otherSocket] = await Promise.all([joined(member), joined(other)]);
      const memberSaw = record(memberSocket, 'chat:message');
      const ended = next(memberSocket, 'chat:access-ended');
      await forum.app.get(MembershipService).ban(member.id, groupId);
      expect(await ended).toEqual({ groupId, reason: 'banned' });
      // A message sent now reaches a member still in the room first; by then the banned socket has heard nothing of it.
      const ack = await send(otherSocket, 'Did everyone see the new parking rules?');
      await next(otherSocket, 'chat:message', (m) => m.id === ack.id, 30_000);
      expect(memberSaw.map((m) => m.id)).not.toContain(ack.id);
      expect(await send(memberSocket, 'still here?')).toMatchObject({ ok: false, error: { code: 'BANNED' } });
    });

    it('after logout the socket is closed within a second and cannot send', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      const closed = next(socket, 'disconnect', () => true, 1000);
      await request(forum.url).post('/auth/logout').set(bearer(member)).expect(204);
      await closed;
      await expect(connect(member)).rejects.toThrow('UNAUTHENTICATED');
    });

    it('checks the session on every send, even if the revocation event never arrived', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      // Revoke in the database only, with no event: the next send must still be refused.
      await forum.app.get(DataSource).query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1`, [member.id]);
      expect(await send(socket, 'hello?')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    });

    it('refuses an oversized message', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      const limit = chat.config.chat.maxMessageLength;
      expect(await send(socket, 'x'.repeat(limit + 1))).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
      expect(await send(socket, 'x'.repeat(limit))).toMatchObject({ ok: true });
    });

    it('refuses a flood with RATE_LIMITED, counted in Redis', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      const perWindow = chat.config.chat.messagesPerWindow;
      const acks = await Promise.all(Array.from({ length: perWindow + 5 }, (_, i) => send(socket, `flood ${i}`)));
      expect(acks.filter((a) => a.ok)).toHaveLength(perWindow);
      const refused = acks.filter((a) => !a.ok);
      expect(refused).toHaveLength(5);
      expect(refused[0]).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
    });

    it('counts the limit per person, however many sockets they flood from', async () => {
      const member = await joinedMember(forum, groupId, code);
      const sockets = await Promise.all([joined(member), joined(member), joined(member)]);
      const perWindow = chat.config.chat.messagesPerWindow;
      const acks = await Promise.all(Array.from({ length: perWindow + 6 }, (_, i) => send(sockets[i % sockets.length]!, `flood from tab ${i}`)));
      expect(acks.filter((a) => a.ok)).toHaveLength(perWindow);
      expect(acks.filter((a) => !a.ok).map((a) => a.error?.code)).toEqual(Array(6).fill('RATE_LIMITED'));
    });

    it('does not count a retried send against the limit', async () => {
      const member = await joinedMember(forum, groupId, code);
      const socket = await joined(member);
      const perWindow = chat.config.chat.messagesPerWindow;
      const clientMsgId = randomUUID();
      const first = await emit(socket, 'chat:send', { groupId, body: 'Did my message go through?', clientMsgId });
      expect(first).toMatchObject({ ok: true });
      for (let i = 0; i < 3; i++) expect(await emit(socket, 'chat:send', { groupId, body: 'Did my message go through?', clientMsgId })).toEqual(first);
      // The retries took nothing from the window: the rest of it is still there for new messages.
      const acks = await Promise.all(Array.from({ length: perWindow - 1 }, (_, i) => send(socket, `new ${i}`)));
      expect(acks.filter((a) => a.ok)).toHaveLength(perWindow - 1);
      expect(await send(socket, 'one too many')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    });

    it('answers a retried send in slow mode with the stored message, not RATE_LIMITED', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' }, { slowModeSeconds: 60 });
      const groupCode = await referralCode(forum, admin, group);
      const member = await joinedMember(forum, group, groupCode);
      const socket = await joined(member, group);
      const clientMsgId = randomUUID();
      const first = await emit(socket, 'chat:send', { groupId: group, body: 'Slow and steady', clientMsgId });
      expect(first).toMatchObject({ ok: true });
      expect(await emit(socket, 'chat:send', { groupId: group, body: 'Slow and steady', clientMsgId })).toEqual(first);
      expect(await send(socket, 'a new one', group)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    });

    it('applies the group slow mode to members but not to supporters', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' }, { slowModeSeconds: 60 });
      const groupCode = await referralCode(forum, admin, group);
      const [member, groupSupporter] = await Promise.all([joinedMember(forum, group, groupCode), appointedSupporter(forum, admin, group, groupCode)]);
      const [memberSocket, supporterSocket] = await Promise.all([joined(member, group), joined(groupSupporter, group)]);
      expect(await send(memberSocket, 'one', group)).toMatchObject({ ok: true });
      expect(await send(memberSocket, 'two', group)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(await send(supporterSocket, 'one', group)).toMatchObject({ ok: true });
      expect(await send(supporterSocket, 'two', group)).toMatchObject({ ok: true });
    });

    it('applies a change of slow mode to chat within SLOW_MODE_CACHE_MS', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' });
      const groupCode = await referralCode(forum, admin, group);
      const member = await joinedMember(forum, group, groupCode);
      const socket = await joined(member, group);
      expect(await send(socket, 'before slow mode', group)).toMatchObject({ ok: true });
      await request(forum.url).patch(`/groups/${group}`).set(bearer(admin)).send({ slowModeSeconds: 60 }).expect(200);
      await sleep(SLOW_MODE_CACHE_MS + 200);
      expect(await send(socket, 'first under slow mode', group)).toMatchObject({ ok: true });
      expect(await send(socket, 'second under slow mode', group)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    });

    it('shows typing to the rest of the room, not to the typist, and only once joined', async () => {
      const [alice, bob] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [aliceSocket, bobSocket] = await Promise.all([joined(alice), joined(bob)]);
      const aliceSaw = record(aliceSocket, 'chat:typing');
      const bobSees = next(bobSocket, 'chat:typing', (t) => t.user.id === alice.id);
      expect(await emit(aliceSocket, 'chat:typing', { groupId })).toEqual({ ok: true });
      expect(await bobSees).toEqual({ groupId, user: { id: alice.id, displayName: alice.displayName } });
      expect(aliceSaw).toHaveLength(0);
      const stranger = await connect(await registerAndLogin(forum.url));
      expect(await emit(stranger, 'chat:typing', { groupId })).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });
    });
  });

  describe('history over HTTP', () => {
    it('pages back with before (newest first) and forward with after (oldest first)', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' });
      const groupCode = await referralCode(forum, admin, group);
      const [alice, bob] = await Promise.all([joinedMember(forum, group, groupCode), joinedMember(forum, group, groupCode)]);
      const [aliceSocket, bobSocket] = await Promise.all([joined(alice, group), joined(bob, group)]);
      const delivered = record(bobSocket, 'chat:message');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ack = await send(aliceSocket, `message ${i}`, group);
        // One at a time, so the order of publication is the order of sending.
        await waitFor(() => delivered.some((m) => m.id === ack.id));
        ids.push(ack.id);
      }
      const page1 = await request(forum.url).get(`/groups/${group}/messages?limit=2`).set(bearer(bob)).expect(200);
      expect(page1.body.items.map((m: { id: string }) => m.id)).toEqual([ids[4], ids[3]]);
      expect(page1.body.nextCursor).toBe(ids[3]);
      const page2 = await request(forum.url).get(`/groups/${group}/messages?limit=2&before=${page1.body.nextCursor}`).set(bearer(bob)).expect(200);
      expect(page2.body.items.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
      const viaCursor = await request(forum.url).get(`/groups/${group}/messages?limit=2&cursor=${page1.body.nextCursor}`).set(bearer(bob)).expect(200);
      expect(viaCursor.body).toEqual(page2.body);
      const since = await request(forum.url).get(`/groups/${group}/messages?after=${ids[1]}`).set(bearer(bob)).expect(200);
      expect(since.body).toEqual({ items: expect.any(Array), nextCursor: null });
      expect(since.body.items.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[3], ids[4]]);

      const outsider = await registerAndLogin(forum.url);
      const refused = await request(forum.url).get(`/groups/${group}/messages`).set(bearer(outsider)).expect(403);
      expect(refused.body.code).toBe('NOT_A_MEMBER');
      await request(forum.url).get(`/groups/${group}/messages?before=${ids[0]}&after=${ids[1]}`).set(bearer(bob)).expect(422);
      await request(forum.url).get(`/groups/${group}/messages?after=${randomUUID()}`).set(bearer(bob)).expect(422);
      await request(forum.url).get(`/groups/${group}/messages?after=latest`).set(bearer(bob)).expect(422);
    });
  });

  describe('retention', () => {
    it('purges exactly the messages past their group’s retention period, in batches', async () => {
      const db = forum.app.get(DataSource);
      const [shortGroup, longGroup] = [await createGroup(forum, admin), await createGroup(forum, admin)];
      await db.query(`UPDATE groups SET chat_retention_days = 7 WHERE id = $1`, [shortGroup]);
      await db.query(`UPDATE groups SET chat_retention_days = 30 WHERE id = $1`, [longGroup]);
      const seed = async (group: string, ageDays: number, status = 'published'): Promise<string> => {
        const [row] = await db.query(
          `INSERT INTO messages (group_id, author_id, body, status, created_at, published_at) VALUES ($1, $2, 'old words', $3, now() - make_interval(days => $4), now() - make_interval(days => $4)) RETURNING id`,
          [group, admin.id, status, ageDays],
        );
        return row.id;
      };
      const expired = [
        await seed(shortGroup, 8),
        await seed(shortGroup, 10, 'held'),
        await seed(shortGroup, 40, 'removed'),
        await seed(longGroup, 31),
        await seed(longGroup, 60, 'rejected'),
      ];
      const kept = [await seed(shortGroup, 6), await seed(longGroup, 8), await seed(longGroup, 29), await seed(shortGroup, 9, 'screening')];

      const { ChatRetentionService } = await import('@kindred/chat');
      await worker.context.get(ChatRetentionService).purge(2);
      const left = (await db.query(`SELECT id FROM messages WHERE id = ANY($1::uuid[])`, [[...expired, ...kept]])) as Array<{ id: string }>;
      expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
