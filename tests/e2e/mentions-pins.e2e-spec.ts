import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { bearer, Person, registerAndLogin } from '../support/people';
import { apply } from '../support/groups';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/** Held for review: personal data in the body. */
const PHONE = '07700 900123';
/** Refused by a watched-word rule of the group. */
const BLOCKED = 'zorblaxian';

/** Letters only (a tag with digits can look like a postcode, which a display name may not hold), unique to this run. */
function letters(length: number): string {
  return randomUUID()
    .replace(/-/g, '')
    .slice(0, length)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
}

describe('@mentions and pinned topics', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  const sockets: Socket[] = [];
  let admin: Person;
  let groupId: string;
  let otherGroupId: string;
  let code: string;
  let supporter: Person;
  let otherSupporter: Person;
  /** Every name here starts with the run's tag, so a suggestion search for it meets nobody from other tests. */
  const tag = `Qx${letters(6)}`;
  let alice: Person;
  let robin: Person;
  let rowan: Person;
  /** A member of the other group only. */
  let bobby: Person;
  /** Signed in, in no group. */
  let outsider: Person;
  /** Applied to the group; the application waits for a supporter. */
  let applicant: Person;

  const named = (name: string) => ({ displayName: `${tag} ${name}` });

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum(), startChat(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    otherGroupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
    const otherCode = await referralCode(forum, admin, otherGroupId);
    await request(forum.url)
      .post(`/groups/${groupId}/rules`)
      .set(bearer(admin))
      .send({ pattern: BLOCKED, match: 'word', action: 'block', clauseKey: 'respect' })
      .expect(201);
    [alice, robin, rowan, bobby, outsider, applicant] = await Promise.all([
      joinedMember(forum, groupId, code, named('Alice')),
      joinedMember(forum, groupId, code, named('Robin')),
      joinedMember(forum, groupId, code, named('Rowan')),
      joinedMember(forum, otherGroupId, otherCode, named('Bobby')),
      registerAndLogin(forum.url, named('Outsider')),
      registerAndLogin(forum.url, named('Applicant')),
    ]);
    // Without a referral code the application waits for a supporter.
    expect((await apply(forum, applicant, groupId).expect(201)).body.status).toBe('pending');
    [supporter, otherSupporter] = await Promise.all([
      appointedSupporter(forum, admin, groupId, code),
      appointedSupporter(forum, admin, otherGroupId, otherCode),
    ]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  function mentionable(who: Person, prefix: string, inGroup = groupId) {
    return request(forum.url).get(`/groups/${inGroup}/members/mentionable`).query({ prefix }).set(bearer(who));
  }

  const names = (body: Json) => (body.items as Json[]).map((i) => i.displayName);

  async function topic(author: Person, title: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function reply(author: Person, topicId: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function notifications(who: Person): Promise<Json[]> {
    return (await request(forum.url).get('/me/notifications').query({ limit: 100 }).set(bearer(who)).expect(200)).body.items;
  }

  /** Polls until `who` has a notification that `match` accepts (the worker fans out), and returns all of theirs. */
  async function until(who: Person, match: (n: Json) => boolean, timeoutMs = 15_000): Promise<Json[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await notifications(who);
      if (items.some(match)) return items;
      if (Date.now() > deadline) throw new Error(`no such notification for ${who.displayName}: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  const mentionOf = (topicId: string) => (n: Json) => n.kind === 'mention' && n.subjectId === topicId;

  describe('suggestions for the composer', () => {
    it('suggests active members of this group whose names start so, in any case, by name, never the caller', async () => {
      const body = (await mentionable(alice, tag.toLowerCase()).expect(200)).body;
      expect(body.items).toEqual([
        { id: robin.id, displayName: robin.displayName },
        { id: rowan.id, displayName: rowan.displayName },
      ]);
      expect(names((await mentionable(alice, `${tag} RO`).expect(200)).body)).toEqual([robin.displayName, rowan.displayName]);
      expect(names((await mentionable(alice, `${tag} rob`).expect(200)).body)).toEqual([robin.displayName]);
      // The supporter is suggested too, by their own name.
      expect(names((await mentionable(alice, supporter.displayName).expect(200)).body)).toEqual([supporter.displayName]);
    });

    it("never suggests another group's member, the outsider or a pending applicant, even by their exact names", async () => {
      for (const other of [bobby, outsider, applicant, otherSupporter]) {
        expect(names((await mentionable(alice, other.displayName).expect(200)).body)).toEqual([]);
      }
      // Nor does a pattern character widen the search.
      expect(names((await mentionable(alice, '%').expect(200)).body)).toEqual([]);
      expect(names((await mentionable(alice, `${tag}_`).expect(200)).body)).toEqual([]);
    });

    it('answers only the group’s participants: not an outsider, a pending applicant, or a member or supporter of another group', async () => {
      expect((await mentionable(outsider, tag).expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await mentionable(applicant, tag).expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await mentionable(bobby, tag).expect(403)).body.code).toBe('NOT_A_MEMBER');
      expect((await mentionable(otherSupporter, tag).expect(403)).body.code).toBe('NOT_A_MEMBER');
      // Their own group's suggestions never hold this group's members.
      expect(names((await mentionable(bobby, tag, otherGroupId).expect(200)).body)).not.toEqual(expect.arrayContaining([robin.displayName]));
      expect((await mentionable(alice, tag, randomUUID()).expect(404)).body.code).toBe('NOT_FOUND');
    });

    it('gives at most 8 and refuses a prefix longer than any name', async () => {
      const crowd = `Qx${letters(6)}`;
      await Promise.all('abcdefghi'.split('').map((l) => joinedMember(forum, groupId, code, { displayName: `${crowd} ${l}${letters(3)}` })));
      expect((await mentionable(alice, crowd).expect(200)).body.items).toHaveLength(8);
      const refused = (await mentionable(alice, 'x'.repeat(41)).expect(422)).body;
      expect(refused.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('mention notices', () => {
    it('tells a mentioned member of the group once the post is published; not its author, and nobody outside the group', async () => {
      const opening = await topic(alice, 'Clinic days', 'How do you all fill the waiting room hours?');
      const posted = await reply(
        alice,
        opening.topicId,
        `@${robin.displayName} and @${rowan.displayName}, you said you knit? And @${bobby.displayName}, @${alice.displayName}.`,
      );
      expect(posted.status).toBe('published');
      const robins = await until(robin, mentionOf(opening.topicId));
      expect(robins.filter(mentionOf(opening.topicId))).toEqual([
        expect.objectContaining({ kind: 'mention', groupId, subjectId: opening.topicId, title: 'Someone mentioned you' }),
      ]);
      // Rowan was named in the same notification: the fan-out that reached Robin reached everyone it was for.
      expect((await notifications(rowan)).filter(mentionOf(opening.topicId))).toHaveLength(1);
      expect((await notifications(bobby)).filter((n) => n.kind === 'mention')).toEqual([]);
      expect((await notifications(alice)).filter((n) => n.kind === 'mention')).toEqual([]);
      // Words never travel in a notification.
      expect(JSON.stringify(robins)).not.toContain('knit');
    });

    it('tells nobody of a mention in a held post until a supporter publishes it, and never of one in a rejected post', async () => {
      const heldTopic = await topic(alice, 'Lifts to dialysis', 'Does anyone share lifts to the unit?');
      const rejectedTopic = await topic(alice, 'Parking', 'The car park is full every morning.');
      const held = await reply(alice, heldTopic.topicId, `@${robin.displayName} text me on ${PHONE} and we can sort it`);
      expect(held.status).toBe('held');
      const rejected = await reply(alice, rejectedTopic.topicId, `@${robin.displayName} you ${BLOCKED}`);
      expect(rejected.status).toBe('rejected');
      // The author hears that the held post waits: the verdict's work is done.
      await until(alice, (n) => n.kind === 'moderation' && n.subjectId === held.id);
      // A later published mention in another topic reaches Robin: anything queued before it has been fanned out too.
      const later = await topic(rowan, 'Knitting', `@${robin.displayName} the pattern I promised.`);
      expect(later.status).toBe('published');
      let robins = await until(robin, mentionOf(later.topicId));
      expect(robins.filter(mentionOf(heldTopic.topicId))).toEqual([]);
      expect(robins.filter(mentionOf(rejectedTopic.topicId))).toEqual([]);

      const queue = (await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200)).body.items as Json[];
      const item = queue.find((i) => i.subject?.id === held.id)!;
      await request(forum.url).post(`/review-items/${item.id}/decision`).set(bearer(supporter)).send({ action: 'approve' }).expect(200);
      robins = await until(robin, mentionOf(heldTopic.topicId));
      expect(robins.filter(mentionOf(heldTopic.topicId))).toHaveLength(1);
      expect(robins.filter(mentionOf(rejectedTopic.topicId))).toEqual([]);
    });
  });

  describe('mention notices from the group chat', () => {
    function connect(person: Person): Promise<Socket> {
      return new Promise((resolve, reject) => {
        const socket = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
        sockets.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', (error) => reject(error));
      });
    }

    /** Sends a message and waits for what became of it (`chat:message` to the room, `chat:held` to its author). */
    function send(socket: Socket, body: string, settles: 'chat:message' | 'chat:held'): Promise<Json> {
      const clientMsgId = randomUUID();
      const settled = new Promise<Json>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${settles} for ${body}`)), 15_000);
        const listener = (payload: Json) => {
          if (payload.clientMsgId !== clientMsgId && payload.message?.clientMsgId !== clientMsgId) return;
          clearTimeout(timer);
          socket.off(settles, listener);
          resolve(payload);
        };
        socket.on(settles, listener);
      });
      return socket
        .timeout(5000)
        .emitWithAck('chat:send', { groupId, body, clientMsgId })
        .then(() => settled);
    }

    const chatMention = (n: Json) => n.kind === 'mention' && n.groupId === groupId && n.subjectId === null;

    it('tells members of the group a published message mentions, never for a held one, and nobody outside the group', async () => {
      const socket = await connect(alice);
      expect((await socket.timeout(5000).emitWithAck('chat:join', { groupId })).ok).toBe(true);
      await send(socket, `@${rowan.displayName} ring me on ${PHONE} after clinic`, 'chat:held');
      await send(socket, `@${rowan.displayName} and @${bobby.displayName}, good luck today`, 'chat:message');
      const rowans = await until(rowan, chatMention);
      expect(rowans.filter(chatMention)).toEqual([
        expect.objectContaining({ kind: 'mention', groupId, subjectId: null, title: 'Someone mentioned you in the group chat' }),
      ]);
      expect((await notifications(bobby)).filter(chatMention)).toEqual([]);
      expect((await notifications(alice)).filter(chatMention)).toEqual([]);
      expect(JSON.stringify(rowans)).not.toContain('good luck');
    });
  });

  describe('pinned topics', () => {
    function pin(who: Person, topicId: string, body: Json) {
      return request(forum.url).put(`/topics/${topicId}/pin`).set(bearer(who)).send(body);
    }

    async function list(who: Person, query: Json = {}): Promise<Json> {
      return (await request(forum.url).get(`/groups/${groupId}/topics`).query(query).set(bearer(who)).expect(200)).body;
    }

    it('lets a supporter pin a welcome topic, which lists first with its label, and one welcome per group', async () => {
      const welcome = await topic(supporter, 'Welcome to the group', 'Say hello and read the agreement. We are glad you are here.');
      const introductions = await topic(supporter, 'Introduce yourself', 'Tell us as much or as little as you like.');
      const busy = await topic(alice, 'Busy thread', 'Lots going on here.');
      await reply(robin, busy.topicId, 'And more, later than everything else.');
      expect((await pin(supporter, welcome.topicId, { pinned: true, role: 'welcome' }).expect(200)).body).toEqual({
        topicId: welcome.topicId,
        pinned: true,
        role: 'welcome',
      });
      await pin(supporter, introductions.topicId, { pinned: true, role: 'introductions' }).expect(200);
      const items = (await list(alice)).items as Json[];
      expect(items.slice(0, 3).map((t) => [t.id, t.pinned, t.pinRole])).toEqual([
        [welcome.topicId, true, 'welcome'],
        [introductions.topicId, true, 'introductions'],
        [busy.topicId, false, null],
      ]);
      // Pinned topics are on the first page only: the next pages never repeat them.
      const first = await list(alice, { limit: 1 });
      expect((first.items as Json[]).map((t) => t.id)).toEqual([welcome.topicId, introductions.topicId, busy.topicId]);
      const second = await list(alice, { limit: 50, cursor: first.nextCursor });
      expect((second.items as Json[]).map((t) => t.id)).not.toEqual(expect.arrayContaining([welcome.topicId, introductions.topicId, busy.topicId]));
      expect((await request(forum.url).get(`/topics/${welcome.topicId}`).set(bearer(alice)).expect(200)).body).toMatchObject({
        pinned: true,
        pinRole: 'welcome',
        readAt: null,
      });

      // A second welcome takes the role; the first stays pinned.
      const newer = await topic(supporter, 'Welcome, newcomers', 'Start here.');
      await pin(supporter, newer.topicId, { pinned: true, role: 'welcome' }).expect(200);
      const after = ((await list(alice)).items as Json[]).filter((t) => t.pinned).map((t) => [t.id, t.pinRole]);
      expect(after).toEqual([
        [newer.topicId, 'welcome'],
        [introductions.topicId, 'introductions'],
        [welcome.topicId, null],
      ]);
      await pin(supporter, welcome.topicId, { pinned: false }).expect(200);
      expect(((await list(alice)).items as Json[]).filter((t) => t.pinned).map((t) => t.id)).toEqual([newer.topicId, introductions.topicId]);

      const log = (await request(forum.url).get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items as Json[];
      const pins = log.filter((e) => e.action === 'topic.pin' || e.action === 'topic.unpin').map((e) => [e.action, e.subjectId, e.actor]);
      expect(pins).toEqual([
        ['topic.unpin', welcome.topicId, supporter.id],
        ['topic.pin', newer.topicId, supporter.id],
        ['topic.pin', introductions.topicId, supporter.id],
        ['topic.pin', welcome.topicId, supporter.id],
      ]);
    });

    it('refuses a member (403), anyone outside the group (404), a held topic (409) and a role without a pin (422)', async () => {
      const open = await topic(alice, 'Pin me?', 'A topic a member would like at the top.');
      const refused = (await pin(alice, open.topicId, { pinned: true, role: 'welcome' }).expect(403)).body;
      expect(refused).toMatchObject({ code: 'FORBIDDEN' });
      expect((await pin(bobby, open.topicId, { pinned: true }).expect(404)).body.code).toBe('NOT_FOUND');
      expect((await pin(otherSupporter, open.topicId, { pinned: true }).expect(404)).body.code).toBe('NOT_FOUND');
      expect((await pin(outsider, open.topicId, { pinned: true }).expect(404)).body.code).toBe('NOT_FOUND');

      const held = await topic(alice, 'Call me', `My number is ${PHONE}, ring any time.`);
      expect(held.status).toBe('held');
      // Its author may not pin it either, and the supporter cannot pin what others cannot see.
      expect((await pin(alice, held.topicId, { pinned: true }).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await pin(robin, held.topicId, { pinned: true }).expect(404)).body.code).toBe('NOT_FOUND');
      const conflict = await pin(supporter, held.topicId, { pinned: true, role: 'welcome' }).expect(409);
      expect(conflict.headers['content-type']).toContain('application/problem+json');
      expect(conflict.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringMatching(/Only a published topic can be pinned/) });
      expect((await pin(supporter, open.topicId, { pinned: false, role: 'welcome' }).expect(422)).body.code).toBe('VALIDATION_FAILED');
      expect((await pin(supporter, open.topicId, { pinned: 'yes' }).expect(422)).body.code).toBe('VALIDATION_FAILED');
      expect((await pin(supporter, open.topicId, { pinned: true, role: 'rules' }).expect(422)).body.code).toBe('VALIDATION_FAILED');

      // Nothing above pinned anything.
      expect(((await list(alice)).items as Json[]).filter((t) => [open.topicId, held.topicId].includes(t.id) && t.pinned)).toEqual([]);
    });
  });
});
