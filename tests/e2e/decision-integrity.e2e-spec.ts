import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { EventBus } from '@kindred/events';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/** Held for review: personal data. */
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk.';
/** Held for review: a treatment instruction to others. */
const ADVICE_BODY = 'You should stop taking your tacrolimus, it made me feel awful.';
const CRISIS_BODY = "I can't cope any more. I want to end my life tonight.";

/**
 * Attacks on the review queue that worked before decisions were bound to revisions: each is
 * played as a member and a supporter would, over HTTP against the real forum and worker.
 */
describe('decision integrity: decisions bound to what was read, hidden stays hidden, no crisis left behind', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let workers: WorkerApp[];
  let admin: Person;
  let groupId: string;
  let code: string;
  let member: Person;
  let other: Person;
  let supporter: Person;
  let second: Person;
  /** What the forum told open review queues (`review.changed`). */
  const queueEvents: Array<{ kind: string; item: Json }> = [];

  beforeAll(async () => {
    const [f, c, ...w] = await Promise.all([startForum(), startChat(), startWorker(), startWorker()]);
    forum = f;
    chat = c;
    workers = w;
    admin = await createAdmin(forum);
    await forum.app.get(EventBus).subscribe('review.changed', (payload) => {
      queueEvents.push({ kind: payload.kind, item: payload.item });
    });
    groupId = await createGroup(forum, admin, { reportsToHide: 2 });
    code = await referralCode(forum, admin, groupId);
    [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    supporter = await appointedSupporter(forum, admin, groupId, code);
    second = await appointedSupporter(forum, admin, groupId, code);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), chat?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  /** Polls `read` until `done` holds of its answer; fails after `timeoutMs`. */
  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms; last ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function topic(author: Person, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'Something on my mind', body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function reply(author: Person, topicId: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/topics/${topicId}/posts`).set(bearer(author)).send({ body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  const edit = (author: Person, postId: string, body: string) => request(forum.url).patch(`/posts/${postId}`).set(bearer(author)).send({ body });
  const decide = (who: Person, itemId: string, body: Json) => request(forum.url).post(`/review-items/${itemId}/decision`).set(bearer(who)).send(body);
  const claim = (who: Person, itemId: string, body?: Json) => request(forum.url).post(`/review-items/${itemId}/claim`).set(bearer(who)).send(body);

  async function items(moderator: Person, status: 'open' | 'decided' = 'open'): Promise<Json[]> {
    return (await request(forum.url).get(`/groups/${groupId}/review-items?status=${status}`).set(bearer(moderator)).expect(200)).body.items;
  }

  async function openItemsAbout(moderator: Person, subjectId: string): Promise<Json[]> {
    return (await items(moderator)).filter((i) => i.subject?.id === subjectId);
  }

  /** The one open item describing the post as it is now (kept urgent items aside). */
  async function currentItem(moderator: Person, subjectId: string): Promise<Json> {
    const found = await until(
      `a current item about ${subjectId}`,
      () => openItemsAbout(moderator, subjectId),
      (list) => list.some((i) => !i.subjectChange),
    );
    return found.find((i) => !i.subjectChange)!;
  }

  /** The post as another member sees it: null when they cannot see it. */
  async function seenByOthers(postId: string, viewer = other): Promise<Json | null> {
    const response = await request(forum.url).get(`/posts/${postId}`).set(bearer(viewer));
    if (response.status === 404) return null;
    expect(response.status).toBe(200);
    return response.body;
  }

  /** Waits until the author's latest revision has left screening. */
  const settled = (author: Person, postId: string) =>
    until(
      'the edit screened',
      async () => (await request(forum.url).get(`/posts/${postId}`).set(bearer(author)).expect(200)).body,
      (p) => p.status !== 'screening',
    );

  describe('a decision publishes exactly the revision it is about, or nothing', () => {
    it('runs the edit-versus-approve race 20 times: the edit is never published unscreened, and nothing answers 5xx', async () => {
      const outcomes: string[] = [];
      for (let round = 0; round < 20; round += 1) {
        const held = await topic(member, PHONE_BODY);
        expect(held.status).toBe('held');
        const item = await currentItem(supporter, held.id);
        const editedBody = `Call me on 07700 900456 instead, round ${round}.`;
        // The author edits while the supporter approves what they read.
        const [edited, decided] = await Promise.all([edit(member, held.id, editedBody), decide(supporter, item.id, { action: 'approve' })]);
        expect(edited.status).toBe(202);
        expect([200, 409]).toContain(decided.status);
        if (decided.status === 409) {
          expect(decided.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(decided.body).toMatchObject({ status: 409, code: 'ITEM_SUPERSEDED' });
          expect(decided.body).toHaveProperty('currentItemId');
        }
        outcomes.push(decided.status === 200 ? 'approved first' : 'edited first');
        const mine = await settled(member, held.id);
        expect(mine.status).toBe('held');
        // Whatever won, others see either nothing or the words the supporter approved.
        const seen = await seenByOthers(held.id);
        if (seen) expect(seen.body).toBe(PHONE_BODY);
        const listed = await request(forum.url).get(`/topics/${held.topicId}/posts`).set(bearer(other));
        expect(JSON.stringify(listed.body)).not.toContain('900456');
      }
      // Both orders are legitimate; the assertions above hold for each.
      expect(outcomes).toHaveLength(20);
    });

    it('refuses to decide a stale item with 409 ITEM_SUPERSEDED naming the current item, and publishes nothing', async () => {
      const held = await topic(member, ADVICE_BODY);
      expect(held.status).toBe('held');
      const stale = await currentItem(supporter, held.id);
      await edit(member, held.id, 'Ring me on 07700 900789, any time.').expect(202);
      expect((await settled(member, held.id)).status).toBe('held');
      const current = await until(
        'the edit held for personal data',
        () => currentItem(supporter, held.id),
        (i) => i.id !== stale.id,
      );
      expect(current.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'personal-data' })]));

      const refused = await decide(supporter, stale.id, { action: 'approve' }).expect(409);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 409, code: 'ITEM_SUPERSEDED', currentItemId: current.id });
      expect(await seenByOthers(held.id)).toBeNull();
      // Claiming the stale item is refused the same way.
      expect((await claim(second, stale.id).expect(409)).body).toMatchObject({ code: 'ITEM_SUPERSEDED', currentItemId: current.id });
    });
  });

  describe('hidden stays hidden', () => {
    it('keeps a post hidden by reports hidden through an edit, until a moderator decides the report item', async () => {
      const published = await topic(member, 'Honestly some of the nurses on my unit are useless.');
      expect(published.status).toBe('published');
      const reporters = [other, await joinedMember(forum, groupId, code)];
      for (const reporter of reporters) {
        await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(201);
      }
      expect(await seenByOthers(published.id)).toBeNull();
      const reported = await currentItem(supporter, published.id);

      await edit(member, published.id, 'Honestly some of the nurses on my unit are useless!').expect(202);
      const mine = await settled(member, published.id);
      expect(mine).toMatchObject({ status: 'hidden', body: 'Honestly some of the nurses on my unit are useless!' });
      for (const reporter of reporters) expect(await seenByOthers(published.id, reporter)).toBeNull();
      const topics = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(other)).expect(200);
      expect(topics.body.items.some((t: Json) => t.id === published.topicId)).toBe(false);

      // The reports still wait for a person, about the words as they are now.
      const current = await currentItem(supporter, published.id);
      expect(current).toMatchObject({ kind: 'report', status: 'open' });
      expect(current.subject.body).toBe('Honestly some of the nurses on my unit are useless!');
      expect(current.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'reports', clauseKey: 'respect' })]));
      // Open queues hear of the new item at once.
      await until(
        'review:new for the carried reports',
        async () => queueEvents.filter((e) => e.kind === 'review:new' && e.item.id === current.id),
        (found) => found.length > 0,
      );
      expect((await decide(supporter, reported.id, { action: 'approve' }).expect(409)).body).toMatchObject({
        code: 'ITEM_SUPERSEDED',
        currentItemId: current.id,
      });

      await decide(supporter, current.id, { action: 'approve' }).expect(200);
      expect(await seenByOthers(published.id)).toMatchObject({ status: 'published', body: 'Honestly some of the nurses on my unit are useless!' });
    });
  });

  describe('no crisis item closes without a person', () => {
    it('keeps an urgent item open after the author edits the words away, showing what raised it', async () => {
      const crisis = await topic(member, CRISIS_BODY);
      expect(crisis.status).toBe('held');
      await edit(member, crisis.id, 'sorry, ignore me, all fine').expect(202);
      expect((await settled(member, crisis.id)).status).toBe('published');

      const kept = await until(
        'the urgent item, still open',
        () => openItemsAbout(supporter, crisis.id),
        (list) => list.some((i) => i.priority === 'urgent'),
      );
      const item = kept.find((i) => i.priority === 'urgent')!;
      expect(item).toMatchObject({ status: 'open', subjectChange: 'edited' });
      expect(item.subject.body).toBe(CRISIS_BODY);
      expect(item.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'crisis' }), expect.objectContaining({ source: 'author' })]));
      await until(
        'review:updated saying the author edited',
        async () => queueEvents.filter((e) => e.kind === 'review:updated' && e.item.id === item.id && e.item.subjectChange === 'edited'),
        (found) => found.length > 0,
      );

      // The author can see what is kept about them, and why.
      const exported = (await request(forum.url).get('/me/export').set(bearer(member)).expect(200)).body;
      expect(exported.moderation.keptWords).toEqual(
        expect.arrayContaining([expect.objectContaining({ subjectId: crisis.id, change: 'edited', words: CRISIS_BODY })]),
      );

      // The supporter decides: the words kept for them go, and the post stays as the author left it.
      await decide(supporter, item.id, { action: 'approve', note: 'Checked in with them by message.' }).expect(200);
      expect(await seenByOthers(crisis.id)).toMatchObject({ body: 'sorry, ignore me, all fine' });
      const decided = (await items(supporter, 'decided')).find((i) => i.id === item.id)!;
      expect(JSON.stringify(decided)).not.toContain('end my life');
    });

    it('keeps an urgent item open after the author deletes the post, with the words that raised it', async () => {
      const crisis = await topic(member, CRISIS_BODY);
      expect(crisis.status).toBe('held');
      await request(forum.url).delete(`/posts/${crisis.id}`).set(bearer(member)).expect(204);

      const [item] = (await openItemsAbout(supporter, crisis.id)).filter((i) => i.priority === 'urgent');
      expect(item).toMatchObject({ status: 'open', subjectChange: 'deleted' });
      expect(item!.subject.body).toBe(CRISIS_BODY);

      await decide(supporter, item!.id, { action: 'approve' }).expect(200);
      const decided = (await items(supporter, 'decided')).find((i) => i.id === item!.id)!;
      expect(JSON.stringify(decided)).not.toContain('end my life');
      expect(await seenByOthers(crisis.id)).toBeNull();
    });

    it('keeps urgent items about an erased account’s post and chat message, with the words and a note that the author left, until decided', async () => {
      const leaver = await joinedMember(forum, groupId, code);
      const crisis = await topic(leaver, 'Everything is pointless. I want to end my life tonight, I have a plan.');
      expect(crisis.status).toBe('held');
      const socket = await connect(leaver);
      expect(await socket.timeout(5000).emitWithAck('chat:join', { groupId })).toMatchObject({ ok: true });
      const sent = await socket.timeout(5000).emitWithAck('chat:send', { groupId, body: 'I am going to kill myself tonight.', clientMsgId: randomUUID() });
      expect(sent).toMatchObject({ ok: true });
      await until(
        'the chat message held as urgent',
        () => openItemsAbout(supporter, sent.id),
        (list) => list.some((i) => i.priority === 'urgent'),
      );
      socket.disconnect();

      await request(forum.url).delete('/me').set(bearer(leaver)).send({ password: leaver.password }).expect(204);

      for (const [subjectId, words] of [
        [crisis.id, 'I want to end my life tonight, I have a plan.'],
        [sent.id, 'I am going to kill myself tonight.'],
      ] as const) {
        const [item] = (await openItemsAbout(supporter, subjectId)).filter((i) => i.priority === 'urgent');
        expect(item).toMatchObject({ status: 'open', subjectChange: 'erased', subject: { author: null } });
        expect(item!.subject.body).toContain(words);
        expect(item!.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'author', detail: expect.stringMatching(/left/) })]));
        await decide(supporter, item!.id, { action: 'approve' }).expect(200);
      }
      // Decided, the words are erased like the rest.
      const decided = JSON.stringify(await items(supporter, 'decided'));
      expect(decided).not.toContain('I have a plan');
      expect(decided).not.toContain('going to kill myself');
    });
  });

  describe('an edit being checked', () => {
    it('leaves the published words in sight, marked as being edited, and the topic counts right', async () => {
      const opening = await topic(other, 'Tips for long dialysis sessions?');
      const answer = await reply(member, opening.topicId, 'I bring a good book and a blanket.');
      expect(answer.status).toBe('published');
      const countBefore = (await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(other)).expect(200)).body.replyCount;
      expect(countBefore).toBe(1);

      await edit(member, answer.id, 'I bring a good book. Text me on 07700 900654 for more.').expect(202);
      expect((await settled(member, answer.id)).status).toBe('held');

      expect(await seenByOthers(answer.id)).toMatchObject({ status: 'published', body: 'I bring a good book and a blanket.', editPending: true });
      const thread = await request(forum.url).get(`/topics/${opening.topicId}/posts`).set(bearer(other)).expect(200);
      expect(thread.body.items.find((p: Json) => p.id === answer.id)).toMatchObject({ body: 'I bring a good book and a blanket.', editPending: true });
      expect(JSON.stringify(thread.body)).not.toContain('900654');
      expect((await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(other)).expect(200)).body.replyCount).toBe(1);
      // Editing an opening post leaves its topic listed too.
      await edit(other, opening.id, 'Tips for long dialysis sessions? Mine are five hours. Call 07700 900987.').expect(202);
      expect((await settled(other, opening.id)).status).toBe('held');
      const topics = await request(forum.url).get(`/groups/${groupId}/topics?limit=100`).set(bearer(member)).expect(200);
      expect(topics.body.items.some((t: Json) => t.id === opening.topicId)).toBe(true);

      // Removing the held edit removes the post: the count follows.
      const held = await currentItem(supporter, answer.id);
      await decide(supporter, held.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
      expect((await request(forum.url).get(`/topics/${opening.topicId}`).set(bearer(other)).expect(200)).body.replyCount).toBe(0);
    });
  });

  describe('claims and sanctions', () => {
    it('reserves the decision for the claimer; another moderator takes it over only explicitly, and the audit log says so', async () => {
      const held = await topic(member, PHONE_BODY);
      const item = await currentItem(supporter, held.id);
      await claim(supporter, item.id).expect(200);
      await decide(second, item.id, { action: 'approve' }).expect(409);
      await claim(second, item.id).expect(409);

      const taken = await claim(second, item.id, { takeOver: true }).expect(200);
      expect(taken.body.claimedBy).toBe(second.id);
      expect((await decide(supporter, item.id, { action: 'approve' }).expect(409)).body.code).toBe('CONFLICT');
      await decide(second, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);

      const log = (await request(forum.url).get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items as Json[];
      const takeover = log.find((e) => e.action === 'review.takeover' && e.detail.reviewItemId === item.id);
      expect(takeover).toBeDefined();
      expect(takeover!.detail.previousClaimedBy).toBe(supporter.id);
    });

    it('lets only an admin sanction a supporter: a fellow supporter gets 403 and sees no sanction options', async () => {
      const crisis = await topic(supporter, CRISIS_BODY);
      expect(crisis.status).toBe('held');
      // The author's colleagues see the urgent item; the author does not have it in their own queue.
      const item = await currentItem(second, crisis.id);
      expect(item).toMatchObject({ priority: 'urgent', sanctionsAllowed: false });
      expect(await openItemsAbout(supporter, crisis.id)).toEqual([]);
      expect((await currentItem(admin, crisis.id)).sanctionsAllowed).toBe(true);

      const refused = await decide(second, item.id, { action: 'remove', clauseKey: 'respect', sanction: { kind: 'ban' } }).expect(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/Only an admin can sanction a supporter/) });
      // Still a supporter, still in the group.
      const me = await request(forum.url).get('/me').set(bearer(supporter)).expect(200);
      expect(me.body.memberships.find((m: Json) => m.groupId === groupId)).toMatchObject({ role: 'supporter' });

      await decide(admin, item.id, { action: 'remove', clauseKey: 'respect', sanction: { kind: 'warn' } }).expect(200);
    });
  });

  function connect(person: Person): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }
});
