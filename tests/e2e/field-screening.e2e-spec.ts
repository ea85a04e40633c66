import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { bearer, newRegistration, Person, registerAndLogin } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

const CRISIS_TITLE = 'I want to kill myself tonight - text me on 07700 900321';

/** Every member-written field passes screening: topic titles, content warnings, display names, report notes and appeal texts. */
describe('every member-written field is screened', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    [forum, chat, worker] = await Promise.all([startForum(), startChat(), startWorker()]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([forum?.close(), chat?.close(), worker?.close()]);
  });

  /** Polls `probe` until it returns something (the worker or the server has acted), or fails after `timeoutMs`. */
  async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function noticesOf(person: Person): Promise<Array<Record<string, any>>> {
    const response = await request(forum.url).get('/me/notices?limit=100').set(bearer(person)).expect(200);
    return response.body.items;
  }

  async function startTopic(author: Person, groupId: string, topic: { title: string; body: string; contentWarning?: string }): Promise<Record<string, any>> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send(topic).expect(202);
    return { ...(await screened(forum, author, response.body.id)), topicId: response.body.topicId };
  }

  async function openItems(moderator: Person, groupId: string): Promise<Array<Record<string, any>>> {
    const response = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(moderator)).expect(200);
    return response.body.items;
  }

  async function topicTitles(reader: Person, groupId: string): Promise<string[]> {
    const response = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(reader)).expect(200);
    return response.body.items.map((t: Record<string, any>) => t.title);
  }

  describe('topic titles and content warnings', () => {
    let groupId: string;
    let member: Person;
    let other: Person;
    let supporter: Person;

    beforeAll(async () => {
      groupId = await createGroup(forum, admin, { mode: 'post' });
      const code = await referralCode(forum, admin, groupId);
      [member, other, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      await request(forum.url).post(`/groups/${groupId}/rules`).set(bearer(admin)).send({ pattern: 'darn', match: 'word', action: 'mask' }).expect(201);
    });

    it('holds a topic whose title is a crisis, signposts its author and raises an urgent item that shows the title', async () => {
      const held = await startTopic(member, groupId, { title: CRISIS_TITLE, body: 'Hello everyone.' });
      expect(held.status).toBe('held');
      expect(JSON.stringify(held.signposting)).toContain('116 123');

      const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
      expect(notices.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'signposting', subjectId: held.id })]));

      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item).toMatchObject({ kind: 'post', priority: 'urgent', subject: { title: CRISIS_TITLE, body: 'Hello everyone.' } });
      expect(item.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'crisis', field: 'title' }),
          expect.objectContaining({ source: 'personal-data', field: 'title', clauseKey: 'stay-unidentifiable' }),
        ]),
      );
      expect(JSON.stringify(item.reasons)).not.toContain('900321');

      // Nothing of it reaches anyone else: not the list, not the topic, not its posts.
      expect(await topicTitles(other, groupId)).not.toContain(CRISIS_TITLE);
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
      await request(forum.url).get(`/topics/${held.topicId}/posts`).set(bearer(other)).expect(404);
      // Its author still sees it, as theirs.
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(member)).expect(200);
    });

    it('holds a topic whose content warning carries crisis words, with the reason on the content warning', async () => {
      const held = await startTopic(member, groupId, { title: 'A hard week', body: 'Hello everyone.', contentWarning: 'I want to end my life' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item).toMatchObject({ priority: 'urgent', subject: { title: 'A hard week', contentWarning: 'I want to end my life' } });
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'crisis', field: 'contentWarning' })]));
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
    });

    it('holds a topic whose title carries an email address, and names the title as the reason', async () => {
      const held = await startTopic(member, groupId, { title: 'Write to sam@example.org', body: 'Hello everyone.' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item.priority).toBe('normal');
      expect(item.reasons).toEqual([expect.objectContaining({ source: 'personal-data', field: 'title' })]);
    });

    it('masks a watched word in the title and content warning in place, and publishes the topic', async () => {
      const published = await startTopic(member, groupId, { title: 'What a darn week', body: 'Hello everyone.', contentWarning: 'darn hospitals' });
      expect(published.status).toBe('published');
      const topic = await request(forum.url).get(`/topics/${published.topicId}`).set(bearer(other)).expect(200);
      expect(topic.body).toMatchObject({ title: 'What a •••• week', contentWarning: '•••• hospitals' });
      expect(await topicTitles(other, groupId)).toContain('What a •••• week');
      // And ordinary words in every field go out unchanged.
      const ordinary = await startTopic(member, groupId, { title: 'Dialysis tips', body: 'What helps you on long sessions?', contentWarning: 'needles' });
      expect(ordinary.status).toBe('published');
      expect(await topicTitles(other, groupId)).toContain('Dialysis tips');
    });
  });

  describe('in a pre-moderated group', () => {
    it('shows the reviewer the title and content warning with the field behind each reason, and a removal keeps the title from everyone', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'pre' });
      const code = await referralCode(forum, admin, groupId);
      const [member, other, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      const held = await startTopic(member, groupId, { title: 'Text me on 07700 900321', body: 'Hello everyone.', contentWarning: 'long post' });
      expect(held.status).toBe('held');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === held.id)!;
      expect(item.subject).toMatchObject({ title: 'Text me on 07700 900321', contentWarning: 'long post', body: 'Hello everyone.' });
      expect(item.reasons).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'pre-moderation' }), expect.objectContaining({ source: 'personal-data', field: 'title' })]),
      );
      await request(forum.url).get(`/topics/${held.topicId}`).set(bearer(other)).expect(404);
      await request(forum.url)
        .post(`/review-items/${item.id}/decision`)
        .set(bearer(supporter))
        .send({ action: 'remove', clauseKey: 'stay-unidentifiable' })
        .expect(200);
      expect(await topicTitles(other, groupId)).not.toContain('Text me on 07700 900321');
    });
  });

  describe('display names', () => {
    /** A name nobody has used yet, from letters only (digits in it could read as personal data). */
    function freshName(prefix: string): string {
      const letters = 'abcdefghijkmnpqrstuvwxyz';
      let tag = '';
      for (let i = 0; i < 8; i++) tag += letters[Math.floor(Math.random() * letters.length)];
      return `${prefix}${tag}`;
    }

    it.each([
      ['a mobile number', 'Sam 07700 900123'],
      ['an email address, spelled out', 'sam at gmail dot com'],
      ['a street address', '12 Acacia Avenue'],
      ['an NHS number', 'Sam 943 476 5919'],
      ['a postcode', 'Sam SW1A 1AA'],
      ['crisis words', 'I want to end my life'],
      ['an offensive word', 'Fuck Everyone'],
    ])('refuses at registration a name with %s, with 422 on displayName', async (_what, displayName) => {
      const response = await request(forum.url).post('/auth/register').send(newRegistration({ displayName })).expect(422);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'displayName', message: expect.stringMatching(/^A display name cannot/) }],
      });
    });

    it('refuses a look-alike of a name in use (Cyrillic ѕ for s) with 409, without revealing whose it is', async () => {
      const original = await registerAndLogin(forum.url, { displayName: 'supA' });
      const lookAlike = newRegistration({ displayName: 'ѕupA' });
      const response = await request(forum.url).post('/auth/register').send(lookAlike).expect(409);
      expect(response.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('looks too much like') });
      expect(JSON.stringify(response.body)).not.toContain(original.email);
      for (const variant of ['SUPA', 'sup A', 'ｓｕｐＡ', 'ѕuрА']) {
        await request(forum.url)
          .post('/auth/register')
          .send(newRegistration({ displayName: variant }))
          .expect(409);
      }
      // Invisible characters never get as far as the comparison: a name is letters, numbers, spaces and . _ ' - only.
      await request(forum.url)
        .post('/auth/register')
        .send(newRegistration({ displayName: 'su\u200bpA' }))
        .expect(422);
    });

    it('holds a changed name (PATCH /me) to the same standard, and changes it when it passes', async () => {
      const taken = freshName('Taken ');
      const [me] = await Promise.all([registerAndLogin(forum.url, { displayName: freshName('Before ') }), registerAndLogin(forum.url, { displayName: taken })]);
      const phone = await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: 'Sam 07700 900123' }).expect(422);
      expect(phone.body.errors).toEqual([expect.objectContaining({ field: 'displayName' })]);
      const crisis = await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: 'kill myself' }).expect(422);
      expect(crisis.body.errors).toEqual([expect.objectContaining({ field: 'displayName' })]);
      const lookAlike = taken.replace('a', 'а'); // Cyrillic а
      await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: lookAlike }).expect(409);
      await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: taken.toUpperCase() }).expect(409);

      const chosen = freshName('After ');
      const changed = await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: chosen }).expect(200);
      expect(changed.body).toEqual({ id: me.id, displayName: chosen });
      // Its own old look-alikes are fine for the member; and the new name is theirs now.
      await request(forum.url).patch('/me').set(bearer(me)).send({ displayName: chosen.toLowerCase() }).expect(200);
      await request(forum.url)
        .post('/auth/register')
        .send(newRegistration({ displayName: chosen }))
        .expect(409);
    });

    it('lets exactly one of many look-alike registrations made at the same moment through, and never answers 5xx', async () => {
      for (let round = 0; round < 5; round++) {
        const base = freshName('Race ');
        const variants = [base, base.toUpperCase(), base.replace('a', 'а'), base.replace(' ', '  '), base.toLowerCase()];
        const statuses = await Promise.all(
          variants.map(async (displayName) => (await request(forum.url).post('/auth/register').send(newRegistration({ displayName }))).status),
        );
        expect(statuses.filter((s) => s === 202)).toHaveLength(1);
        expect(statuses.filter((s) => s !== 202).every((s) => s === 409)).toBe(true);
      }
    });
  });

  describe('report notes and appeal texts', () => {
    let groupId: string;
    let author: Person;
    let reporter: Person;
    let supporter: Person;

    beforeAll(async () => {
      groupId = await createGroup(forum, admin, { mode: 'post' });
      const code = await referralCode(forum, admin, groupId);
      [author, reporter, supporter] = await Promise.all([
        joinedMember(forum, groupId, code),
        joinedMember(forum, groupId, code),
        appointedSupporter(forum, admin, groupId, code),
      ]);
      await request(forum.url)
        .post(`/groups/${groupId}/rules`)
        .set(bearer(admin))
        .send({ pattern: 'buy now', match: 'phrase', action: 'block', clauseKey: 'no-selling-or-recruiting' })
        .expect(201);
    });

    async function publishedPost(body: string): Promise<string> {
      const published = await startTopic(author, groupId, { title: 'Clinic news', body });
      expect(published.status).toBe('published');
      return published.id;
    }

    /** A post of the author's that screening rejected, and the appealable notice that says so. */
    async function rejectionNotice(): Promise<Record<string, any>> {
      const rejected = await startTopic(author, groupId, { title: 'Offer', body: `Great offer, buy now ${randomUUID().slice(0, 4)}` });
      expect(rejected.status).toBe('rejected');
      return eventually(async () => (await noticesOf(author)).find((n) => n.subjectId === rejected.id && n.kind === 'rejection'), 'rejection notice');
    }

    it('signposts a reporter whose note reads as a crisis, and makes the report item urgent with the note as the reason', async () => {
      const postId = await publishedPost('My transplant clinic moved to Tuesdays.');
      await request(forum.url)
        .post(`/posts/${postId}/reports`)
        .set(bearer(reporter))
        .send({ clauseKey: 'look-out-for-each-other', note: 'Posts like this make me want to end my life' })
        .expect(201);

      const signposting = (await noticesOf(reporter)).find((n) => n.kind === 'signposting');
      expect(signposting).toMatchObject({ groupId, appealable: false });
      expect(JSON.stringify(signposting!.resources)).toContain('116 123');

      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === postId)!;
      expect(item).toMatchObject({ kind: 'report', priority: 'urgent' });
      expect(item.reasons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'reports' }),
          expect.objectContaining({ source: 'crisis', field: 'note', detail: expect.stringContaining(reporter.displayName) }),
        ]),
      );
      // The reviewer reads the note itself, and who wrote it.
      expect(item.subject.reports).toEqual([
        expect.objectContaining({
          clauseKey: 'look-out-for-each-other',
          note: 'Posts like this make me want to end my life',
          reporter: { id: reporter.id, displayName: reporter.displayName },
        }),
      ]);
      // Urgent items come first.
      expect((await openItems(supporter, groupId))[0].priority).toBe('urgent');
    });

    it('masks personal data in a report note before storing it', async () => {
      const postId = await publishedPost('Anyone else on the new binder?');
      const other = await joinedMember(forum, groupId, await referralCode(forum, admin, groupId));
      await request(forum.url)
        .post(`/posts/${postId}/reports`)
        .set(bearer(other))
        .send({ clauseKey: 'stay-unidentifiable', note: 'They know me, ring 07700 900123 to check' })
        .expect(201);
      const exported = await request(forum.url).get('/me/export').set(bearer(other)).expect(200);
      const stored = JSON.stringify(exported.body);
      expect(stored).toContain('They know me, ring');
      expect(stored).not.toContain('900123');
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === postId)!;
      expect(item.priority).toBe('normal');
      expect(item.subject.reports).toEqual([expect.objectContaining({ note: expect.stringMatching(/^They know me, ring •+ to check$/) })]);
    });

    it('refuses a report note that a group rule blocks, with 422 on the note', async () => {
      const postId = await publishedPost('Waiting room chat, anyone?');
      const response = await request(forum.url)
        .post(`/posts/${postId}/reports`)
        .set(bearer(reporter))
        .send({ clauseKey: 'no-selling-or-recruiting', note: 'Great offer, buy now' })
        .expect(422);
      expect(response.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'note', message: expect.stringContaining('no-selling-or-recruiting') }],
      });
      expect((await openItems(supporter, groupId)).find((i) => i.subject?.id === postId)).toBeUndefined();
    });

    it('screens the note on a chat message report the same way', async () => {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = io(chat.url, { auth: { token: author.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
        sockets.push(s);
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
      expect(await socket.timeout(5000).emitWithAck('chat:join', { groupId })).toMatchObject({ ok: true });
      const sent = await socket.timeout(5000).emitWithAck('chat:send', { groupId, body: 'Morning all, clinic was quiet today', clientMsgId: randomUUID() });
      expect(sent).toMatchObject({ ok: true, id: expect.any(String) });
      await eventually(async () => {
        const history = await request(forum.url).get(`/groups/${groupId}/messages`).set(bearer(reporter)).expect(200);
        return history.body.items.find((m: Record<string, any>) => m.id === sent.id);
      }, 'message published');

      await request(forum.url)
        .post(`/messages/${sent.id}/reports`)
        .set(bearer(reporter))
        .send({ clauseKey: 'no-selling-or-recruiting', note: 'buy now' })
        .expect(422);
      await request(forum.url)
        .post(`/messages/${sent.id}/reports`)
        .set(bearer(reporter))
        .send({ clauseKey: 'look-out-for-each-other', note: 'i want to kill myself' })
        .expect(201);
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === sent.id)!;
      expect(item).toMatchObject({
        kind: 'report',
        priority: 'urgent',
        reasons: expect.arrayContaining([expect.objectContaining({ source: 'crisis', field: 'note' })]),
      });
      expect((await noticesOf(reporter)).filter((n) => n.kind === 'signposting' && n.subjectId === sent.id)).toHaveLength(1);
    });

    it('signposts an appellant whose appeal reads as a crisis, and makes the appeal urgent', async () => {
      const notice = await rejectionNotice();
      await request(forum.url)
        .post(`/notices/${notice.id}/appeal`)
        .set(bearer(author))
        .send({ text: 'Please. I want to end my life, this group is all I have' })
        .expect(201);
      expect((await noticesOf(author)).find((n) => n.kind === 'signposting' && n.subjectId === notice.subjectId)).toBeDefined();
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === notice.subjectId)!;
      expect(item).toMatchObject({ kind: 'appeal', priority: 'urgent' });
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'crisis', field: 'appealText' })]));
    });

    it('masks personal data in an appeal, and refuses one that a group rule blocks', async () => {
      const masked = await rejectionNotice();
      await request(forum.url)
        .post(`/notices/${masked.id}/appeal`)
        .set(bearer(author))
        .send({ text: 'It was a joke, email me at sam@example.org' })
        .expect(201);
      const item = (await openItems(supporter, groupId)).find((i) => i.subject?.id === masked.subjectId)!;
      expect(item.priority).toBe('normal');
      expect(item.subject.appeal.text).toMatch(/^It was a joke, email me at •+$/);

      const blocked = await rejectionNotice();
      const response = await request(forum.url).post(`/notices/${blocked.id}/appeal`).set(bearer(author)).send({ text: 'But you should buy now' }).expect(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
      // Refused, not used up: a reworded appeal goes through.
      await request(forum.url).post(`/notices/${blocked.id}/appeal`).set(bearer(author)).send({ text: 'It was not a sales pitch.' }).expect(201);
    });
  });
});
