import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { MembershipService } from '@kindred/groups';
import { ABOUT_ME_PROBLEM } from '@kindred/moderation';
import { bearer, Person, registerAndLogin } from '../support/people';
import { acceptCurrentAgreement, createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';
import { emit, next, record, SocketClients } from '../support/sockets';

type Json = Record<string, any>;
type Online = { groupId: string; online: Array<{ id: string; displayName: string }> };

/**
 * A member's own view of themselves: "my posts" across groups with each status, a screened "about
 * me", leaving a group (access ends at once, sockets included), and who is online in a chat room
 * (across instances, with an opt-out that always holds).
 */
describe('profiles, my posts, leaving and presence', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let otherChat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  const clients = new SocketClients();

  beforeAll(async () => {
    [forum, chat, otherChat, worker] = await Promise.all([
      startForum(),
      startChat({ CHAT_MESSAGES_PER_WINDOW: '1000' }),
      startChat({ CHAT_MESSAGES_PER_WINDOW: '1000' }),
      startWorker({ SCREENING_SWEEP_AFTER_SECONDS: '2', SCREENING_SWEEP_INTERVAL_SECONDS: '1' }),
    ]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    clients.closeAll();
    await Promise.all([forum?.close(), chat?.close(), otherChat?.close(), worker?.close()]);
  });

  const connect = (person: { token: string }, url = chat.url): Promise<Socket> => clients.connect(url, person);

  async function joined(person: { token: string }, groupId: string, url = chat.url): Promise<Socket> {
    const socket = await connect(person, url);
    expect(await emit(socket, 'chat:join', { groupId })).toMatchObject({ ok: true });
    return socket;
  }

  const ids = (online: Online) => online.online.map((m) => m.id);

  async function group(mode: 'pre' | 'post' = 'post'): Promise<{ groupId: string; code: string }> {
    const groupId = await createGroup(forum, admin, { mode });
    return { groupId, code: await referralCode(forum, admin, groupId) };
  }

  /** Polls until the post has left `screening`, as its author sees it. */
  async function decided(author: Person, postId: string): Promise<Json> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await request(forum.url).get(`/posts/${postId}`).set(bearer(author)).expect(200);
      if (response.body.status !== 'screening') return response.body;
      if (Date.now() > deadline) throw new Error(`post ${postId} still in screening`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function myPosts(person: Person, query = '') {
    return request(forum.url).get(`/me/posts${query}`).set(bearer(person));
  }

  describe('my posts', () => {
    it("lists the caller's own posts across groups, newest first, with each honest status; never another member's", async () => {
      const held = await group('pre');
      const open = await group('post');
      const author = await joinedMember(forum, held.groupId, held.code);
      const other = await joinedMember(forum, held.groupId, held.code);
      await Promise.all([
        request(forum.url).post(`/groups/${open.groupId}/applications`).set(bearer(author)).send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: open.code }).expect(201),
        request(forum.url).post(`/groups/${open.groupId}/applications`).set(bearer(other)).send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: open.code }).expect(201),
      ]);
      for (const person of [author, other]) await acceptCurrentAgreement(forum, person, open.groupId);

      // The author's topic in the pre-moderated group waits for a supporter.
      const heldTopic = await request(forum.url)
        .post(`/groups/${held.groupId}/topics`)
        .set(bearer(author))
        .send({ title: 'Fluid limits in hot weather', body: 'How do you all manage the fluid limit when it is this hot?' })
        .expect(202);
      expect((await decided(author, heldTopic.body.id)).status).toBe('held');
      // Another member's held topic in the same group, and their published topic in the other.
      const othersHeld = await request(forum.url)
        .post(`/groups/${held.groupId}/topics`)
        .set(bearer(other))
        .send({ title: 'Not for anyone else to see', body: 'Something I wrote that is still waiting for a supporter.' })
        .expect(202);
      const othersTopic = await request(forum.url)
        .post(`/groups/${open.groupId}/topics`)
        .set(bearer(other))
        .send({ title: 'Favourite low-potassium snacks', body: 'Rice cakes are mine. What are yours?' })
        .expect(202);
      expect((await decided(other, othersTopic.body.id)).status).toBe('published');
      // The author's reply in that topic, published.
      const reply = await request(forum.url)
        .post(`/topics/${othersTopic.body.topicId}/posts`)
        .set(bearer(author))
        .send({ body: 'Apple slices with a little cinnamon.' })
        .expect(202);
      expect((await decided(author, reply.body.id)).status).toBe('published');

      const mine = (await myPosts(author).expect(200)).body;
      expect(mine.items).toEqual([
        expect.objectContaining({
          id: reply.body.id,
          topicId: othersTopic.body.topicId,
          groupId: open.groupId,
          groupName: expect.any(String),
          topicTitle: 'Favourite low-potassium snacks',
          opening: false,
          body: 'Apple slices with a little cinnamon.',
          status: 'published',
        }),
        expect.objectContaining({
          id: heldTopic.body.id,
          topicId: heldTopic.body.topicId,
          groupId: held.groupId,
          topicTitle: 'Fluid limits in hot weather',
          opening: true,
          status: 'held',
        }),
      ]);
      expect(mine.nextCursor).toBeNull();
      const everyId = JSON.stringify(mine);
      expect(everyId).not.toContain(othersHeld.body.id);
      expect(everyId).not.toContain(othersTopic.body.id);

      // A page at a time, by cursor.
      const first = (await myPosts(author, '?limit=1').expect(200)).body;
      expect(first.items.map((p: Json) => p.id)).toEqual([reply.body.id]);
      const second = (await myPosts(author, `?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`).expect(200)).body;
      expect(second.items.map((p: Json) => p.id)).toEqual([heldTopic.body.id]);

      // The other member's list is theirs alone, and the author's held topic is not readable to them.
      const theirs = JSON.stringify((await myPosts(other).expect(200)).body);
      expect(theirs).not.toContain(heldTopic.body.id);
      expect(theirs).not.toContain(reply.body.id);
      expect(theirs).toContain(othersHeld.body.id);
      await request(forum.url).get(`/posts/${heldTopic.body.id}`).set(bearer(other)).expect(404);
      const topics = (await request(forum.url).get(`/groups/${held.groupId}/topics`).set(bearer(other)).expect(200)).body;
      expect(JSON.stringify(topics)).not.toContain(heldTopic.body.topicId);
      // Nobody reads it without signing in; a made-up cursor is refused, not a fault.
      await request(forum.url).get('/me/posts').expect(401);
      await myPosts(author, '?cursor=bm90LWEtY3Vyc29y').expect(422);
    });
  });

  describe('about me', () => {
    it('is refused with a phone number or crisis words, as a display name is, and nothing is saved', async () => {
      const { groupId, code } = await group();
      const member = await joinedMember(forum, groupId, code);
      const saved = await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'On dialysis since 2019. I love crosswords.' }).expect(200);
      expect(saved.body).toEqual({ aboutMe: 'On dialysis since 2019. I love crosswords.', showOnline: true });

      const phone = await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'Text me on 07700 900123 any time' }).expect(422);
      expect(phone.headers['content-type']).toContain('application/problem+json');
      expect(phone.body.errors).toEqual([{ field: 'aboutMe', message: ABOUT_ME_PROBLEM.personalData }]);
      const crisis = await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'Some days I want to end my life' }).expect(422);
      expect(crisis.body.errors).toEqual([{ field: 'aboutMe', message: ABOUT_ME_PROBLEM.crisis }]);
      expect(crisis.body.errors[0].message).toContain('116 123');
      const tooLong = await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'a'.repeat(281) }).expect(422);
      expect(tooLong.body.errors[0].field).toBe('aboutMe');

      const me = (await request(forum.url).get('/me').set(bearer(member)).expect(200)).body;
      expect(me).toMatchObject({ aboutMe: 'On dialysis since 2019. I love crosswords.', showOnline: true });
    });

    it('is read by members of a shared group only, is in the export, and goes with the account', async () => {
      const { groupId, code } = await group();
      const [member, neighbour] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      const stranger = await registerAndLogin(forum.url);
      const elsewhere = await group();
      const otherGroupMember = await joinedMember(forum, elsewhere.groupId, elsewhere.code);
      await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'Transplant in 2021, still learning.' }).expect(200);

      const seen = await request(forum.url).get(`/users/${member.id}/profile`).set(bearer(neighbour)).expect(200);
      expect(seen.body).toEqual({ id: member.id, displayName: member.displayName, aboutMe: 'Transplant in 2021, still learning.' });
      for (const outsider of [stranger, otherGroupMember]) {
        const refused = await request(forum.url).get(`/users/${member.id}/profile`).set(bearer(outsider)).expect(404);
        expect(JSON.stringify(refused.body)).not.toContain('Transplant');
      }

      const exported = (await request(forum.url).get('/me/export').set(bearer(member)).expect(200)).body;
      expect(exported.account).toMatchObject({ aboutMe: 'Transplant in 2021, still learning.', showOnline: true });

      await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: '' }).expect(200);
      expect((await request(forum.url).get(`/users/${member.id}/profile`).set(bearer(neighbour)).expect(200)).body.aboutMe).toBeNull();
      await request(forum.url).put('/me/about').set(bearer(member)).send({ aboutMe: 'Back again.' }).expect(200);
      await request(forum.url).delete('/me').set(bearer(member)).send({ password: member.password }).expect(204);
      await request(forum.url).get(`/users/${member.id}/profile`).set(bearer(neighbour)).expect(404);
    });
  });

  describe('leaving a group', () => {
    it('ends access at once: the forum refuses, the open chat socket leaves the room, and past posts stay', async () => {
      const { groupId, code } = await group();
      const [leaver, witness, sender] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const topic = await request(forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(leaver))
        .send({ title: 'Hello from me', body: 'Glad to have found this group.' })
        .expect(202);
      expect((await decided(leaver, topic.body.id)).status).toBe('published');

      const [leaverSocket, witnessSocket, senderSocket] = await Promise.all([joined(leaver, groupId), joined(witness, groupId, otherChat.url), joined(sender, groupId)]);
      const leaverSaw = record<{ id: string }>(leaverSocket, 'chat:message');
      // The witness sees the leaver online first, then not.
      await next<Online>(witnessSocket, 'chat:presence', (p) => p.groupId === groupId && ids(p).includes(leaver.id));
      const gone = next<Online>(witnessSocket, 'chat:presence', (p) => p.groupId === groupId && !ids(p).includes(leaver.id) && ids(p).includes(witness.id));
      const ended = next(leaverSocket, 'chat:access-ended');

      await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(leaver)).expect(204);
      expect(await ended).toEqual({ groupId, reason: 'membership-ended' });
      await gone;

      const refused = await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(leaver)).expect(403);
      expect(refused.body.code).toBe('NOT_A_MEMBER');
      expect(await emit(leaverSocket, 'chat:send', { groupId, body: 'Still here?', clientMsgId: randomUUID() })).toMatchObject({
        ok: false,
        error: { code: 'NOT_A_MEMBER' },
      });
      // What reaches the room now reaches the witness, and never the leaver's socket.
      const ack = await emit(senderSocket, 'chat:send', { groupId, body: `Anyone around this evening? ${randomUUID().slice(0, 6)}`, clientMsgId: randomUUID() });
      expect(ack).toMatchObject({ ok: true });
      await next(witnessSocket, 'chat:message', (m: { id: string }) => m.id === ack.id, 30_000);
      expect(leaverSaw.map((m) => m.id)).not.toContain(ack.id);

      // Their words stay, under their name.
      const posts = (await request(forum.url).get(`/topics/${topic.body.topicId}/posts`).set(bearer(witness)).expect(200)).body.items as Json[];
      expect(posts.find((p) => p.id === topic.body.id)).toMatchObject({ body: 'Glad to have found this group.', author: { id: leaver.id, displayName: leaver.displayName } });
      // Gone is gone: leaving again finds nothing to leave, and "my posts" still lists what they wrote.
      await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(leaver)).expect(404);
      expect((await myPosts(leaver).expect(200)).body.items.map((p: Json) => p.id)).toContain(topic.body.id);
      // The way back is the way in: an application.
      const again = await request(forum.url)
        .post(`/groups/${groupId}/applications`)
        .set(bearer(leaver))
        .send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: code })
        .expect(201);
      expect(again.body.status).toBe('approved');
    });

    it('refuses a muted member until the mute ends, so leaving and applying again with the code cannot shed it', async () => {
      const { groupId, code } = await group();
      const member = await joinedMember(forum, groupId, code);
      const until = new Date(Date.now() + 3_600_000);
      await forum.app.get(MembershipService).mute(member.id, groupId, until);
      const refused = await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(member)).expect(403);
      expect(refused.body).toMatchObject({ code: 'MUTED', until: until.toISOString() });
      expect((await request(forum.url).get('/me').set(bearer(member)).expect(200)).body.memberships).toEqual([
        expect.objectContaining({ groupId, mutedUntil: until.toISOString() }),
      ]);
      // Once it ends, the way out is open.
      await forum.app.get(MembershipService).mute(member.id, groupId, new Date(Date.now() - 1000));
      await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(member)).expect(204);
    });

    it("refuses the group's only supporter, and lets a supporter go once there is another", async () => {
      const { groupId, code } = await group();
      const [first, second] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      await request(forum.url).put(`/groups/${groupId}/supporters/${first.id}`).set(bearer(admin)).expect(204);
      const refused = await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(first)).expect(409);
      expect(refused.body.detail).toContain('only supporter');
      expect((await request(forum.url).get('/me').set(bearer(first)).expect(200)).body.memberships).toEqual([expect.objectContaining({ groupId, role: 'supporter' })]);

      await request(forum.url).put(`/groups/${groupId}/supporters/${second.id}`).set(bearer(admin)).expect(204);
      await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(first)).expect(204);
      expect((await request(forum.url).get('/me').set(bearer(first)).expect(200)).body.memberships).toEqual([]);
      await request(forum.url).delete(`/groups/${groupId}/membership`).set(bearer(second)).expect(409);
    });
  });

  describe("who's online", () => {
    it('shows a connected member to another member on any chat instance, never to a non-member, and never one who opted out', async () => {
      const { groupId, code } = await group();
      const [shown, watcher, hidden] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
      ]);
      const stranger = await registerAndLogin(forum.url);
      expect((await request(forum.url).put('/me/presence').set(bearer(hidden)).send({ showOnline: false }).expect(200)).body).toEqual({
        aboutMe: null,
        showOnline: false,
      });

      // The opted-out member is in the room first; everything the watcher hears after that is about a room with them in it.
      const hiddenSocket = await joined(hidden, groupId);
      const hiddenHeard = next<Online>(hiddenSocket, 'chat:presence', (p) => ids(p).includes(shown.id));
      const watcherSocket = await joined(watcher, groupId, otherChat.url);
      const heard = next<Online>(watcherSocket, 'chat:presence', (p) => p.groupId === groupId && ids(p).includes(shown.id));
      const shownSocket = await joined(shown, groupId);
      const list = await heard;
      expect(list.online).toContainEqual({ id: shown.id, displayName: shown.displayName });
      expect(ids(list)).not.toContain(hidden.id);
      expect(ids(await hiddenHeard)).not.toContain(hidden.id);

      const online = (await request(forum.url).get(`/groups/${groupId}/online`).set(bearer(watcher)).expect(200)).body as Array<{ id: string }>;
      expect(online.map((m) => m.id).sort()).toEqual([shown.id, watcher.id].sort());

      // A non-member can neither ask nor join the room to hear it.
      const refused = await request(forum.url).get(`/groups/${groupId}/online`).set(bearer(stranger)).expect(403);
      expect(refused.body.code).toBe('NOT_A_MEMBER');
      const strangerSocket = await connect(stranger);
      const strangerHeard = record(strangerSocket, 'chat:presence');
      expect(await emit(strangerSocket, 'chat:join', { groupId })).toMatchObject({ ok: false, error: { code: 'NOT_A_MEMBER' } });

      // Turning it off while connected takes the member out of the list at once.
      const withoutShown = next<Online>(watcherSocket, 'chat:presence', (p) => !ids(p).includes(shown.id) && ids(p).includes(watcher.id));
      await request(forum.url).put('/me/presence').set(bearer(shown)).send({ showOnline: false }).expect(200);
      expect(ids(await withoutShown)).not.toContain(hidden.id);
      expect((await request(forum.url).get(`/groups/${groupId}/online`).set(bearer(watcher)).expect(200)).body).toEqual([
        { id: watcher.id, displayName: watcher.displayName },
      ]);
      // And closing a socket takes its member out as well.
      await request(forum.url).put('/me/presence').set(bearer(shown)).send({ showOnline: true }).expect(200);
      await next<Online>(watcherSocket, 'chat:presence', (p) => ids(p).includes(shown.id));
      const closed = next<Online>(watcherSocket, 'chat:presence', (p) => !ids(p).includes(shown.id));
      shownSocket.close();
      await closed;
      expect(strangerHeard).toEqual([]);
    });
  });
});
