import request from 'supertest';
import { enrolTotp } from '../support/mfa';
import { DataSource } from 'typeorm';
import { EventBus } from '@kindred/events';
import { DeadlinesService, percentile } from '@kindred/moderation';
import { MetricsServer } from '@kindred/observability';
import { QueueProducer } from '@kindred/queues';
import { bearer, Person, registerAndLogin } from '../support/people';
import { ALWAYS_COVERED, appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

/** Held for review: personal data in the body. */
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk.';
const MINUTE = 60_000;

type Json = Record<string, any>;

describe('the review queue: claims, decisions, sanctions, appeals, deadlines, metrics and the audit log', () => {
  let forum: RunningHttpApp;
  let workers: WorkerApp[];
  let admin: Person;
  const events: Array<{ kind: string; item: Json; audience: string }> = [];

  beforeAll(async () => {
    const [f, ...w] = await Promise.all([startForum(), startWorker(), startWorker()]);
    forum = f;
    workers = w;
    admin = await createAdmin(forum);
    await forum.app.get(EventBus).subscribe('review.changed', (payload) => {
      events.push({ kind: payload.kind, item: payload.item, audience: payload.audience });
    });
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  async function post(author: Person, groupId: string, body: string): Promise<Json> {
    const response = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'Something on my mind', body }).expect(202);
    return screened(forum, author, response.body.id);
  }

  async function openItems(moderator: Person, groupId: string): Promise<Json[]> {
    const response = await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(moderator)).expect(200);
    return response.body.items;
  }

  async function itemFor(moderator: Person, groupId: string, postId: string): Promise<Json | undefined> {
    return (await openItems(moderator, groupId)).find((i) => i.subject?.id === postId);
  }

  async function heldItem(author: Person, groupId: string, moderator: Person, body = PHONE_BODY): Promise<{ post: Json; item: Json }> {
    const held = await post(author, groupId, body);
    expect(held.status).toBe('held');
    const item = await itemFor(moderator, groupId, held.id);
    expect(item).toBeDefined();
    return { post: held, item: item! };
  }

  const decide = (who: Person, itemId: string, body: Json) => request(forum.url).post(`/review-items/${itemId}/decision`).set(bearer(who)).send(body);

  async function notices(person: Person): Promise<Json[]> {
    return (await request(forum.url).get('/me/notices?limit=100').set(bearer(person)).expect(200)).body.items;
  }

  /** The author appeals the removal notice about their post; answers the appeal's review item id. */
  async function appealRemoval(author: Person, postId: string): Promise<string> {
    const notice = (await notices(author)).find((n) => n.subjectId === postId && n.kind === 'removal')!;
    const appealed = await request(forum.url)
      .post(`/notices/${notice.id}/appeal`)
      .set(bearer(author))
      .send({ text: 'That number was made up, as an example.' })
      .expect(201);
    return appealed.body.reviewItemId;
  }

  async function appealOutcome(author: Person, postId: string): Promise<Json | undefined> {
    return (await notices(author)).find((n) => n.subjectId === postId && n.kind === 'appeal');
  }

  async function auditLog(groupId: string): Promise<Json[]> {
    return (await request(forum.url).get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items;
  }

  /** Pub/sub is asynchronous: waits for the first event about the item, then a little longer for any duplicate. */
  async function overdueEventsFor(itemId: string): Promise<Array<{ kind: string; item: Json; audience: string }>> {
    const matching = () => events.filter((e) => e.kind === 'review:overdue' && e.item.id === itemId);
    const deadline = Date.now() + 5000;
    while (matching().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    return matching();
  }

  async function alerts(person: Person): Promise<Json[]> {
    return (await request(forum.url).get('/me/alerts?limit=100').set(bearer(person)).expect(200)).body.items;
  }

  describe('in a group with two supporters', () => {
    let groupId: string;
    let code: string;
    let member: Person;
    let other: Person;
    let supporter: Person;
    let second: Person;

    beforeAll(async () => {
      groupId = await createGroup(forum, admin);
      code = await referralCode(forum, admin, groupId);
      [member, other] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      supporter = await appointedSupporter(forum, admin, groupId, code);
      second = await appointedSupporter(forum, admin, groupId, code);
    });

    it('shows each item with its reasons, deadline, claim and the author’s history, urgent first', async () => {
      await heldItem(member, groupId, supporter);
      await post(member, groupId, "I can't cope any more. I want to end my life tonight.");
      const items = await openItems(supporter, groupId);
      expect(items[0].priority).toBe('urgent');
      const dueTimes = items.filter((i) => i.priority === 'normal').map((i) => Date.parse(i.dueAt));
      expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
      expect(items[0]).toMatchObject({ overdue: false, claimedBy: null, suggestedSanction: null, authorHistory: [], reasons: expect.any(Array) });
    });

    it('lets one moderator claim an item for ten minutes: anyone else gets 409, a stranger 404', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      const claimed = await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(200);
      expect(claimed.body.claimedBy).toBe(supporter.id);
      const clash = await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(second)).expect(409);
      expect(clash.body.code).toBe('CONFLICT');
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(200);
      expect((await itemFor(second, groupId, item.subject.id))!.claimedBy).toBe(supporter.id);
      // A supporter of another group, and a plain member, are told there is no such item.
      const elsewhere = await createGroup(forum, admin);
      const outsider = await appointedSupporter(forum, admin, elsewhere, await referralCode(forum, admin, elsewhere));
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(outsider)).expect(404);
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(other)).expect(404);
    });

    it('keeps a claimed item for its claimer: anyone else deciding it, an admin too, gets 409 while the claim lasts; the claimer decides', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter);
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(200);
      for (const moderator of [second, admin]) {
        const clash = await decide(moderator, item.id, { action: 'approve' }).expect(409);
        expect(clash.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(clash.body).toMatchObject({ status: 409, code: 'CONFLICT', title: expect.any(String), detail: expect.stringMatching(/claimed this item/) });
      }
      await decide(second, item.id, { action: 'escalate' }).expect(409);
      expect((await request(forum.url).get(`/posts/${held.id}`).set(bearer(member)).expect(200)).body.status).toBe('held');
      expect((await itemFor(second, groupId, held.id))!.claimedBy).toBe(supporter.id);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
    });

    it('lets another moderator decide once the claim is more than ten minutes old', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter);
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(200);
      await decide(second, item.id, { action: 'approve' }).expect(409);
      // As if the claim had been made eleven minutes ago.
      await forum.app.get(DataSource).query(`UPDATE review_items SET claimed_at = claimed_at - interval '11 minutes' WHERE id = $1`, [item.id]);
      expect((await itemFor(second, groupId, held.id))!.claimedBy).toBeNull();
      await decide(second, item.id, { action: 'approve' }).expect(200);
      await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(200);
    });

    it('refuses a removal without a clause of the current agreement (422), and a second decision (409)', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter);
      const missing = await decide(supporter, item.id, { action: 'remove' }).expect(422);
      expect(missing.body.errors[0].field).toBe('clauseKey');
      const madeUp = await decide(supporter, item.id, { action: 'remove', clauseKey: 'made-up' }).expect(422);
      expect(madeUp.body.errors[0].field).toBe('clauseKey');
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', note: 'phone number' }).expect(200);
      const again = await decide(second, item.id, { action: 'approve' }).expect(409);
      expect(again.body.code).toBe('CONFLICT');
      const own = await request(forum.url).get(`/posts/${held.id}`).set(bearer(member)).expect(200);
      expect(own.body.status).toBe('removed');
      const removal = (await notices(member)).find((n) => n.subjectId === held.id && n.kind === 'removal');
      expect(removal).toMatchObject({ clauseKey: 'stay-unidentifiable', appealable: true });
    });

    it('approves a held post, which then appears for everyone', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter, 'You should stop taking your tacrolimus, it made me feel awful.');
      await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(404);
      const decided = await decide(supporter, item.id, { action: 'approve' }).expect(200);
      expect(decided.body).toMatchObject({ status: 'decided', decidedBy: supporter.id });
      await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(200);
    });

    it('keeps each member’s history per clause and suggests the next step: warn, then mute, then ban', async () => {
      const author = await joinedMember(forum, groupId, code);
      const first = await heldItem(author, groupId, supporter);
      await decide(supporter, first.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
      const next = await heldItem(author, groupId, supporter);
      expect(next.item.authorHistory).toEqual([{ clauseKey: 'stay-unidentifiable', count: 1, lastSanction: null }]);
      expect(next.item.suggestedSanction).toBe('warn');
      await decide(supporter, next.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'warn' } }).expect(200);
      expect((await notices(author)).some((n) => n.kind === 'warning' && n.clauseKey === 'stay-unidentifiable')).toBe(true);
      const third = await heldItem(author, groupId, supporter);
      expect(third.item.suggestedSanction).toBe('mute');
      expect(third.item.authorHistory).toEqual([{ clauseKey: 'stay-unidentifiable', count: 2, lastSanction: 'warn' }]);
    });

    it('refuses a sanction without a removal, and a mute without hours', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      await decide(supporter, item.id, { action: 'approve', sanction: { kind: 'warn' } }).expect(422);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute' } }).expect(422);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'silence', hours: 2 } }).expect(422);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', unknown: true }).expect(422);
    });

    it('mutes a member: posting answers 403 MUTED with until, reading still works', async () => {
      const muted = await joinedMember(forum, groupId, code);
      const { item } = await heldItem(muted, groupId, supporter);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute', hours: 2 } }).expect(200);
      const refused = await request(forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(muted))
        .send({ title: 'Hello', body: 'Hello again everyone.' })
        .expect(403);
      expect(refused.body.code).toBe('MUTED');
      const until = Date.parse(refused.body.until);
      expect(until).toBeGreaterThan(Date.now() + 119 * MINUTE);
      expect(until).toBeLessThan(Date.now() + 121 * MINUTE);
      await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(muted)).expect(200);
      const me = await request(forum.url).get('/me').set(bearer(muted)).expect(200);
      expect(me.body.memberships.find((m: Json) => m.groupId === groupId).mutedUntil).toEqual(expect.any(String));
      expect((await notices(muted)).some((n) => n.kind === 'mute' && n.appealable === false)).toBe(true);
    });

    it('bans a member: the very next request answers 403 BANNED, and they stay signed in elsewhere', async () => {
      const banned = await joinedMember(forum, groupId, code);
      const { item } = await heldItem(banned, groupId, supporter);
      await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(banned)).expect(200);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'ban' } }).expect(200);
      const refused = await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(banned)).expect(403);
      expect(refused.body.code).toBe('BANNED');
      await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(banned)).send({ title: 'Hello', body: 'Hello.' }).expect(403);
      expect((await notices(banned)).some((n) => n.kind === 'ban')).toBe(true);
      const me = await request(forum.url).get('/me').set(bearer(banned)).expect(200);
      expect(me.body.memberships.some((m: Json) => m.groupId === groupId)).toBe(false);
    });

    it('takes an appeal from the notice’s recipient only, once; the original decider may not decide it, another supporter can', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
      const notice = (await notices(member)).find((n) => n.subjectId === held.id && n.kind === 'removal')!;
      await request(forum.url).post(`/notices/${notice.id}/appeal`).set(bearer(other)).send({ text: 'Not mine but unfair' }).expect(404);
      await request(forum.url).post(`/notices/${notice.id}/appeal`).set(bearer(member)).send({}).expect(422);
      const appealed = await request(forum.url)
        .post(`/notices/${notice.id}/appeal`)
        .set(bearer(member))
        .send({ text: 'It was a made-up number, as an example.' })
        .expect(201);
      expect(appealed.body).toMatchObject({ noticeId: notice.id, reviewItemId: expect.any(String), status: 'open' });
      await request(forum.url).post(`/notices/${notice.id}/appeal`).set(bearer(member)).send({ text: 'Again' }).expect(409);

      const appealItem = (await itemFor(second, groupId, held.id))!;
      expect(appealItem).toMatchObject({
        id: appealed.body.reviewItemId,
        kind: 'appeal',
        reasons: [expect.objectContaining({ source: 'appeal', clauseKey: 'stay-unidentifiable' })],
        subject: {
          id: held.id,
          status: 'removed',
          appeal: { noticeId: notice.id, text: 'It was a made-up number, as an example.', originalDecidedBy: supporter.id },
        },
      });
      const forbidden = await decide(supporter, appealItem.id, { action: 'approve' }).expect(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      await request(forum.url).post(`/review-items/${appealItem.id}/claim`).set(bearer(supporter)).expect(403);
      await decide(second, appealItem.id, { action: 'approve', note: 'Fair point' }).expect(200);
      await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(200);
    });

    it('refuses an appeal against a notice that is not a decision', async () => {
      const crisis = await post(other, groupId, "I can't cope any more. I want to end my life tonight.");
      const signposting = (await notices(other)).find((n) => n.subjectId === crisis.id && n.kind === 'signposting')!;
      expect(signposting.appealable).toBe(false);
      await request(forum.url).post(`/notices/${signposting.id}/appeal`).set(bearer(other)).send({ text: 'Why?' }).expect(409);
      await request(forum.url).post(`/notices/00000000-0000-4000-8000-000000000000/appeal`).set(bearer(other)).send({ text: 'Why?' }).expect(404);
    });

    describe('an upheld appeal', () => {
      const newTopic = (author: Person) =>
        request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'Back again', body: 'Thank you for looking again.' });

      it('lifts the mute that came with the appealed removal, writes it to the audit log and tells the member', async () => {
        const muted = await joinedMember(forum, groupId, code);
        const { item, post: held } = await heldItem(muted, groupId, supporter);
        await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute', hours: 2 } }).expect(200);
        expect((await newTopic(muted).expect(403)).body.code).toBe('MUTED');

        const appealItemId = await appealRemoval(muted, held.id);
        await decide(second, appealItemId, { action: 'approve' }).expect(200);

        await request(forum.url).get(`/posts/${held.id}`).set(bearer(other)).expect(200);
        const me = await request(forum.url).get('/me').set(bearer(muted)).expect(200);
        expect(me.body.memberships.find((m: Json) => m.groupId === groupId).mutedUntil).toBeNull();
        await newTopic(muted).expect(202);
        expect(await appealOutcome(muted, held.id)).toMatchObject({
          groupId,
          appealable: false,
          message: expect.stringMatching(/appeal was upheld.*mute that came with that decision is lifted/),
        });
        const log = (await auditLog(groupId)).filter((e) => e.subjectId === held.id);
        expect(log).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              actor: second.id,
              action: 'appeal.upheld',
              detail: expect.objectContaining({ reviewItemId: appealItemId, originalReviewItemId: item.id }),
            }),
            expect.objectContaining({
              actor: second.id,
              action: 'sanction.lifted',
              detail: { kind: 'mute', reviewItemId: item.id, appealReviewItemId: appealItemId, subjectAuthorId: muted.id },
            }),
          ]),
        );
      });

      it('lifts the ban that came with the appealed removal: the member is back in the group', async () => {
        const banned = await joinedMember(forum, groupId, code);
        const { item, post: held } = await heldItem(banned, groupId, supporter);
        await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'ban' } }).expect(200);
        expect((await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(banned)).expect(403)).body.code).toBe('BANNED');

        const appealItemId = await appealRemoval(banned, held.id);
        await decide(second, appealItemId, { action: 'approve' }).expect(200);

        await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(banned)).expect(200);
        const me = await request(forum.url).get('/me').set(bearer(banned)).expect(200);
        expect(me.body.memberships).toEqual(expect.arrayContaining([expect.objectContaining({ groupId, role: 'member', mutedUntil: null })]));
        await newTopic(banned).expect(202);
        expect((await appealOutcome(banned, held.id))!.message).toMatch(/appeal was upheld.*ban that came with that decision is lifted/);
        expect((await auditLog(groupId)).filter((e) => e.subjectId === held.id && e.action === 'sanction.lifted')).toEqual([
          expect.objectContaining({ actor: second.id, detail: expect.objectContaining({ kind: 'ban', reviewItemId: item.id }) }),
        ]);
      });

      it('takes the removal and its warning off the member’s record, so the next step is no sanction again', async () => {
        const warned = await joinedMember(forum, groupId, code);
        const { item, post: held } = await heldItem(warned, groupId, supporter);
        await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'warn' } }).expect(200);

        const appealItemId = await appealRemoval(warned, held.id);
        await decide(second, appealItemId, { action: 'approve' }).expect(200);

        const next = await heldItem(warned, groupId, supporter);
        expect(next.item).toMatchObject({ authorHistory: [], suggestedSanction: null });
        expect((await appealOutcome(warned, held.id))!.message).toMatch(/warning that came with that decision no longer counts/);
        await decide(supporter, next.item.id, { action: 'approve' }).expect(200);
      });

      it('leaves a later mute in force: only the appealed decision is undone', async () => {
        const author = await joinedMember(forum, groupId, code);
        const [first, later] = [await heldItem(author, groupId, supporter), await heldItem(author, groupId, supporter)];
        await decide(supporter, first.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute', hours: 1 } }).expect(200);
        await decide(supporter, later.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute', hours: 3 } }).expect(200);

        const appealItemId = await appealRemoval(author, first.post.id);
        const upheld = await decide(second, appealItemId, { action: 'approve' }).expect(200);

        // The later removal and its mute are all that is left on the record.
        expect(upheld.body.authorHistory).toEqual([{ clauseKey: 'stay-unidentifiable', count: 1, lastSanction: 'mute' }]);
        const refused = await newTopic(author).expect(403);
        expect(refused.body.code).toBe('MUTED');
        expect(Date.parse(refused.body.until)).toBeGreaterThan(Date.now() + 170 * MINUTE);
        expect((await appealOutcome(author, first.post.id))!.message).toMatch(/appeal was upheld.*still keeps you muted/);
        expect((await auditLog(groupId)).filter((e) => e.subjectId === first.post.id && e.action === 'sanction.lifted')).toEqual([]);
      });

      it('leaves the member banned while another ban on their record stands', async () => {
        const author = await joinedMember(forum, groupId, code);
        const [first, later] = [await heldItem(author, groupId, supporter), await heldItem(author, groupId, supporter)];
        await decide(supporter, first.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'ban' } }).expect(200);
        await decide(supporter, later.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'ban' } }).expect(200);

        const appealItemId = await appealRemoval(author, first.post.id);
        await decide(second, appealItemId, { action: 'approve' }).expect(200);

        expect((await request(forum.url).get(`/groups/${groupId}/topics`).set(bearer(author)).expect(403)).body.code).toBe('BANNED');
        expect((await appealOutcome(author, first.post.id))!.message).toMatch(/appeal was upheld.*still keeps you banned/);
        expect((await auditLog(groupId)).filter((e) => e.subjectId === first.post.id && e.action === 'sanction.lifted')).toEqual([]);
      });
    });

    it('tells the member when an appeal is not upheld, and leaves the removal and its mute as they were', async () => {
      const author = await joinedMember(forum, groupId, code);
      const { item, post: held } = await heldItem(author, groupId, supporter);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', sanction: { kind: 'mute', hours: 2 } }).expect(200);

      const appealItemId = await appealRemoval(author, held.id);
      await decide(second, appealItemId, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);

      expect((await request(forum.url).get(`/posts/${held.id}`).set(bearer(author)).expect(200)).body.status).toBe('removed');
      const refused = await request(forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title: 'Hello', body: 'Hello again.' }).expect(403);
      expect(refused.body.code).toBe('MUTED');
      expect(await appealOutcome(author, held.id)).toMatchObject({
        groupId,
        clauseKey: 'stay-unidentifiable',
        appealable: false,
        message: expect.stringMatching(/appeal was not upheld/),
      });
      const log = (await auditLog(groupId)).filter((e) => e.subjectId === held.id);
      expect(log).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ actor: second.id, action: 'appeal.refused', detail: expect.objectContaining({ originalReviewItemId: item.id }) }),
        ]),
      );
      expect(log.some((e) => e.action === 'sanction.lifted')).toBe(false);
    });

    it('hides a post at two reports, with one open item for it', async () => {
      const published = await post(member, groupId, 'Honestly some of the nurses on my unit are useless.');
      expect(published.status).toBe('published');
      const third = await joinedMember(forum, groupId, code);
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(other)).send({ clauseKey: 'respect' }).expect(201);
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(other)).send({ clauseKey: 'respect' }).expect(409);
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(third)).expect(200);
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(third)).send({ clauseKey: 'respect' }).expect(201);
      await request(forum.url).get(`/posts/${published.id}`).set(bearer(third)).expect(404);
      expect((await request(forum.url).get(`/posts/${published.id}`).set(bearer(member)).expect(200)).body.status).toBe('hidden');
      const items = (await openItems(supporter, groupId)).filter((i) => i.subject?.id === published.id);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ kind: 'report', reasons: [{ source: 'reports', clauseKey: 'respect', detail: '2 members reported this' }] });
    });

    it('sends a report on a supporter’s words to the admins: supporters do not see it, admins do', async () => {
      const published = await post(supporter, groupId, 'Reminder: clinic letters can take a few weeks, be patient.');
      expect(published.status).toBe('published');
      await request(forum.url).post(`/posts/${published.id}/reports`).set(bearer(member)).send({ clauseKey: 'respect' }).expect(201);
      expect(await itemFor(second, groupId, published.id)).toBeUndefined();
      expect(await itemFor(supporter, groupId, published.id)).toBeUndefined();
      const item = (await itemFor(admin, groupId, published.id))!;
      expect(item).toMatchObject({ kind: 'report', audience: 'admins' });
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(second)).expect(404);
      await decide(second, item.id, { action: 'approve' }).expect(404);
      await decide(admin, item.id, { action: 'approve' }).expect(200);
    });

    it('escalates an item to the admins when a supporter asks', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      const escalated = await decide(supporter, item.id, { action: 'escalate', note: 'Not sure about this one' }).expect(200);
      expect(escalated.body).toMatchObject({ audience: 'admins', status: 'open' });
      expect(await itemFor(second, groupId, item.subject.id)).toBeUndefined();
      expect((await itemFor(admin, groupId, item.subject.id))!.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'escalation' })]));
    });

    it('never lets a moderator review their own words', async () => {
      const crisis = await post(supporter, groupId, "I can't cope any more. I want to end my life tonight.");
      expect(crisis.status).toBe('held');
      const item = (await itemFor(second, groupId, crisis.id))!;
      expect(item.priority).toBe('urgent');
      expect((await decide(supporter, item.id, { action: 'approve' }).expect(403)).body.code).toBe('FORBIDDEN');
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(403);
      await decide(second, item.id, { action: 'approve' }).expect(200);
    });

    it('writes every decision to an audit log only admins can read, with ids and clause keys but no words', async () => {
      const { item, post: held } = await heldItem(member, groupId, supporter);
      await decide(supporter, item.id, { action: 'remove', clauseKey: 'stay-unidentifiable', note: 'Contains 07700 900123' }).expect(200);
      await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(supporter)).expect(403);
      await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(member)).expect(403);
      const outsider = await registerAndLogin(forum.url);
      await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(outsider)).expect(403);
      await request(forum.url).get(`/groups/00000000-0000-4000-8000-000000000000/audit-log`).set(bearer(admin)).expect(404);

      const page = await request(forum.url).get(`/groups/${groupId}/audit-log?limit=2`).set(bearer(admin)).expect(200);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const entry = page.body.items[0];
      expect(entry).toMatchObject({
        id: expect.any(String),
        at: expect.any(String),
        actor: supporter.id,
        action: 'review.remove',
        subjectType: 'post',
        subjectId: held.id,
        detail: expect.objectContaining({ reviewItemId: item.id, clauseKey: 'stay-unidentifiable', subjectAuthorId: member.id }),
      });
      const everything = JSON.stringify(page.body);
      expect(everything).not.toContain('900123');
      expect(everything).not.toContain(member.displayName);
      const next = await request(forum.url).get(`/groups/${groupId}/audit-log?limit=2&cursor=${page.body.nextCursor}`).set(bearer(admin)).expect(200);
      expect(Date.parse(next.body.items[0].at)).toBeLessThanOrEqual(Date.parse(entry.at));
      expect(next.body.items.map((e: Json) => e.id)).not.toContain(entry.id);
    });

    it('refuses to change or delete an audit entry, even from inside the database', async () => {
      const db = forum.app.get(DataSource);
      await expect(db.query(`UPDATE audit_log SET action = 'review.approve'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    });
  });

  describe('deadlines, with a one-minute SLA and a clock the test controls', () => {
    let groupId: string;
    let code: string;
    let member: Person;
    let supporter: Person;
    const ticks = (now: Date) => Promise.all(workers.map((w) => w.context.get(DeadlinesService).tick(now)));

    beforeAll(async () => {
      groupId = await createGroup(forum, admin, { reviewSlaMinutes: 1, urgentSlaMinutes: 1 });
      code = await referralCode(forum, admin, groupId);
      member = await joinedMember(forum, groupId, code);
      supporter = await appointedSupporter(forum, admin, groupId, code);
    });

    it('runs as a BullMQ repeatable job, at least every 30 seconds', async () => {
      const schedulers = await workers[0]!.context.get(QueueProducer).queue('deadlines').getJobSchedulers();
      const tick = schedulers.find((j) => j.name === 'tick');
      expect(Number(tick?.every)).toBeGreaterThan(0);
      expect(Number(tick?.every)).toBeLessThanOrEqual(30_000);
    });

    it('tells the supporters exactly once when an item passes its deadline, even with two workers ticking at once', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      const createdAt = Date.parse(item.createdAt);
      const early = await ticks(new Date(createdAt + 30_000));
      expect(early.reduce((n, r) => n + r.overdue, 0)).toBe(0);

      const results = await ticks(new Date(createdAt + MINUTE + 1000));
      expect(results.reduce((n, r) => n + r.overdue, 0)).toBe(1);
      const again = await ticks(new Date(createdAt + MINUTE + 5000));
      expect(again.reduce((n, r) => n + r.overdue, 0)).toBe(0);

      const mine = (await alerts(supporter)).filter((a) => a.subjectId === item.id);
      expect(mine).toEqual([expect.objectContaining({ kind: 'overdue', subjectType: 'review-item', groupId })]);
      const overdueEvents = await overdueEventsFor(item.id);
      expect(overdueEvents).toHaveLength(1);
      expect(overdueEvents[0]!.audience).toBe('supporters');
      // The supporter is told; the member who wrote it is not a moderator and has no alerts.
      expect(await alerts(member)).toEqual([]);
      // Decided, so it does not count in the escalation test below.
      await decide(supporter, item.id, { action: 'approve' }).expect(200);
    });

    it('escalates to the admins at twice the SLA, once', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      const createdAt = Date.parse(item.createdAt);
      const first = await ticks(new Date(createdAt + 2 * MINUTE + 1000));
      expect(first.reduce((n, r) => n + r.escalated, 0)).toBe(1);
      expect((await ticks(new Date(createdAt + 3 * MINUTE))).reduce((n, r) => n + r.escalated, 0)).toBe(0);

      expect(await itemFor(supporter, groupId, item.subject.id)).toBeUndefined();
      const forAdmins = (await itemFor(admin, groupId, item.subject.id))!;
      expect(forAdmins).toMatchObject({ audience: 'admins' });
      expect(forAdmins.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'escalation' })]));
      expect((await alerts(admin)).filter((a) => a.subjectId === item.id)).toEqual([expect.objectContaining({ kind: 'escalated' })]);
      // Past due as well: the supporters were told first.
      expect((await alerts(supporter)).filter((a) => a.subjectId === item.id)).toEqual([expect.objectContaining({ kind: 'overdue' })]);
      const log = await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(admin)).expect(200);
      expect(log.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: null, action: 'review.escalate', subjectId: item.subject.id })]));
    });

    it('ends a supporter’s claim when the item escalates to the admins, so an admin can decide it at once', async () => {
      const { item } = await heldItem(member, groupId, supporter);
      await request(forum.url).post(`/review-items/${item.id}/claim`).set(bearer(supporter)).expect(200);
      await ticks(new Date(Date.parse(item.createdAt) + 2 * MINUTE + 1000));
      expect((await itemFor(admin, groupId, item.subject.id))!).toMatchObject({ audience: 'admins', claimedBy: null });
      await decide(admin, item.id, { action: 'approve' }).expect(200);
    });

    it('tells the supporters about a pending application past its deadline, once, and the admins at twice the SLA', async () => {
      const applicant = await registerAndLogin(forum.url);
      const applied = await request(forum.url)
        .post(`/groups/${groupId}/applications`)
        .set(bearer(applicant))
        .send({ answers: { diagnosis: 'yes' }, declaration: true })
        .expect(201);
      expect(applied.body.status).toBe('pending');
      const dueAt = Date.parse(applied.body.dueAt);
      const results = await ticks(new Date(dueAt + 1000));
      expect(results.reduce((n, r) => n + r.applicationAlerts, 0)).toBe(1);
      expect((await alerts(supporter)).filter((a) => a.subjectId === applied.body.id)).toEqual([
        expect.objectContaining({ kind: 'overdue', subjectType: 'application' }),
      ]);
      await ticks(new Date(dueAt + MINUTE + 1000));
      expect((await alerts(admin)).filter((a) => a.subjectId === applied.body.id)).toEqual([
        expect.objectContaining({ kind: 'escalated', subjectType: 'application' }),
      ]);
      expect((await alerts(supporter)).filter((a) => a.subjectId === applied.body.id)).toHaveLength(1);
    });

    it('tells the admins when a group has no supporters, so nothing is overdue unseen', async () => {
      const lonely = await createGroup(forum, admin, { reviewSlaMinutes: 1, urgentSlaMinutes: 1 });
      const writer = await joinedMember(forum, lonely, await referralCode(forum, admin, lonely));
      const { item } = await heldItem(writer, lonely, admin);
      await ticks(new Date(Date.parse(item.createdAt) + MINUTE + 1000));
      expect((await alerts(admin)).filter((a) => a.subjectId === item.id)).toEqual([expect.objectContaining({ kind: 'overdue' })]);
      expect((await overdueEventsFor(item.id)).map((e) => e.audience)).toEqual(['admins']);
    });
  });

  describe('cover', () => {
    it('holds everything while nobody is on cover, and the held items wait in order for cover to resume', async () => {
      const groupId = await createGroup(forum, admin, { mode: 'post', coverage: [], outOfCoverage: 'pre' });
      const code = await referralCode(forum, admin, groupId);
      const member = await joinedMember(forum, groupId, code);
      const first = await post(member, groupId, 'Anyone else on the morning dialysis shift?');
      const second = await post(member, groupId, 'Good news from clinic today.');
      expect([first.status, second.status]).toEqual(['held', 'held']);
      const metrics = await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(admin)).expect(200);
      expect(metrics.body).toMatchObject({ coveredNow: false, open: 2 });

      await request(forum.url)
        .patch(`/groups/${groupId}`)
        .set(bearer(admin))
        .send({ moderation: { coverage: ALWAYS_COVERED } })
        .expect(200);
      const queue = (await openItems(admin, groupId)).map((i) => ({ id: i.subject.id, reasons: i.reasons.map((r: Json) => r.source) }));
      expect(queue).toEqual([
        { id: first.id, reasons: ['out-of-coverage'] },
        { id: second.id, reasons: ['out-of-coverage'] },
      ]);
      const afterwards = await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(admin)).expect(200);
      expect(afterwards.body.coveredNow).toBe(true);
    });
  });

  describe('metrics', () => {
    it('agree with a hand count of the queue', async () => {
      const groupId = await createGroup(forum, admin);
      const code = await referralCode(forum, admin, groupId);
      const [member, supporter] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
      await request(forum.url).put(`/groups/${groupId}/supporters/${supporter.id}`).set(bearer(admin)).expect(204);
      await enrolTotp(forum.url, supporter);

      const held = await Promise.all([0, 1, 2, 3].map(() => heldItem(member, groupId, supporter)));
      await post(member, groupId, "I can't cope any more. I want to end my life tonight.");
      await decide(supporter, held[0]!.item.id, { action: 'approve' }).expect(200);
      await decide(supporter, held[1]!.item.id, { action: 'remove', clauseKey: 'stay-unidentifiable' }).expect(200);
      // One item is past its deadline (as if it had waited two hours).
      await forum.app
        .get(DataSource)
        .query(`UPDATE review_items SET created_at = created_at - interval '2 hours', due_at = due_at - interval '2 hours' WHERE id = $1`, [held[2]!.item.id]);

      const open = await openItems(admin, groupId);
      const decided = (await request(forum.url).get(`/groups/${groupId}/review-items?status=decided`).set(bearer(admin)).expect(200)).body.items as Json[];
      const now = Date.now();
      const seconds = decided.map((i) => (Date.parse(i.decidedAt) - Date.parse(i.createdAt)) / 1000);
      const metrics = (await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(admin)).expect(200)).body;
      expect(metrics).toEqual({
        open: open.length,
        overdue: open.filter((i) => Date.parse(i.dueAt) <= now).length,
        urgentOpen: open.filter((i) => i.priority === 'urgent').length,
        decidedLast24h: decided.length,
        timeToDecisionSeconds: { p50: expect.any(Number), p95: expect.any(Number) },
        slaBreachesLast7d: 1,
        coveredNow: true,
      });
      expect(metrics).toMatchObject({ open: 3, overdue: 1, urgentOpen: 1, decidedLast24h: 2 });
      expect(metrics.timeToDecisionSeconds.p50).toBeCloseTo(percentile(seconds, 50)!, 2);
      expect(metrics.timeToDecisionSeconds.p95).toBeCloseTo(percentile(seconds, 95)!, 2);

      const bySupporter = await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(supporter)).expect(200);
      expect(bySupporter.body.decidedLast24h).toBe(2);
      await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(member)).expect(403);

      // Prometheus scrapes the forum's internal metrics port, not its public one.
      const scrape = await request(forum.app.get(MetricsServer).url!).get('/metrics').expect(200);
      expect(scrape.text).toMatch(/kindred_review_queue_open_items\{priority="urgent"\} \d+/);
      expect(scrape.text).toMatch(/kindred_review_queue_overdue_items \d+/);
      expect(scrape.text).toMatch(/kindred_review_time_to_decision_seconds_count [1-9]/);
    });

    it('report coveredNow false outside the schedule', async () => {
      const groupId = await createGroup(forum, admin, { coverage: [] });
      const metrics = await request(forum.url).get(`/groups/${groupId}/moderation/metrics`).set(bearer(admin)).expect(200);
      expect(metrics.body).toMatchObject({ open: 0, overdue: 0, coveredNow: false, timeToDecisionSeconds: { p50: null, p95: null } });
    });
  });
});
