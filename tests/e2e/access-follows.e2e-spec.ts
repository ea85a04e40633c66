import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { MembershipService } from '@kindred/groups';
import { ScreeningService } from '@kindred/moderation';
import { bearer, Person } from '../support/people';
import { acceptCurrentAgreement, createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';
import { Ack, emit, next, record, SocketClients, waitFor } from '../support/sockets';

/** Idle and absolute limits of the sessions made through `shortForum` (seconds). */
const SHORT_IDLE_SECONDS = 3;
const SHORT_ABSOLUTE_SECONDS = 7;

/**
 * Access follows the person at once: an open socket leaves a group's room (and is told why) when the
 * session runs out or ends, the membership ends, a ban or mute starts, or a new agreement is published;
 * and a mute or ban covers every action that reaches others. Each test waits for the event saying
 * access ended, then proves the socket hears nothing more: a still-authorised member receives a
 * message sent afterwards first, and only then is the removed socket's silence checked.
 */
describe('access follows the person', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  /** A forum and chat whose sessions run out within seconds (same database and Redis as the others). */
  let shortForum: RunningHttpApp;
  let shortChat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  const clients = new SocketClients();
  const generous = { CHAT_MESSAGES_PER_WINDOW: '1000' };
  const short = { SESSION_IDLE_SECONDS: String(SHORT_IDLE_SECONDS), SESSION_ABSOLUTE_SECONDS: String(SHORT_ABSOLUTE_SECONDS) };

  beforeAll(async () => {
    [forum, chat, shortForum, shortChat, worker] = await Promise.all([
      startForum(),
      startChat(generous),
      startForum(short),
      startChat({ ...short, ...generous }),
      startWorker({ SCREENING_SWEEP_AFTER_SECONDS: '2', SCREENING_SWEEP_INTERVAL_SECONDS: '1' }),
    ]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    clients.closeAll();
    await Promise.all([forum?.close(), chat?.close(), shortForum?.close(), shortChat?.close(), worker?.close()]);
  });

  const connect = (person: { token: string }, url = chat.url): Promise<Socket> => clients.connect(url, person);

  async function joined(person: { token: string }, groupId: string, url = chat.url): Promise<Socket> {
    const socket = await connect(person, url);
    const ack = await emit(socket, 'chat:join', { groupId });
    expect(ack).toMatchObject({ ok: true });
    return socket;
  }

  function send(socket: Socket, groupId: string, body: string): Promise<Ack> {
    return emit(socket, 'chat:send', { groupId, body, clientMsgId: randomUUID() });
  }

  /** A group with a referral code, in `post` mode. */
  async function group(): Promise<{ groupId: string; code: string }> {
    const groupId = await createGroup(forum, admin, { mode: 'post' });
    return { groupId, code: await referralCode(forum, admin, groupId) };
  }

  /**
   * The removed socket hears nothing more: a message sent now reaches `witness` (still in the room)
   * first, and by then `removed` has received nothing since `since` was taken.
   */
  async function provesSilence(groupId: string, sender: Socket, witness: Socket, removedSaw: Array<{ id: string }>): Promise<void> {
    const ack = await send(sender, groupId, `Anyone around this evening? ${randomUUID().slice(0, 6)}`);
    expect(ack).toMatchObject({ ok: true });
    // A positive signal, so its wait may be long: screening a chat message takes seconds on a loaded machine.
    await next(witness, 'chat:message', (m: { id: string }) => m.id === ack.id, 30_000);
    expect(removedSaw.map((m) => m.id)).not.toContain(ack.id);
  }

  /** A member of the group whose session comes from the forum with seconds-long sessions. */
  async function shortLivedMember(groupId: string, code: string): Promise<Person> {
    const person = await joinedMember(forum, groupId, code);
    const login = await request(shortForum.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
    return { ...person, token: login.body.token };
  }

  describe('sessions', () => {
    it('closes a socket whose session went idle, saying so, and it hears no more of the room', async () => {
      const { groupId, code } = await group();
      const [idle, witness, sender] = await Promise.all([
        shortLivedMember(groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const [idleSocket, witnessSocket, senderSocket] = await Promise.all([
        joined(idle, groupId, shortChat.url),
        joined(witness, groupId),
        joined(sender, groupId),
      ]);
      const idleSaw = record(idleSocket, 'chat:message');
      const ended = next(idleSocket, 'auth:session-ended', () => true, (SHORT_IDLE_SECONDS + 3) * 1000);
      const closed = next(idleSocket, 'disconnect', () => true, (SHORT_IDLE_SECONDS + 3) * 1000);
      expect(await ended).toEqual({ reason: 'session-expired' });
      await closed;
      await provesSilence(groupId, senderSocket, witnessSocket, idleSaw);
      await expect(connect(idle, shortChat.url)).rejects.toThrow('UNAUTHENTICATED');
    });

    it('ends an active session at its absolute lifetime, though use kept moving its idle end on', async () => {
      const { groupId, code } = await group();
      const [busy, witness, sender] = await Promise.all([
        shortLivedMember(groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const signedInAt = Date.now();
      const [busySocket, witnessSocket, senderSocket] = await Promise.all([
        joined(busy, groupId, shortChat.url),
        joined(witness, groupId),
        joined(sender, groupId),
      ]);
      const busySaw = record(busySocket, 'chat:message');
      let endedAt = 0;
      const ended = next(busySocket, 'auth:session-ended', () => true, (SHORT_ABSOLUTE_SECONDS + 3) * 1000).then((event) => {
        endedAt = Date.now();
        return event;
      });
      // Use the session every second over REST, well within the idle limit, until it ends.
      while (!endedAt) {
        const me = await request(shortForum.url).get('/me').set(bearer(busy));
        if (me.status !== 200) break;
        await Promise.race([ended, new Promise((r) => setTimeout(r, 1000))]);
      }
      expect(await ended).toEqual({ reason: 'session-expired' });
      // It outlived the idle limit (so the timer followed the use), and ended at the absolute one.
      expect(endedAt - signedInAt).toBeGreaterThan(SHORT_IDLE_SECONDS * 1000 + 500);
      expect(endedAt - signedInAt).toBeLessThan((SHORT_ABSOLUTE_SECONDS + 2) * 1000);
      await provesSilence(groupId, senderSocket, witnessSocket, busySaw);
    });

    it('tells the socket of a session ended from the sessions list why it closes', async () => {
      const { groupId, code } = await group();
      const [member, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const second = await request(forum.url).post('/auth/login').send({ email: member.email, password: member.password }).expect(200);
      const [socket, witnessSocket] = await Promise.all([joined({ token: second.body.token }, groupId), joined(witness, groupId)]);
      const saw = record(socket, 'chat:message');
      const sessions = await request(forum.url).get('/me/sessions').set(bearer(member)).expect(200);
      const other = sessions.body.find((s: { current: boolean }) => !s.current);
      const ended = next(socket, 'auth:session-ended');
      const closed = next(socket, 'disconnect');
      await request(forum.url).delete(`/me/sessions/${other.id}`).set(bearer(member)).expect(204);
      expect(await ended).toEqual({ reason: 'session-ended' });
      await closed;
      await provesSilence(groupId, witnessSocket, witnessSocket, saw);
    });

    it('tells the socket of an erased account why it closes', async () => {
      const { groupId, code } = await group();
      const [member, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [socket, witnessSocket] = await Promise.all([joined(member, groupId), joined(witness, groupId)]);
      const saw = record(socket, 'chat:message');
      const ended = next(socket, 'auth:session-ended');
      await request(forum.url).delete('/me').set(bearer(member)).send({ password: member.password }).expect(204);
      expect(await ended).toEqual({ reason: 'account-erased' });
      await provesSilence(groupId, witnessSocket, witnessSocket, saw);
    });
  });

  describe('standing in a group', () => {
    it('takes a socket out of the room when the membership ends', async () => {
      const { groupId, code } = await group();
      const [member, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [socket, witnessSocket] = await Promise.all([joined(member, groupId), joined(witness, groupId)]);
      const saw = record(socket, 'chat:message');
      const ended = next(socket, 'chat:access-ended');
      // No endpoint lets a member leave yet: the row goes as erasure (or a future "leave") would take it.
      await forum.app.get(DataSource).query(`DELETE FROM memberships WHERE user_id = $1 AND group_id = $2`, [member.id, groupId]);
      await forum.app.get(MembershipService).changed(member.id, groupId);
      expect(await ended).toEqual({ groupId, reason: 'membership-ended' });
      await provesSilence(groupId, witnessSocket, witnessSocket, saw);
      expect(socket.connected).toBe(true);
    });

    it('takes a banned member’s socket out of the room, saying so', async () => {
      const { groupId, code } = await group();
      const [member, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [socket, witnessSocket] = await Promise.all([joined(member, groupId), joined(witness, groupId)]);
      const saw = record(socket, 'chat:message');
      const ended = next(socket, 'chat:access-ended');
      await forum.app.get(MembershipService).ban(member.id, groupId);
      expect(await ended).toEqual({ groupId, reason: 'banned' });
      await provesSilence(groupId, witnessSocket, witnessSocket, saw);
      expect(await emit(socket, 'chat:join', { groupId })).toMatchObject({ ok: false, error: { code: 'BANNED' } });
    });

    it('takes out of the room everyone who has not accepted a newly published agreement', async () => {
      const { groupId, code } = await group();
      const [member, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const [socket, witnessSocket] = await Promise.all([joined(member, groupId), joined(witness, groupId)]);
      const saw = record(socket, 'chat:message');
      const ended = next(socket, 'chat:access-ended');
      const witnessEnded = next(witnessSocket, 'chat:access-ended');
      const current = await request(forum.url).get(`/groups/${groupId}/agreement`).expect(200);
      const clauses = [...current.body.clauses, { key: 'be-kind-online', title: 'Be kind online', text: 'Write as you would speak in the room.' }];
      const published = await request(forum.url).put(`/groups/${groupId}/agreement`).set(bearer(admin)).send({ clauses }).expect(201);
      const version = published.body.version as number;
      expect(await ended).toEqual({ groupId, reason: 'agreement-required', version });
      expect(await witnessEnded).toEqual({ groupId, reason: 'agreement-required', version });
      // The witness accepts and comes back; the member who has not accepted hears nothing more.
      expect(await acceptCurrentAgreement(forum, witness, groupId)).toBe(version);
      expect(await emit(witnessSocket, 'chat:join', { groupId })).toMatchObject({ ok: true });
      await provesSilence(groupId, witnessSocket, witnessSocket, saw);
      expect(await send(socket, groupId, 'hello?')).toMatchObject({ ok: false, error: { code: 'AGREEMENT_REQUIRED', version } });
    });

    it('tells a muted member they are muted and until when; they still read, but their words and typing reach nobody', async () => {
      const { groupId, code } = await group();
      const [member, witness, other] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const [socket, witnessSocket, otherSocket] = await Promise.all([joined(member, groupId), joined(witness, groupId), joined(other, groupId)]);
      const witnessTyping = record(witnessSocket, 'chat:typing');
      const muted = next(socket, 'chat:muted');
      const until = new Date(Date.now() + 3_600_000);
      await forum.app.get(MembershipService).mute(member.id, groupId, until);
      expect(await muted).toEqual({ groupId, until: until.toISOString() });

      expect(await emit(socket, 'chat:typing', { groupId })).toMatchObject({ ok: false, error: { code: 'MUTED', until: until.toISOString() } });
      expect(await send(socket, groupId, 'Can anyone hear me?')).toMatchObject({ ok: false, error: { code: 'MUTED', until: until.toISOString() } });
      // Another member's typing reaches the witness, and the muted member's never did.
      const otherTyping = next(witnessSocket, 'chat:typing', (t: { user: { id: string } }) => t.user.id === other.id);
      expect(await emit(otherSocket, 'chat:typing', { groupId })).toEqual({ ok: true });
      await otherTyping;
      expect(witnessTyping.map((t) => t.user.id)).not.toContain(member.id);
      // Reading goes on: a message from someone else still arrives.
      const reading = record<{ id: string }>(socket, 'chat:message');
      const ack = await send(otherSocket, groupId, 'Still reading along, I hope.');
      await waitFor(() => reading.some((m) => m.id === ack.id));
      // A fresh socket hears of the mute when it joins.
      const fresh = await connect(member);
      const mutedOnJoin = next(fresh, 'chat:muted');
      expect(await emit(fresh, 'chat:join', { groupId })).toMatchObject({ ok: true });
      expect(await mutedOnJoin).toEqual({ groupId, until: until.toISOString() });
      expect(await emit(fresh, 'chat:typing', { groupId })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    });
  });

  describe('a sanction covers every action', () => {
    /** A published post by `author` in a new topic. */
    async function publishedPost(author: Person, groupId: string, body = 'Day three after the transplant, feeling stronger.'): Promise<string> {
      const created = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'Recovery diary', body }).expect(202);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const post = await request(forum.url).get(`/posts/${created.body.id}`).set(bearer(author)).expect(200);
        if (post.body.status === 'published') return created.body.id as string;
        if (post.body.status !== 'screening' || Date.now() > deadline) throw new Error(`post not published: ${post.body.status}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('refuses a muted member’s reactions and reports with 403 MUTED and until, and a banned member’s with BANNED', async () => {
      const { groupId, code } = await group();
      const [author, member] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const postId = await publishedPost(author, groupId);
      await request(forum.url).put(`/posts/${postId}/reactions/hug`).set(bearer(member)).expect(204);
      const authorSocket = await joined(author, groupId);
      const message = await send(authorSocket, groupId, 'Thanks everyone for the kind words.');
      await next(authorSocket, 'chat:message', (m: { id: string }) => m.id === message.id);

      const until = new Date(Date.now() + 3_600_000);
      await forum.app.get(MembershipService).mute(member.id, groupId, until);
      for (const call of [
        request(forum.url).put(`/posts/${postId}/reactions/support`).set(bearer(member)),
        request(forum.url).delete(`/posts/${postId}/reactions/hug`).set(bearer(member)),
        request(forum.url).post(`/posts/${postId}/reports`).set(bearer(member)).send({ clauseKey: 'respect' }),
        request(forum.url).post(`/messages/${message.id}/reports`).set(bearer(member)).send({ clauseKey: 'respect' }),
      ]) {
        const refused = await call.expect(403);
        expect(refused.body).toMatchObject({ code: 'MUTED', until: until.toISOString() });
      }
      const post = await request(forum.url).get(`/posts/${postId}`).set(bearer(author)).expect(200);
      expect(post.body.reactions).toMatchObject({ hug: 1 });

      await forum.app.get(MembershipService).ban(member.id, groupId);
      for (const call of [
        request(forum.url).put(`/posts/${postId}/reactions/support`).set(bearer(member)),
        request(forum.url).delete(`/posts/${postId}/reactions/hug`).set(bearer(member)),
        request(forum.url).post(`/posts/${postId}/reports`).set(bearer(member)).send({ clauseKey: 'respect' }),
        request(forum.url).post(`/messages/${message.id}/reports`).set(bearer(member)).send({ clauseKey: 'respect' }),
      ]) {
        expect((await call.expect(403)).body.code).toBe('BANNED');
      }
      // What does not exist is still 404, sanction or not.
      await request(forum.url).put(`/posts/${randomUUID()}/reactions/hug`).set(bearer(member)).expect(404);
    });

    it('leaves open only the appeal of the decision that imposed the mute or ban', async () => {
      const { groupId, code } = await group();
      const [author, reporter] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);

      // Written while the author could still write: each is removed in turn below.
      const [first, second, third] = [
        await publishedPost(author, groupId, 'Honestly the nurses on my unit are useless.'),
        await publishedPost(author, groupId, 'Some of you are just attention seeking.'),
        await publishedPost(author, groupId, 'You are all pathetic.'),
      ];

      /** The post, reported and removed by the admin with `sanction`; returns the removal notice. */
      const removed = async (postId: string, sanction?: Record<string, unknown>) => {
        await request(forum.url).post(`/posts/${postId}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(201);
        const items = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(admin)).expect(200);
        const item = items.body.items.find((i: { subject?: { id: string } }) => i.subject?.id === postId);
        await request(forum.url)
          .post(`/review-items/${item.id}/decision`)
          .set(bearer(admin))
          .send({ action: 'remove', clauseKey: 'respect', ...(sanction ? { sanction } : {}) })
          .expect(200);
        const notices = await request(forum.url).get('/me/notices').set(bearer(author)).expect(200);
        const list = (notices.body.items ?? notices.body) as Array<{ id: string; kind: string; subjectId: string }>;
        return list.find((n) => n.kind === 'removal' && n.subjectId === postId)!;
      };

      const earlier = await removed(first);
      const muting = await removed(second, { kind: 'mute', hours: 24 });
      const refused = await request(forum.url).post(`/notices/${earlier.id}/appeal`).set(bearer(author)).send({ text: 'I was upset that day.' }).expect(403);
      expect(refused.body).toMatchObject({ code: 'MUTED', until: expect.any(String) });
      await request(forum.url).post(`/notices/${muting.id}/appeal`).set(bearer(author)).send({ text: 'I think the mute is unfair.' }).expect(201);

      // A ban leaves the same one door open: the appeal of the removal that came with it.
      const banning = await removed(third, { kind: 'ban' });
      expect((await request(forum.url).post(`/notices/${earlier.id}/appeal`).set(bearer(author)).send({ text: 'Please.' }).expect(403)).body.code).toBe(
        'BANNED',
      );
      await request(forum.url).post(`/notices/${banning.id}/appeal`).set(bearer(author)).send({ text: 'Please look at the ban again.' }).expect(201);
    });
  });

  describe('chat order', () => {
    it('keeps each author’s messages in the order sent, live and in history, whatever order screening finishes in', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'post', firstPostsHeld: 1 });
      const code = await referralCode(forum, admin, groupId);
      await request(forum.url).post(`/groups/${groupId}/rules`).set(bearer(admin)).send({ pattern: 'tacrolimus', match: 'word', action: 'flag' }).expect(201);
      const [author, witness] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      // The author writes through a chat instance whose screening queue no worker reads, so this test
      // decides in which order screening finishes: it plays the worker, with the worker's own service.
      const unread = await startChat({ ...generous, REDIS_PREFIX: `${chat.config.redis.prefix}-unread` });
      try {
        const [authorSocket, witnessSocket] = await Promise.all([joined(author, groupId, unread.url), joined(witness, groupId)]);
        const live = record<{ id: string; author: { id: string } }>(witnessSocket, 'chat:message');
        // A link from an author not yet trusted is held, and must not hold back what follows for ever;
        // flagged messages (published once their review item is written) alternate with plain ones.
        const bodies = [
          'This page explained it well: kidneycare-example.org/levels',
          ...Array.from({ length: 4 }, (_, i) => [
            `My tacrolimus level, week ${i + 1}, came back a bit high.`,
            `Week ${i + 1}: the clinic wants another blood test.`,
          ]).flat(),
          'Thanks for listening, off to make tea.',
        ];
        const sent: string[] = [];
        for (const body of bodies) {
          const ack = await send(authorSocket, groupId, body);
          expect(ack).toMatchObject({ ok: true });
          sent.push(ack.id);
        }
        // Screening finishes last-sent first: each message is decided while every earlier one is still in screening.
        const screening = worker.context.get(ScreeningService);
        for (const id of [...sent].reverse()) await screening.screen({ subject: 'message', id, revision: 1 });

        const heldId = sent[0]!;
        const expected = sent.slice(1);
        await waitFor(() => expected.every((id) => live.some((m) => m.id === id)));
        expect(live.filter((m) => m.author.id === author.id).map((m) => m.id)).toEqual(expected);
        const [held] = await forum.app.get(DataSource).query(`SELECT status FROM messages WHERE id = $1`, [heldId]);
        expect(held.status).toBe('held');

        const late = await connect(witness);
        const join = await emit(late, 'chat:join', { groupId });
        expect((join.history as Array<{ id: string }>).map((m) => m.id)).toEqual(expected);
        const rest = await request(forum.url).get(`/groups/${groupId}/messages?limit=50`).set(bearer(witness)).expect(200);
        expect(rest.body.items.map((m: { id: string }) => m.id).reverse()).toEqual(expected);
      } finally {
        await unread.close();
      }
    });
  });
});

