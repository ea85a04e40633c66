import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/**
 * A supporter checks in privately with a member from a review item (here the urgent item a crisis
 * post raised): the member is told, can reply or decline; the group's supporters and admins read
 * it, nobody else does; opening and declining are in the audit log.
 */
describe('supporter check-ins', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;
  let groupId: string;
  let supporter: Person;
  let otherSupporter: Person;
  let member: Person;
  let bystander: Person;
  let itemId: string;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker()]);
    admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin);
    const code = await referralCode(forum, admin, groupId);
    supporter = await appointedSupporter(forum, admin, groupId, code);
    otherSupporter = await appointedSupporter(forum, admin, groupId, code);
    [member, bystander] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const posted = await request(forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(member))
      .send({ title: 'Tonight', body: "I can't cope any more. I want to end my life tonight." })
      .expect(202);
    const held = await screened(forum, member, posted.body.id);
    expect(held.status).toBe('held');
    const items = (await request(forum.url).get(`/groups/${groupId}/review-items?status=open`).set(bearer(supporter)).expect(200)).body.items as Json[];
    itemId = items.find((i) => i.subject?.id === held.id)!.id;
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  const api = () => request(forum.url);

  async function screenedMessage(reader: Person, conversationId: string, messageId: string): Promise<Json> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = (await api().get(`/conversations/${conversationId}/messages`).set(bearer(reader)).expect(200)).body.find((m: Json) => m.id === messageId);
      if (found && found.status !== 'screening') return found;
      if (Date.now() > deadline) throw new Error(`message ${messageId} still in screening`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function auditActions(): Promise<Json[]> {
    return (await api().get(`/groups/${groupId}/audit-log?limit=100`).set(bearer(admin)).expect(200)).body.items;
  }

  async function openCheckIn(): Promise<Json> {
    const opened = await api()
      .post(`/review-items/${itemId}/check-ins`)
      .set(bearer(supporter))
      .send({ message: { body: 'Hi, I saw your post and wanted to check in. How are you doing right now?', clientMsgId: randomUUID() } })
      .expect(201);
    return opened.body;
  }

  it('lets only the group’s supporters and admins open one, and never about an item they cannot see', async () => {
    await api().post(`/review-items/${itemId}/check-ins`).set(bearer(bystander)).send({}).expect(404);
    await api().post(`/review-items/${itemId}/check-ins`).set(bearer(member)).send({}).expect(404);
    await api().post(`/review-items/${randomUUID()}/check-ins`).set(bearer(supporter)).send({}).expect(404);
    await api().post(`/review-items/not-an-id/check-ins`).set(bearer(supporter)).send({}).expect(404);
  });

  it('opens a private check-in from the crisis item: audited, the member told, answered by the member and read by the supporters', async () => {
    const conversation = await openCheckIn();
    expect(conversation).toMatchObject({ kind: 'check-in', status: 'open', groupId });
    expect(conversation.participants).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: member.id, role: 'member' }), expect.objectContaining({ id: supporter.id, role: 'supporter' })]),
    );
    expect((await auditActions()).find((e) => e.action === 'check-in.opened' && e.subjectId === conversation.id)).toMatchObject({
      actor: supporter.id,
      detail: expect.objectContaining({ reviewItemId: itemId, memberId: member.id }),
    });
    const notice = (await api().get('/me/notices').set(bearer(member)).expect(200)).body.items.find((n: Json) => n.kind === 'check-in');
    expect(notice).toMatchObject({ subjectId: conversation.id });

    const mine = (await api().get('/me/conversations').set(bearer(member)).expect(200)).body as Json[];
    expect(mine.find((c) => c.id === conversation.id)).toMatchObject({ canDecline: true, canWrite: true });
    const published = await screenedMessage(supporter, conversation.id, await firstMessageId(conversation.id));
    expect(published).toMatchObject({ status: 'published', author: { id: supporter.id } });
    const forMember = (await api().get(`/conversations/${conversation.id}/messages`).set(bearer(member)).expect(200)).body as Json[];
    expect(forMember.map((m) => m.id)).toEqual([published.id]);

    const reply = await api()
      .post(`/conversations/${conversation.id}/messages`)
      .set(bearer(member))
      .send({ body: 'Thank you for asking. I am still here, just having a really hard night.', clientMsgId: randomUUID() })
      .expect(202);
    const answered = await screenedMessage(member, conversation.id, reply.body.id);
    expect(answered.status).toBe('published');
    const read = (await api().get(`/conversations/${conversation.id}/messages`).set(bearer(otherSupporter)).expect(200)).body as Json[];
    expect(read.map((m) => m.id)).toEqual([published.id, reply.body.id]);
    await api().get(`/conversations/${conversation.id}`).set(bearer(otherSupporter)).expect(200);
    await api().get(`/conversations/${conversation.id}`).set(bearer(admin)).expect(200);
    const supported = (await api().get('/me/conversations').set(bearer(otherSupporter)).expect(200)).body as Json[];
    expect(supported.map((c) => c.id)).toContain(conversation.id);
  });

  async function firstMessageId(conversationId: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const rows = (await api().get(`/conversations/${conversationId}/messages`).set(bearer(supporter)).expect(200)).body as Json[];
      if (rows[0]) return rows[0].id;
      if (Date.now() > deadline) throw new Error('no first message');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('keeps it from other members: a bystander can neither read nor write, nor see it in their list', async () => {
    const conversation = await openCheckIn();
    await api().get(`/conversations/${conversation.id}`).set(bearer(bystander)).expect(404);
    await api().get(`/conversations/${conversation.id}/messages`).set(bearer(bystander)).expect(404);
    await api().post(`/conversations/${conversation.id}/messages`).set(bearer(bystander)).send({ body: 'hello?', clientMsgId: randomUUID() }).expect(404);
    await api().post(`/conversations/${conversation.id}/decline`).set(bearer(bystander)).expect(404);
    const theirs = (await api().get('/me/conversations').set(bearer(bystander)).expect(200)).body as Json[];
    expect(theirs.map((c) => c.id)).not.toContain(conversation.id);
  });

  it('lets the member decline: it closes for everyone, and the audit log says so', async () => {
    const conversation = await openCheckIn();
    await api().post(`/conversations/${conversation.id}/decline`).set(bearer(supporter)).expect(403);
    const declined = await api().post(`/conversations/${conversation.id}/decline`).set(bearer(member)).expect(200);
    expect(declined.body).toMatchObject({ status: 'declined', canWrite: false, canDecline: false });
    await api().post(`/conversations/${conversation.id}/decline`).set(bearer(member)).expect(409);
    for (const writer of [member, supporter]) {
      const refused = await api()
        .post(`/conversations/${conversation.id}/messages`)
        .set(bearer(writer))
        .send({ body: 'one more thing', clientMsgId: randomUUID() })
        .expect(409);
      expect(refused.body.code).toBe('CONFLICT');
    }
    expect((await auditActions()).find((e) => e.action === 'check-in.declined' && e.subjectId === conversation.id)).toMatchObject({ actor: member.id });
  });

  it('lets a supporter close one, and the same clientMsgId sent twice is stored once', async () => {
    const conversation = await openCheckIn();
    const clientMsgId = randomUUID();
    const first = await api()
      .post(`/conversations/${conversation.id}/messages`)
      .set(bearer(member))
      .send({ body: 'Feeling a bit better now.', clientMsgId })
      .expect(202);
    const again = await api()
      .post(`/conversations/${conversation.id}/messages`)
      .set(bearer(member))
      .send({ body: 'Feeling a bit better now.', clientMsgId })
      .expect(202);
    expect(again.body.id).toBe(first.body.id);
    await api().post(`/conversations/${conversation.id}/close`).set(bearer(member)).expect(403);
    await api().post(`/conversations/${conversation.id}/close`).set(bearer(supporter)).expect(200);
    await api().post(`/conversations/${conversation.id}/messages`).set(bearer(member)).send({ body: 'hello', clientMsgId: randomUUID() }).expect(409);
    expect((await auditActions()).some((e) => e.action === 'check-in.closed' && e.subjectId === conversation.id)).toBe(true);
  });

  it('gives the group’s staff and mentors a supervision thread that members cannot reach', async () => {
    const thread = await api().get(`/groups/${groupId}/supervision`).set(bearer(supporter)).expect(200);
    expect(thread.body).toMatchObject({ kind: 'supervision', status: 'open' });
    const again = await api().get(`/groups/${groupId}/supervision`).set(bearer(otherSupporter)).expect(200);
    expect(again.body.id).toBe(thread.body.id);
    await api().get(`/groups/${groupId}/supervision`).set(bearer(bystander)).expect(404);
    await api().get(`/conversations/${thread.body.id}/messages`).set(bearer(bystander)).expect(404);
    const handover = await api()
      .post(`/conversations/${thread.body.id}/messages`)
      .set(bearer(supporter))
      .send({ body: 'Handover: I checked in with a member after an urgent item tonight; please look in tomorrow.', clientMsgId: randomUUID() })
      .expect(202);
    const seen = await screenedMessage(supporter, thread.body.id, handover.body.id);
    expect(seen.status).toBe('published');
    const read = (await api().get(`/conversations/${thread.body.id}/messages`).set(bearer(otherSupporter)).expect(200)).body as Json[];
    expect(read.map((m) => m.id)).toContain(handover.body.id);
  });
});
