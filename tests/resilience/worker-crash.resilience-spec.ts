import { Client } from 'pg';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';
import { createGroup, joinedMember, referralCode } from '../support/community';

/**
 * The worker is killed with SIGKILL in the middle of screening a batch, then a new one starts.
 * Every item must leave `screening`, with exactly one verdict, one notice and one review item.
 */
describe('a worker killed mid-screening', () => {
  let stack: ProcessStack;
  let db: Client;

  beforeAll(async () => {
    // A slow, narrow worker, so the batch is still being screened when it is killed.
    stack = await startProcessStack({ SCREENING_CONCURRENCY: '2' });
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  it('finishes every item exactly once after a restart', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const members = await Promise.all(Array.from({ length: 4 }, () => joinedMember(stack.forum, groupId, code)));

    // Crisis posts produce both a notice and an urgent review item: the effects that must not double.
    const bodies = (i: number) => (i % 3 === 0 ? `I want to end my life, I cannot go on (${i}).` : `Clinic went fine today, number ${i}.`);
    const total = 300;
    // The batch waits in the queue while no worker runs; then one starts and is killed mid-batch.
    await stack.worker.kill('SIGTERM');
    const ids: string[] = [];
    for (let start = 0; start < total; start += 20) {
      const responses = await Promise.all(
        Array.from({ length: Math.min(20, total - start) }, (_, k) =>
          request(stack.forum.url)
            .post(`/groups/${groupId}/topics`)
            .set(bearer(members[(start + k) % members.length]!))
            .send({ title: `Post ${start + k}`, body: bodies(start + k) })
            .expect(202),
        ),
      );
      ids.push(...responses.map((r) => r.body.id as string));
    }
    stack.worker = await stack.newWorker();

    // Kill the worker as soon as it has decided some, but not all.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status <> 'screening'`, [ids]);
      if (rows[0].n > 0 && rows[0].n < total) break;
      if (rows[0].n === total) throw new Error('the worker finished before it could be killed; make the batch larger');
      if (Date.now() > deadline) throw new Error('the worker never started screening');
      await new Promise((r) => setTimeout(r, 20));
    }
    await stack.worker.kill('SIGKILL');
    const { rows: left } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids]);
    expect(left[0].n).toBeGreaterThan(0);

    stack.worker = await stack.newWorker();
    const finishBy = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids]);
      if (rows[0].n === 0) break;
      if (Date.now() > finishBy) throw new Error(`${rows[0].n} items still in screening after the restart`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const crisisIds = ids.filter((_, i) => i % 3 === 0);
    const { rows: statuses } = await db.query(`SELECT status, count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) GROUP BY status`, [ids]);
    expect(Object.fromEntries(statuses.map((r) => [r.status, r.n]))).toEqual({ held: crisisIds.length, published: total - crisisIds.length });
    const { rows: items } = await db.query(`SELECT subject_id, count(*)::int AS n FROM review_items WHERE subject_id = ANY($1::uuid[]) GROUP BY subject_id`, [
      ids,
    ]);
    expect(items).toHaveLength(crisisIds.length);
    expect(items.every((r) => r.n === 1)).toBe(true);
    const { rows: notices } = await db.query(`SELECT subject_id, count(*)::int AS n FROM notices WHERE subject_id = ANY($1::uuid[]) GROUP BY subject_id`, [
      ids,
    ]);
    expect(notices).toHaveLength(crisisIds.length);
    expect(notices.every((r) => r.n === 1)).toBe(true);
  });
});
