import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventBus } from '@kindred/events';
import { DeadlinesService } from '@kindred/moderation';
import { bearer, Person } from '../support/people';
import { appointedSupporter, createAdmin, createGroup, joinedMember, referralCode, screened } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Json = Record<string, any>;

/** Held for review: personal data in the body. */
const PHONE_BODY = 'Text me on 07700 900123 if you want to talk.';

/**
 * Deadlines are acted on when they fall due, not at the next `deadlines.tick`. The tick is switched
 * off in these workers (its interval is the longest allowed, and the job does nothing), so whatever
 * happens here was done by the deadline timer alone.
 */
describe('review deadlines, acted on as they fall due', () => {
  let forum: RunningHttpApp;
  let workers: WorkerApp[];
  let db: DataSource;
  let admin: Person;
  let groupId: string;
  let member: Person;
  let supporter: Person;
  const events: Array<{ kind: string; item: Json; audience: string }> = [];

  beforeAll(async () => {
    const slowTick = { DEADLINES_INTERVAL_SECONDS: '30' };
    const [f, ...w] = await Promise.all([startForum(), startWorker(slowTick), startWorker(slowTick)]);
    forum = f;
    workers = w;
    for (const worker of workers) {
      jest.spyOn(worker.context.get(DeadlinesService), 'tick').mockResolvedValue({ overdue: 0, escalated: 0, applicationAlerts: 0 });
    }
    db = forum.app.get(DataSource);
    admin = await createAdmin(forum);
    await forum.app.get(EventBus).subscribe('review.changed', (payload) => {
      events.push({ kind: payload.kind, item: payload.item, audience: payload.audience });
    });
    groupId = await createGroup(forum, admin);
    const code = await referralCode(forum, admin, groupId);
    member = await joinedMember(forum, groupId, code);
    supporter = await appointedSupporter(forum, admin, groupId, code);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), ...(workers ?? []).map((w) => w.close())]);
  });

  async function alertsFor(person: Person, subjectId: string): Promise<Json[]> {
    const response = await request(forum.url).get('/me/alerts?limit=100').set(bearer(person)).expect(200);
    return response.body.items.filter((a: Json) => a.subjectId === subjectId);
  }

  /** Waits until `person` has an alert of `kind` about the item; a generous bound, far above the second it should take. */
  async function alerted(person: Person, subjectId: string, kind: 'overdue' | 'escalated'): Promise<Json[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = await alertsFor(person, subjectId);
      if (found.some((a) => a.kind === kind) || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function row(id: string): Promise<Json> {
    const [found] = await db.query(`SELECT due_at, overdue_notified_at, escalated_at, audience FROM review_items WHERE id = $1`, [id]);
    return found;
  }

  /** Pub/sub is asynchronous: a little longer for any duplicate. */
  async function overdueEvents(itemId: string): Promise<Array<{ audience: string; item: Json }>> {
    await new Promise((r) => setTimeout(r, 300));
    return events.filter((e) => e.kind === 'review:overdue' && e.item.id === itemId);
  }

  it('tells the supporter once about an item inserted straight into the table, due in a second', async () => {
    const [inserted] = await db.query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, audience, status, created_at, due_at)
       VALUES ($1, 'post', 'post', gen_random_uuid(), 'normal', 'supporters', 'open', now(), now() + interval '1 second')
       RETURNING id`,
      [groupId],
    );
    const id = inserted.id as string;

    expect(await alerted(supporter, id, 'overdue')).toEqual([expect.objectContaining({ kind: 'overdue', subjectType: 'review-item', groupId })]);
    const after = await row(id);
    // Never before it was due.
    expect(after.overdue_notified_at.getTime()).toBeGreaterThanOrEqual(after.due_at.getTime());
    // Two workers woke up for it; one told.
    expect((await overdueEvents(id)).map((e) => e.audience)).toEqual(['supporters']);
  });

  it('wakes up for a held post whose deadline is brought forward', async () => {
    const response = await request(forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(member))
      .send({ title: 'Something on my mind', body: PHONE_BODY })
      .expect(202);
    const held = await screened(forum, member, response.body.id);
    expect(held.status).toBe('held');
    const [item] = await db.query(`SELECT id FROM review_items WHERE subject_id = $1 AND status = 'open'`, [held.id]);
    // The group's SLA is an hour; a merge that brings dueAt forward is what this stands for.
    await db.query(`UPDATE review_items SET due_at = now() + interval '1 second' WHERE id = $1`, [item.id]);

    expect(await alerted(supporter, item.id, 'overdue')).toEqual([expect.objectContaining({ kind: 'overdue' })]);
    const [event] = await overdueEvents(item.id);
    expect(event).toMatchObject({ audience: 'supporters', item: { id: item.id, overdue: true, subject: expect.objectContaining({ id: held.id }) } });
  });

  it('listens again after its connection is cut, and keeps acting on time', async () => {
    const listeners = async (): Promise<number[]> =>
      (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kindred-deadline-timer'`)).map(
        (r: Json) => r.pid as number,
      );
    const before = await listeners();
    expect(before).toHaveLength(workers.length);
    await db.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [before]);
    const deadline = Date.now() + 20_000;
    let after = await listeners();
    while ((after.length < workers.length || after.some((pid) => before.includes(pid))) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await listeners();
    }
    expect(after).toHaveLength(workers.length);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);

    const [inserted] = await db.query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, audience, status, created_at, due_at)
       VALUES ($1, 'post', 'post', gen_random_uuid(), 'normal', 'supporters', 'open', now(), now() + interval '1 second')
       RETURNING id`,
      [groupId],
    );
    expect(await alerted(supporter, inserted.id, 'overdue')).toEqual([expect.objectContaining({ kind: 'overdue' })]);
  });

  it('escalates to the admins at twice the SLA, once, with an audit entry', async () => {
    const [inserted] = await db.query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, audience, status, created_at, due_at)
       VALUES ($1, 'post', 'post', gen_random_uuid(), 'normal', 'supporters', 'open', now(), now() + interval '500 milliseconds')
       RETURNING id, subject_id`,
      [groupId],
    );
    const id = inserted.id as string;

    expect(await alerted(admin, id, 'escalated')).toEqual([expect.objectContaining({ kind: 'escalated' })]);
    expect(await alertsFor(supporter, id)).toEqual([expect.objectContaining({ kind: 'overdue' })]);
    const after = await row(id);
    expect(after.audience).toBe('admins');
    expect(after.escalated_at.getTime()).toBeGreaterThanOrEqual(after.due_at.getTime() + 500);
    const log = await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(admin)).expect(200);
    expect(log.body.items.filter((e: Json) => e.action === 'review.escalate' && e.subjectId === inserted.subject_id)).toHaveLength(1);
  });
});
