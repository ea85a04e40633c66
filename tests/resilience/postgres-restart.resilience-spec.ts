import { Client } from 'pg';
import { loadConfig } from '../../libs/config/src';
import { runMigrations } from '../../libs/database/src/run-migrations';
import { createGroup, joinedMember, referralCode } from '../support/community';
import { Person } from '../support/people';
import { PrivatePostgres } from '../support/private-postgres';
import { freePort } from '../support/processes';
import { resilienceEnv } from './resilience-env';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

interface Answer {
  status: number | 'timeout' | 'error';
  id?: string;
  code?: string;
  startedAt: number;
  endedAt: number;
}

const CLIENT_TIMEOUT_MS = 5000;

/**
 * PostgreSQL is restarted (pg_ctl stop -m fast, then start) while members keep posting. It is a
 * private cluster on its own port, so the machine's shared server is never touched. What was
 * acknowledged must survive, requests made while it is down must get a prompt 503, and the
 * services must recover on their own.
 */
describe('PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let stack: ProcessStack;
  let db: Client;

  beforeAll(async () => {
    pg = new PrivatePostgres(await freePort());
    await pg.init();
    const url = await pg.createDatabase('kindred_test_pg_restart');
    const env = resilienceEnv({ DATABASE_URL: url });
    await runMigrations(loadConfig({ ...process.env, ...env }));
    stack = await startProcessStack({ DATABASE_URL: url, REDIS_PREFIX: `${env.REDIS_PREFIX}-pg-restart` });
  });

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await stack?.stop();
    pg?.destroy();
  });

  it('keeps what was acknowledged, answers 503 while down, and recovers without a restart', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const members = await Promise.all(Array.from({ length: 3 }, () => joinedMember(stack.forum, groupId, code)));

    const answers: Answer[] = [];
    let writing = true;
    const post = async (member: Person, n: number): Promise<Answer> => {
      const startedAt = Date.now();
      try {
        const response = await request(stack.forum.url)
          .post(`/groups/${groupId}/topics`)
          .set(bearer(member))
          .send({ title: `Under load ${n}`, body: `Posting while the database restarts, number ${n}.` })
          .timeout(CLIENT_TIMEOUT_MS);
        return { status: response.status, id: response.body?.id, code: response.body?.code, startedAt, endedAt: Date.now() };
      } catch (error) {
        const timedOut = (error as { timeout?: number }).timeout !== undefined;
        return { status: timedOut ? 'timeout' : 'error', startedAt, endedAt: Date.now() };
      }
    };
    const writers = members.map(async (member, w) => {
      for (let n = 0; writing; n += 1) {
        answers.push(await post(member, w * 10_000 + n));
        await new Promise((r) => setTimeout(r, 20));
      }
    });

    await new Promise((r) => setTimeout(r, 2000));
    pg.stop();
    const downFrom = Date.now();
    // While it is down: a read and a write, each answered promptly with problem+json 503.
    for (const attempt of [
      () => request(stack.forum.url).get(`/groups/${groupId}/topics`).set(bearer(members[0]!)).timeout(CLIENT_TIMEOUT_MS),
      () =>
        request(stack.forum.url)
          .post(`/groups/${groupId}/topics`)
          .set(bearer(members[1]!))
          .send({ title: 'While down', body: 'Is anyone there?' })
          .timeout(CLIENT_TIMEOUT_MS),
    ]) {
      const response = await attempt();
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body.code).toBe('SERVICE_UNAVAILABLE');
    }
    await new Promise((r) => setTimeout(r, 3000));
    const downUntil = Date.now();
    await pg.start();

    // Recovery without restarting anything: a write succeeds again within a few seconds.
    const recoveredBy = Date.now() + 20_000;
    let recovered: Answer | undefined;
    while (!recovered) {
      const answer = await post(members[2]!, 99_999);
      if (answer.status === 202) recovered = answer;
      else if (Date.now() > recoveredBy) throw new Error(`still failing 20 s after PostgreSQL returned: ${JSON.stringify(answer)}`);
      else await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1000));
    writing = false;
    await Promise.all(writers);

    // No hang and no 500: every answer was an acceptance or a 503.
    const unexpected = answers.filter((a) => a.status !== 202 && a.status !== 503);
    expect(unexpected).toEqual([]);
    // Everything asked entirely while the database was down got 503.
    const whileDown = answers.filter((a) => a.startedAt >= downFrom && a.endedAt <= downUntil);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.every((a) => a.status === 503 && a.code === 'SERVICE_UNAVAILABLE')).toBe(true);

    // Every acknowledged post is still there, and is screened once the worker is back on its feet.
    const accepted = [...answers.filter((a) => a.status === 202), recovered].map((a) => a.id!);
    expect(accepted.filter((a) => a === undefined)).toEqual([]);
    const beforeRestart = answers.filter((a) => a.status === 202 && a.endedAt < downFrom);
    expect(beforeRestart.length).toBeGreaterThan(0);
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    const { rows: stored } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[])`, [accepted]);
    expect(stored[0].n).toBe(accepted.length);
    const screenedBy = Date.now() + 30_000;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [accepted]);
      if (rows[0].n === 0) break;
      if (Date.now() > screenedBy) throw new Error(`${rows[0].n} accepted posts still in screening 30 s after the restart`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const published = await request(stack.forum.url).get(`/posts/${recovered.id}`).set(bearer(members[0]!)).timeout(CLIENT_TIMEOUT_MS);
    expect(published.status).toBe(200);
  });
});
