import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { MembershipService } from '@kindred/groups';
import { bearer, Person, registerAndLogin } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';
import { emit, next, SocketClients } from '../support/sockets';

type Change = { groupId: string; topicId: string; postId: string; opening: boolean; status?: string };

const CRISIS = "I can't cope any more. I want to end my life tonight.";

/**
 * Live forum over the chat service's socket: who may follow a group's forum channel and what
 * reaches them, read positions, held topics in their author's list, and the author's own unsent
 * chat messages in their history (and nobody else's).
 */
describe('live forum and the author’s own view', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let code: string;
  let otherGroupId: string;
  let otherCode: string;
  let supporter: Person;
  const clients = new SocketClients();

  const connect = (person: Person): Promise<Socket> => clients.connect(chat.url, person);

  function record<T = any>(socket: Socket, ...events: string[]): Array<T & { event: string }> {
    const seen: Array<T & { event: string }> = [];
    for (const event of events) socket.on(event, (payload: T) => seen.push({ ...payload, event }));
    return seen;
  }

  async function following(person: Person, group = groupId): Promise<Socket> {
    const socket = await connect(person);
    expect(await emit(socket, 'forum:join', { groupId: group })).toEqual({ ok: true });
    return socket;
  }

  async function topic(author: Person, title = 'Tips for long clinic waits', body = 'Bring a charger and a snack.', group = groupId) {
    const created = await request(forum.url).post(`/groups/${group}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return created.body as { id: string; topicId: string };
  }

  async function reply(author: Person, topicId: string, body: string): Promise<string> {
    const sent = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    return sent.body.id as string;
  }

  /**
   * Every event a socket was sent before this returns has arrived: the server answers this ack on
   * the same connection after anything it emitted to the socket earlier.
   */
  async function settled(socket: Socket): Promise<void> {
    expect(await emit(socket, 'forum:leave', { groupId: randomUUID() })).toEqual({ ok: true });
  }

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum(), startChat(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
    otherGroupId = await createGroup(forum, admin, { mode: 'post' });
    otherCode = await referralCode(forum, admin, otherGroupId);
    supporter = await appointedSupporter(forum, admin, groupId, code);
  });

  afterAll(async () => {
    clients.closeAll();
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  describe('the forum channel', () => {
    it('lets members follow their group and refuses everyone else, who then hear nothing of it', async () => {
      const [author, reader] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const elsewhere = await joinedMember(forum, otherGroupId, otherCode);
      const outsider = await registerAndLogin(forum.url);
      const readerSocket = await following(reader);
      const readerHeard = record<Change>(readerSocket, 'forum:post', 'forum:mine', 'chat:message');

      const outsiderSocket = await connect(outsider);
      expect(await emit(outsiderSocket, 'forum:join', { groupId })).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/NOT_A_MEMBER|NOT_FOUND/) },
      });
      const elsewhereSocket = await following(elsewhere, otherGroupId);
      expect(await emit(elsewhereSocket, 'forum:join', { groupId })).toMatchObject({
        ok: false,
        error: { code: expect.stringMatching(/NOT_A_MEMBER|NOT_FOUND/) },
      });
      expect(await emit(outsiderSocket, 'forum:join', { groupId: 'not-a-group' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emit(outsiderSocket, 'forum:join', { groupId, extra: true })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const outsidersHeard = [
        ...record(outsiderSocket, 'forum:post', 'forum:post-removed', 'forum:mine'),
        ...record(elsewhereSocket, 'forum:post', 'forum:post-removed', 'forum:mine'),
      ];

      const { id: opening, topicId } = await topic(author);
      const announced = await next<Change>(readerSocket, 'forum:post', (c) => c.postId === opening);
      // Ids only: the words are read over HTTP, where who may see them is checked.
      expect(announced).toEqual({ groupId, topicId, postId: opening, opening: true });
      const replyId = await reply(author, topicId, 'Me too, the waits are long.');
      expect(await next<Change>(readerSocket, 'forum:post', (c) => c.postId === replyId)).toEqual({ groupId, topicId, postId: replyId, opening: false });

      // The reader heard both; by the time each refused socket answers a later event, anything sent to it would have arrived.
      await Promise.all([settled(outsiderSocket), settled(elsewhereSocket)]);
      expect(outsidersHeard).toEqual([]);
      // Following the forum is not joining the chat room.
      expect(readerHeard.filter((e) => e.event === 'chat:message')).toEqual([]);
    });

    it('tells the author alone of a held post, and the supporters its review item, never the members', async () => {
      const [author, reader] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const { topicId } = await topic(author, 'A long week', 'Dialysis three times this week.');
      const [authorSocket, readerSocket, supporterSocket] = await Promise.all([following(author), following(reader), following(supporter)]);
      const readerHeard = record<Change>(readerSocket, 'forum:post', 'forum:mine', 'review:new', 'review:updated');

      const queued = next(supporterSocket, 'review:new', (item: any) => item.subject?.body === CRISIS && item.subject?.topicId === topicId);
      const held = await reply(author, topicId, CRISIS);
      expect(await next<Change>(authorSocket, 'forum:mine', (c) => c.postId === held)).toEqual({
        groupId,
        topicId,
        postId: held,
        opening: false,
        status: 'held',
      });
      expect(await queued).toMatchObject({ subject: { id: held } });

      // A later plain reply reaches the reader: the held one, announced before it, never did.
      const plain = await reply(author, topicId, 'Thank you all for listening.');
      await next<Change>(readerSocket, 'forum:post', (c) => c.postId === plain);
      expect(readerHeard.map((e) => [e.event, e.postId])).toEqual([['forum:post', plain]]);
    });

    it('stops a member’s socket hearing the group once they are banned', async () => {
      const [author, banned, stays] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const [bannedSocket, staysSocket] = await Promise.all([following(banned), following(stays)]);
      const bannedHeard = record<Change>(bannedSocket, 'forum:post');
      await forum.app.get(MembershipService).ban(banned.id, groupId);
      // The ban reaches the chat service as an event; a refused join shows it has been taken into account.
      for (let i = 0; ; i++) {
        if ((await emit(bannedSocket, 'forum:join', { groupId })).error?.code === 'BANNED') break;
        if (i > 100) throw new Error('the ban was not seen');
        await new Promise((r) => setTimeout(r, 100));
      }
      const { id } = await topic(author, 'After the ban', 'Still here.');
      await next<Change>(staysSocket, 'forum:post', (c) => c.postId === id);
      await settled(bannedSocket);
      expect(bannedHeard).toEqual([]);
    });
  });

  describe('read positions and the author’s own topics', () => {
    it('marks a topic new until read, and again after a reply; keeps positions to people who may see the topic', async () => {
      const [author, reader] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const outsider = await registerAndLogin(forum.url);
      const { id, topicId } = await topic(author, 'Unread markers');
      await screened(forum, author, id);
      const listed = async (who: Person) =>
        (await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(who)).expect(200)).body.items.find(
          (t: { id: string }) => t.id === topicId,
        );
      expect(await listed(reader)).toMatchObject({ unread: true, readAt: null, status: 'published' });
      expect(await listed(author)).toMatchObject({ unread: false });

      const opened = (await request(forum.url).get(`/topics/${topicId}`).set(bearer(reader)).expect(200)).body;
      const read = await request(forum.url).put(`/topics/${topicId}/read`).set(bearer(reader)).send({ at: opened.lastActivityAt }).expect(200);
      expect(read.body).toEqual({ readAt: opened.lastActivityAt });
      expect(await listed(reader)).toMatchObject({ unread: false, readAt: opened.lastActivityAt });

      const replyId = await reply(author, topicId, 'A reply after the first visit.');
      await screened(forum, author, replyId);
      expect(await listed(reader)).toMatchObject({ unread: true, readAt: opened.lastActivityAt });
      expect((await request(forum.url).get(`/topics/${topicId}`).set(bearer(reader)).expect(200)).body).toMatchObject({
        unread: true,
        readAt: opened.lastActivityAt,
      });
      // An old position (another tab) does not move it back; without one, it reads up to the last activity.
      await request(forum.url)
        .put(`/topics/${topicId}/read`)
        .set(bearer(reader))
        .send({ at: '2020-01-01T00:00:00.000Z' })
        .expect(200, { readAt: opened.lastActivityAt });
      await request(forum.url).put(`/topics/${topicId}/read`).set(bearer(reader)).expect(200);
      expect(await listed(reader)).toMatchObject({ unread: false });

      await request(forum.url).put(`/topics/${topicId}/read`).set(bearer(outsider)).send({}).expect(404);
      await request(forum.url).put(`/topics/${randomUUID()}/read`).set(bearer(reader)).send({}).expect(404);
      await request(forum.url).put(`/topics/${topicId}/read`).set(bearer(reader)).send({ at: 'yesterday' }).expect(422);
      await request(forum.url).put(`/topics/${topicId}/read`).send({}).expect(401);
    });

    it('keeps a held topic in its author’s list, with its status, and out of everyone else’s', async () => {
      const [author, reader] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const { id, topicId } = await topic(author, 'Nobody understands', CRISIS);
      expect(await screened(forum, author, id)).toMatchObject({ status: 'held' });
      const list = async (who: Person) => (await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(who)).expect(200)).body.items;
      expect((await list(author)).find((t: { id: string }) => t.id === topicId)).toMatchObject({ status: 'held', unread: false });
      expect((await list(reader)).map((t: { id: string }) => t.id)).not.toContain(topicId);
      await request(forum.url).get(`/topics/${topicId}`).set(bearer(reader)).expect(404);
    });
  });

  describe('the author’s own chat messages', () => {
    it('come back with their status after a reload, to the author alone', async () => {
      const group = await createGroup(forum, admin, { mode: 'post' });
      const groupCode = await referralCode(forum, admin, group);
      await request(forum.url)
        .post(`/groups/${group}/rules`)
        .set(bearer(admin))
        .send({ pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' })
        .expect(201);
      const [author, other] = await Promise.all([joinedMember(forum, group, groupCode), joinedMember(forum, group, groupCode)]);
      const socket = await connect(author);
      expect(await emit(socket, 'chat:join', { groupId: group })).toEqual({ ok: true, history: [] });
      const send = async (body: string, settle: string) => {
        const clientMsgId = randomUUID();
        const settled = next(socket, settle, (m: { clientMsgId: string }) => m.clientMsgId === clientMsgId);
        const ack = await emit(socket, 'chat:send', { groupId: group, body, clientMsgId });
        await settled;
        return ack.id as string;
      };
      const before = await send('Good morning everyone', 'chat:message');
      const held = await send(CRISIS, 'chat:held');
      const refused = await send('Great offer, buy now!', 'chat:rejected');
      const after = await send('Anyone at the Tuesday clinic?', 'chat:message');

      // A reload: a new socket joins, and the author's own unsent messages are in place with their status.
      const reloaded = await connect(author);
      const history = (await emit(reloaded, 'chat:join', { groupId: group })).history as Array<{ id: string; status?: string; body: string }>;
      expect(history.map((m) => [m.id, m.status])).toEqual([
        [before, undefined],
        [held, 'held'],
        [refused, 'rejected'],
        [after, undefined],
      ]);
      expect(history.find((m) => m.id === held)!.body).toBe(CRISIS);
      const rest = await request(forum.url).get(`/groups/${group}/messages`).set(bearer(author)).expect(200);
      expect(rest.body.items.map((m: { id: string; status?: string }) => [m.id, m.status])).toEqual([
        [after, undefined],
        [refused, 'rejected'],
        [held, 'held'],
        [before, undefined],
      ]);

      // Nobody else learns of them, by socket or over HTTP.
      const othersSocket = await connect(other);
      const othersHistory = (await emit(othersSocket, 'chat:join', { groupId: group })).history as Array<{ id: string }>;
      expect(othersHistory.map((m) => m.id)).toEqual([before, after]);
      const othersRest = await request(forum.url).get(`/groups/${group}/messages`).set(bearer(other)).expect(200);
      expect(othersRest.body.items.map((m: { id: string }) => m.id)).toEqual([after, before]);
      expect(JSON.stringify([othersHistory, othersRest.body])).not.toContain('buy now');
    });
  });
});
