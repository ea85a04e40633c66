import { Client } from 'pg';
import { createGroup, joinedMember, referralCode } from '../support/community';
import { freePort, PrivateRedis } from '../support/processes';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

/**
 * Redis is stopped for real while members post, then started again, empty. The posts must be
 * accepted meanwhile, and every one screened within 30 s of Redis coming back.
 */
describe('Redis stopped while posts are submitted', () => {
  let redis: PrivateRedis;
  let stack: ProcessStack;
  let db: Client;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    stack = await startProcessStack({ REDIS_URL: redis.url });
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    await redis?.stop();
  });

  it('accepts posts with 202 while Redis is down and screens them all once it is back', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const member = await joinedMember(stack.forum, groupId, code);

    await redis.stop();
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const body = i === 0 ? 'I want to kill myself tonight.' : `Posting while the cache is down, ${i}.`;
      const response = await request(stack.forum.url).post(`/groups/${groupId}/topics`).set(bearer(member)).send({ title: `Outage ${i}`, body }).timeout(5000);
      expect(response.status).toBe(202);
      ids.push(response.body.id);
    }
    const { rows: waiting } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids]);
    expect(waiting[0].n).toBe(ids.length);

    await redis.start();
    const back = Date.now();
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids]);
      if (rows[0].n === 0) break;
      if (Date.now() - back > 30_000) throw new Error(`${rows[0].n} posts still unscreened 30 s after Redis returned`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows } = await db.query(`SELECT id, status FROM posts WHERE id = ANY($1::uuid[])`, [ids]);
    const status = new Map(rows.map((r) => [r.id, r.status]));
    expect(status.get(ids[0]!)).toBe('held');
    expect(ids.slice(1).every((id) => status.get(id) === 'published')).toBe(true);
  });
});
