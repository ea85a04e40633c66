import request from 'supertest';
import { DataSource } from 'typeorm';
import { RetentionService } from '@kindred/retention';
import { bearer, Person } from '../support/people';
import { createAdmin, createGroup } from '../support/community';
import { RunningHttpApp, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

describe('retention', () => {
  let forum: RunningHttpApp;
  let worker: WorkerApp;
  let admin: Person;

  beforeAll(async () => {
    [forum, worker] = await Promise.all([startForum(), startWorker({ RETENTION_NOTICE_DAYS: '30', RETENTION_CLOSED_REVIEW_ITEM_DAYS: '60' })]);
    admin = await createAdmin(forum);
  });

  afterAll(async () => {
    await Promise.all([forum?.close(), worker?.close()]);
  });

  it('purges exactly what is past its period — chat, notices, closed review items — and records the counts in the audit log', async () => {
    const db = forum.app.get(DataSource);
    const groupId = await createGroup(forum, admin);
    await db.query(`UPDATE groups SET chat_retention_days = 7 WHERE id = $1`, [groupId]);
    const ids = async (sql: string, params: unknown[]) => ((await db.query(sql, params)) as Array<{ id: string }>)[0]!.id;
    const message = (days: number) =>
      ids(
        `INSERT INTO messages (group_id, author_id, body, status, created_at, published_at) VALUES ($1, $2, 'chat words', 'published', now() - make_interval(days => $3), now()) RETURNING id`,
        [groupId, admin.id, days],
      );
    const notice = (days: number) =>
      ids(
        `INSERT INTO notices (user_id, kind, group_id, message, created_at) VALUES ($1, 'warning', $2, 'a notice', now() - make_interval(days => $3)) RETURNING id`,
        [admin.id, groupId, days],
      );
    const reviewItem = (days: number, status: string) =>
      ids(
        `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, status, created_at, due_at, decided_at)
         VALUES ($1, 'post', 'post', gen_random_uuid(), 'normal', $2, now() - make_interval(days => $3), now(), CASE WHEN $2 = 'decided' THEN now() - make_interval(days => $3) END) RETURNING id`,
        [groupId, status, days],
      );

    const expired = [
      await message(8),
      await message(20),
      await notice(31),
      await notice(400),
      await reviewItem(61, 'decided'),
      await reviewItem(90, 'superseded'),
    ];
    const awaitingReview = await message(30);
    await db.query(
      `INSERT INTO review_items (group_id, kind, subject_type, subject_id, priority, status, due_at) VALUES ($1, 'message', 'message', $2, 'urgent', 'open', now())`,
      [groupId, awaitingReview],
    );
    const kept = [await message(6), awaitingReview, await notice(29), await reviewItem(59, 'decided'), await reviewItem(400, 'open')];

    const counts = await worker.context.get(RetentionService).purgeAll();
    expect(counts.get(groupId)).toEqual({ messages: 2, notices: 2, closedReviewItems: 2 });

    const all = [...expired, ...kept];
    const left = (await db.query(
      `SELECT id FROM messages WHERE id = ANY($1::uuid[]) UNION ALL SELECT id FROM notices WHERE id = ANY($1::uuid[]) UNION ALL SELECT id FROM review_items WHERE id = ANY($1::uuid[])`,
      [all],
    )) as Array<{ id: string }>;
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());

    const log = await request(forum.url).get(`/groups/${groupId}/audit-log`).set(bearer(admin)).expect(200);
    const entry = log.body.items.find((e: { action: string }) => e.action === 'retention.purged');
    expect(entry).toMatchObject({
      actor: null,
      subjectType: 'group',
      subjectId: groupId,
      detail: expect.objectContaining({ messages: 2, notices: 2, closedReviewItems: 2 }),
    });
    expect(JSON.stringify(entry)).not.toMatch(/chat words|a notice/);

    // A second run finds nothing more and writes nothing more.
    expect((await worker.context.get(RetentionService).purgeAll()).size).toBe(0);
  });
});
