import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { bearer, newRegistration, Person, verifyMailedAddress } from '../support/people';
import { acceptCurrentAgreement, appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

describe('data rights: consent, export and erasure', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let code: string;

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum(), startChat(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
    await acceptCurrentAgreement(forum, admin, groupId);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  async function topic(author: Person, title: string, body: string): Promise<Record<string, any>> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function reply(author: Person, topicId: string, body: string): Promise<Record<string, any>> {
    const response = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  function connect(person: Person): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('refuses registration without consent', async () => {
    const response = await request(forum.url)
      .post('/auth/register')
      .send(newRegistration({ consent: false }))
      .expect(422);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('exports the member’s own data of every kind, and no other member’s email', async () => {
    const member = await joinedMember(forum, groupId, code);
    const other = await joinedMember(forum, groupId, code);
    const theirs = await topic(other, 'Fluid limits', 'How do you all manage fluid limits in summer?');
    const mine = await reply(member, theirs.topicId, 'Ice lollies made from my allowance help me.');
    const held = await topic(member, 'Call me', 'Ring me on 07700 900789 any time.');
    expect(held.status).toBe('held');
    const crisis = await topic(member, 'Tonight', 'I want to end my life tonight.');
    expect(crisis.status).toBe('held');
    await request(forum.url).put(`/posts/${theirs.id}/reactions/thanks`).set(bearer(member)).expect(204);
    await request(forum.url)
      .post(`/posts/${theirs.id}/reports`)
      .set(bearer(member))
      .send({ clauseKey: 'respect', note: 'just testing the report' })
      .expect(201);

    const socket = await connect(member);
    await socket.timeout(5000).emitWithAck('chat:join', { groupId });
    const chatted = await socket.timeout(5000).emitWithAck('chat:send', { groupId, body: 'Hello from the export test', clientMsgId: randomUUID() });
    socket.close();

    const response = await request(forum.url).get('/me/export').set(bearer(member)).expect(200);
    const exported = response.body;
    expect(exported.account).toMatchObject({ id: member.id, email: member.email, displayName: member.displayName, dateOfBirth: '2000-05-17' });
    expect(exported.account.passwordHash).toBeUndefined();
    expect(JSON.stringify(exported)).not.toMatch(/argon2/);
    expect(exported.consents).toEqual([expect.objectContaining({ version: expect.any(String), givenAt: expect.any(String) })]);
    expect(exported.sessions.length).toBeGreaterThanOrEqual(1);
    expect(exported.forum.posts.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([mine.id, held.id]));
    expect(exported.forum.posts.find((p: { id: string }) => p.id === held.id).status).toBe('held');
    expect(exported.chat.messages).toEqual([expect.objectContaining({ id: chatted.id, body: 'Hello from the export test' })]);
    expect(exported.groups.memberships).toEqual([expect.objectContaining({ groupId, role: 'member' })]);
    expect(exported.groups.applications).toEqual([expect.objectContaining({ groupId, answers: { diagnosis: 'yes' } })]);
    expect(exported.groups.agreementAcceptances).toEqual([expect.objectContaining({ groupId, version: expect.any(Number) })]);
    expect(exported.notices).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'signposting', subjectId: crisis.id })]));
    expect(exported.forum.reactions).toEqual([expect.objectContaining({ postId: theirs.id, kind: 'thanks' })]);
    expect(exported.moderation.reportsMade).toEqual([expect.objectContaining({ subjectId: theirs.id, clauseKey: 'respect', note: 'just testing the report' })]);
    expect(JSON.stringify(exported)).not.toContain(other.email);
    expect(JSON.stringify(exported)).not.toContain(admin.email);
  });

  it('refuses erasure with a wrong password as a mistake in the form, and the session carries on', async () => {
    const member = await joinedMember(forum, groupId, code);
    const response = await request(forum.url).delete('/me').set(bearer(member)).send({ password: 'not my password at all' }).expect(422);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(/not right, so nothing was deleted/) }]);
    await request(forum.url).get('/me').set(bearer(member)).expect(200);
  });

  it('erases the member: sign-in fails, their name and words are gone everywhere, threads still read, and the email can register again', async () => {
    const leaver = await joinedMember(forum, groupId, code);
    const stayer = await joinedMember(forum, groupId, code);
    const supporter = await appointedSupporter(forum, admin, groupId, code);
    const opening = await topic(leaver, 'My transplant story by the leaver', 'Unique words of the leaver: periwinkle kidney marathon.');
    const answer = await reply(stayer, opening.topicId, 'Thank you for sharing this, it gave me hope.');
    const leaverReply = await reply(leaver, opening.topicId, 'More unique leaver words: tangerine fistula.');
    const otherTopic = await topic(stayer, 'Diet tips', 'Low phosphate recipes welcome.');
    await reply(leaver, otherTopic.topicId, 'Leaver recipe: saffron rice.');
    await request(forum.url).put(`/posts/${answer.id}/reactions/hug`).set(bearer(leaver)).expect(204);
    const heldByLeaver = await topic(leaver, 'Held', 'Call 07700 900321, from the leaver.');
    expect(heldByLeaver.status).toBe('held');

    // The leaver also chats, and keeps a socket open while erasing.
    const socket = await connect(leaver);
    expect(await socket.timeout(5000).emitWithAck('chat:join', { groupId })).toMatchObject({ ok: true });
    const sent = await socket
      .timeout(5000)
      .emitWithAck('chat:send', { groupId, body: 'Chat words from the leaver: marigold dialysis.', clientMsgId: randomUUID() });
    expect(sent).toMatchObject({ ok: true });
    let delivered = false;
    for (let i = 0; i < 100 && !delivered; i += 1) {
      const history = await request(forum.url).get(`/groups/${groupId}/messages`).set(bearer(stayer)).expect(200);
      delivered = history.body.items.some((m: { id: string; body: string }) => m.id === sent.id && m.body.includes('marigold'));
      if (!delivered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toBe(true);
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));

    await request(forum.url).delete('/me').set(bearer(leaver)).send({ password: leaver.password }).expect(204);
    expect(await disconnected).toBe('io server disconnect');

    await request(forum.url).get('/me').set(bearer(leaver)).expect(401);
    await request(forum.url).post('/auth/login').send({ email: leaver.email, password: leaver.password }).expect(401);

    const secretWords = ['periwinkle', 'tangerine', 'saffron', 'marigold', '900321', leaver.displayName, 'by the leaver', leaver.email];
    const everything: string[] = [];
    for (const viewer of [stayer, supporter, admin]) {
      const topics = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(viewer)).expect(200);
      everything.push(JSON.stringify(topics.body));
      for (const t of topics.body.items) {
        const posts = await request(forum.url).get(`/topics/${t.id}/posts?limit=100`).set(bearer(viewer)).expect(200);
        everything.push(JSON.stringify(posts.body));
      }
      everything.push(JSON.stringify((await request(forum.url).get(`/groups/${groupId}/messages?limit=100`).set(bearer(viewer)).expect(200)).body));
      everything.push(JSON.stringify((await request(forum.url).get('/me/notices').set(bearer(viewer)).expect(200)).body));
      everything.push(JSON.stringify((await request(forum.url).get('/me/export').set(bearer(viewer)).expect(200)).body));
    }
    everything.push(JSON.stringify((await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200)).body));
    const haystack = everything.join('\n');
    for (const word of secretWords) expect(haystack).not.toContain(word);

    // The thread still reads for others: the stayer's reply is there, the erased posts are placeholders.
    const thread = await request(forum.url).get(`/topics/${opening.topicId}/posts`).set(bearer(stayer)).expect(200);
    const bodies = thread.body.items.map((p: { body: string }) => p.body);
    expect(bodies).toContain('Thank you for sharing this, it gave me hope.');
    const placeholders = thread.body.items.filter((p: { id: string }) => p.id === opening.id || p.id === leaverReply.id);
    expect(placeholders).toHaveLength(2);
    for (const p of placeholders) expect(p).toMatchObject({ status: 'removed', body: '', author: { id: null, displayName: 'Former member' } });
    const seenAnswer = await request(forum.url).get(`/posts/${answer.id}`).set(bearer(stayer)).expect(200);
    expect(seenAnswer.body.reactions.hug).toBe(0);

    const returning = newRegistration({ email: leaver.email, displayName: `Returning ${Date.now().toString(36)}` });
    await request(forum.url).post('/auth/register').send(returning).expect(202);
    await verifyMailedAddress(forum.url, leaver.email);
    const again = await request(forum.url).post('/auth/login').send({ email: leaver.email, password: returning.password }).expect(200);
    expect(again.body.user.id).not.toBe(leaver.id);
  });
});
