import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

/**
 * Supporters' tools where the conversation is: hide or remove a post from the thread (with a
 * clause), mute a member, and read a member's history, which is that group's alone.
 */
describe('supporter tools on a thread', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupA: string;
  let codeA: string;
  let groupB: string;
  let codeB: string;
  let supporterA: Person;
  let supporterB: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker()]);
    admin = await createAdmin(forum);
    groupA = await createGroup(forum, admin, { mode: 'post' });
    codeA = await referralCode(forum, admin, groupA);
    groupB = await createGroup(forum, admin, { mode: 'post' });
    codeB = await referralCode(forum, admin, groupB);
    [supporterA, supporterB] = await Promise.all([appointedSupporter(forum, admin, groupA, codeA), appointedSupporter(forum, admin, groupB, codeB)]);
  });
  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  /** A member of both groups, with a published topic in each. */
  async function memberOfBoth(): Promise<{ member: Person; postA: string; postB: string; topicA: string }> {
    const member = await joinedMember(forum, groupA, codeA);
    const applied = await request(forum.url)
      .post(`/groups/${groupB}/applications`)
      .set(bearer(member))
      .send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: codeB })
      .expect(201);
    expect(applied.body.status).toBe('approved');
    const agreement = await request(forum.url).get(`/groups/${groupB}/agreement`).set(bearer(member)).expect(200);
    await request(forum.url).post(`/groups/${groupB}/agreement/acceptances`).set(bearer(member)).send({ version: agreement.body.version }).expect(201);
    const post = async (group: string, title: string) =>
      (await request(forum.url).post(`/groups/${group}/topics`).set(bearer(member)).send({ title, body: 'Words for the thread.' }).expect(202)).body as {
        id: string;
        topicId: string;
      };
    const [a, b] = await Promise.all([post(groupA, 'In group A'), post(groupB, 'In group B')]);
    await Promise.all([screened(forum, member, a.id), screened(forum, member, b.id)]);
    return { member, postA: a.id, postB: b.id, topicA: a.topicId };
  }

  const history = (who: Person, group: string, memberId: string) => request(forum.url).get(`/groups/${group}/members/${memberId}/history`).set(bearer(who));

  it('removes a post from the thread citing a clause, tells the author, and keeps each group’s history to itself', async () => {
    const { member, postA, postB } = await memberOfBoth();
    const reader = await joinedMember(forum, groupA, codeA);

    // In group B, its supporter mutes the member: group A's supporters must never see it.
    await request(forum.url).post(`/groups/${groupB}/members/${member.id}/mute`).set(bearer(supporterB)).send({ hours: 2, clauseKey: 'respect' }).expect(200);
    await request(forum.url).post(`/posts/${postB}/moderation`).set(bearer(supporterB)).send({ action: 'remove', clauseKey: 'respect' }).expect(200);

    const removed = await request(forum.url)
      .post(`/posts/${postA}/moderation`)
      .set(bearer(supporterA))
      .send({ action: 'remove', clauseKey: 'respect', note: 'Unkind about a nurse' })
      .expect(200);
    expect(removed.body).toMatchObject({ status: 'decided', kind: 'post', reasons: [expect.objectContaining({ source: 'supporter', clauseKey: 'respect' })] });
    // Out of sight for others; the author is told which clause.
    await request(forum.url).get(`/posts/${postA}`).set(bearer(reader)).expect(404);
    const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
    expect(notices.body.items).toContainEqual(expect.objectContaining({ kind: 'removal', subjectId: postA, clauseKey: 'respect', groupId: groupA }));

    const inA = await history(supporterA, groupA, member.id).expect(200);
    expect(inA.body.member).toMatchObject({ id: member.id, displayName: member.displayName, role: 'member', status: 'active', mutedUntil: null });
    expect(inA.body.decisions).toEqual([
      expect.objectContaining({ subjectType: 'post', subjectId: postA, action: 'remove', clauseKey: 'respect', sanction: null, decidedAt: expect.any(String) }),
    ]);
    expect(inA.body.sanctions).toEqual([expect.objectContaining({ action: 'removal', clauseKey: 'respect' })]);
    // Nothing of group B: not its removal, not its mute.
    expect(JSON.stringify(inA.body)).not.toContain(postB);
    expect(inA.body.sanctions.map((s: { action: string }) => s.action)).not.toContain('mute');

    // Group B's history is for group B's supporters: A's supporter asking about it hears it does not exist.
    await history(supporterA, groupB, member.id).expect(404);
    const inB = await history(supporterB, groupB, member.id).expect(200);
    expect(inB.body.member.mutedUntil).toEqual(expect.any(String));
    expect(inB.body.sanctions.map((s: { action: string }) => s.action).sort()).toEqual(['mute', 'removal']);
    expect(JSON.stringify(inB.body)).not.toContain(postA);
    // A member is not staff: the same 404, whoever they ask about.
    await history(reader, groupA, member.id).expect(404);
    await history(supporterA, groupA, randomUUID()).expect(404);
    // A malformed id names nothing: 404, as for any id.
    await request(forum.url).get(`/groups/${groupA}/members/not-an-id/history`).set(bearer(supporterA)).expect(404);
  });

  it('mutes a member from the thread: they can read but not write or react, are told until when, and it is in their history', async () => {
    const { member, topicA, postA } = await memberOfBoth();
    const muted = await request(forum.url)
      .post(`/groups/${groupA}/members/${member.id}/mute`)
      .set(bearer(supporterA))
      .send({ hours: 3, clauseKey: 'respect', note: 'Cooling off' })
      .expect(200);
    const until = new Date(muted.body.mutedUntil).getTime();
    expect(until).toBeGreaterThan(Date.now() + 2.9 * 3600_000);
    await request(forum.url).get(`/topics/${topicA}/posts`).set(bearer(member)).expect(200);
    const refused = await request(forum.url).post(`/topics/${topicA}/posts`).set(bearer(member)).send({ body: 'Can I still post?' }).expect(403);
    expect(refused.body.code).toBe('MUTED');
    await request(forum.url).put(`/posts/${postA}/reactions/hug`).set(bearer(member)).expect(403);
    const notices = await request(forum.url).get('/me/notices').set(bearer(member)).expect(200);
    expect(notices.body.items).toContainEqual(expect.objectContaining({ kind: 'mute', groupId: groupA, clauseKey: 'respect' }));
    const record = await history(supporterA, groupA, member.id).expect(200);
    expect(record.body.sanctions).toEqual([expect.objectContaining({ action: 'mute', clauseKey: 'respect', reviewItemId: null })]);
    // Only in the group muted in: in group B the member still writes.
    const { body: stillFree } = await request(forum.url).get(`/groups/${groupB}/topics`).set(bearer(member)).expect(200);
    expect(stillFree.items.length).toBeGreaterThan(0);
    await request(forum.url).post(`/topics/${stillFree.items[0].id}/posts`).set(bearer(member)).send({ body: 'Here I can.' }).expect(202);
  });

  it('hides a post until a decision: out of sight at once, and waiting in the queue', async () => {
    const { member, postA } = await memberOfBoth();
    const reader = await joinedMember(forum, groupA, codeA);
    await request(forum.url).get(`/posts/${postA}`).set(bearer(reader)).expect(200);
    const hidden = await request(forum.url).post(`/posts/${postA}/moderation`).set(bearer(supporterA)).send({ action: 'hide' }).expect(200);
    expect(hidden.body).toMatchObject({ status: 'open', subject: { id: postA, status: 'hidden' } });
    await request(forum.url).get(`/posts/${postA}`).set(bearer(reader)).expect(404);
    const queue = await request(forum.url).get(`/groups/${groupA}/review-items?status=open`).set(bearer(supporterA)).expect(200);
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(hidden.body.id);
    // The author still sees their own post.
    await request(forum.url).get(`/posts/${postA}`).set(bearer(member)).expect(200);
  });

  it('refuses what a supporter may not do, with a clear 4xx', async () => {
    const { member, postA, postB } = await memberOfBoth();
    // Another group's post: as if it did not exist.
    await request(forum.url).post(`/posts/${postB}/moderation`).set(bearer(supporterA)).send({ action: 'hide' }).expect(404);
    // A member is not a supporter.
    const reader = await joinedMember(forum, groupA, codeA);
    await request(forum.url).post(`/posts/${postA}/moderation`).set(bearer(reader)).send({ action: 'hide' }).expect(404);
    await request(forum.url).post(`/groups/${groupA}/members/${member.id}/mute`).set(bearer(reader)).send({ hours: 1, clauseKey: 'respect' }).expect(404);
    // A removal cites a clause of the agreement; a hide carries no sanction.
    await request(forum.url).post(`/posts/${postA}/moderation`).set(bearer(supporterA)).send({ action: 'remove' }).expect(422);
    await request(forum.url).post(`/posts/${postA}/moderation`).set(bearer(supporterA)).send({ action: 'remove', clauseKey: 'no-such-clause' }).expect(422);
    await request(forum.url)
      .post(`/posts/${postA}/moderation`)
      .set(bearer(supporterA))
      .send({ action: 'hide', sanction: { kind: 'ban' } })
      .expect(422);
    await request(forum.url).post(`/posts/${postA}/moderation`).set(bearer(supporterA)).send({ action: 'delete' }).expect(422);
    await request(forum.url).post(`/groups/${groupA}/members/${member.id}/mute`).set(bearer(supporterA)).send({ hours: 0, clauseKey: 'respect' }).expect(422);
    await request(forum.url).post(`/groups/${groupA}/members/${member.id}/mute`).set(bearer(supporterA)).send({ hours: 2 }).expect(422);
    // A supporter is muted by an admin only; nobody mutes themselves.
    const fellow = await appointedSupporter(forum, admin, groupA, codeA);
    await request(forum.url).post(`/groups/${groupA}/members/${fellow.id}/mute`).set(bearer(supporterA)).send({ hours: 1, clauseKey: 'respect' }).expect(403);
    await request(forum.url)
      .post(`/groups/${groupA}/members/${supporterA.id}/mute`)
      .set(bearer(supporterA))
      .send({ hours: 1, clauseKey: 'respect' })
      .expect(403);
    // Someone who is not a member of the group.
    await request(forum.url)
      .post(`/groups/${groupA}/members/${supporterB.id}/mute`)
      .set(bearer(supporterA))
      .send({ hours: 1, clauseKey: 'respect' })
      .expect(404);
  });

  it('lists the group’s members for its supporters, found by part of a name (any case, wildcards as written) and narrowed by role and standing', async () => {
    const tag = randomUUID().slice(0, 6);
    const [quiet, loud] = await Promise.all([
      joinedMember(forum, groupA, codeA, { displayName: `Quiet ${tag}` }),
      joinedMember(forum, groupA, codeA, { displayName: `Loud ${tag}` }),
    ]);
    await request(forum.url).post(`/groups/${groupA}/members/${loud.id}/mute`).set(bearer(supporterA)).send({ hours: 1, clauseKey: 'respect' }).expect(200);
    const find = async (query: Record<string, string>, who = supporterA) =>
      (
        await request(forum.url)
          .get(`/groups/${groupA}/members`)
          .query({ limit: '100', ...query })
          .set(bearer(who))
          .expect(200)
      ).body.items.map((m: { userId: string }) => m.userId);
    expect((await find({ q: tag.toUpperCase() })).sort()).toEqual([quiet.id, loud.id].sort());
    expect(await find({ q: `quiet ${tag}` })).toEqual([quiet.id]);
    expect(await find({ q: tag, standing: 'muted' })).toEqual([loud.id]);
    expect(await find({ q: tag, standing: 'active' })).toEqual([quiet.id]);
    expect(await find({ q: tag, role: 'supporter' })).toEqual([]);
    expect(await find({ role: 'supporter' })).toContain(supporterA.id);
    // % and _ are letters in a name search, not wildcards.
    expect(await find({ q: '%' })).toEqual([]);
    expect(await find({ q: `${tag}_` })).toEqual([]);
    // Members of another group are never listed, however they are called.
    const elsewhere = await joinedMember(forum, groupB, codeB, { displayName: `Quiet ${tag} B` });
    expect(await find({ q: tag })).not.toContain(elsewhere.id);
    await request(forum.url).get(`/groups/${groupA}/members`).query({ standing: 'sleeping' }).set(bearer(supporterA)).expect(422);
    await request(forum.url)
      .get(`/groups/${groupA}/members`)
      .query({ q: 'x'.repeat(61) })
      .set(bearer(supporterA))
      .expect(422);
    await request(forum.url).get(`/groups/${groupA}/members`).query({ q: tag }).set(bearer(quiet)).expect(403);
  });
});
