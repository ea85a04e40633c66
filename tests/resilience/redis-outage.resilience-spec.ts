import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { createGroup, joinedMember, referralCode } from '../support/community';
import { ENTRY, freePort, PrivateRedis, ServiceProcess } from '../support/processes';
import { adminOf, bearer, ProcessStack, request, startProcessStack } from './stack';

/**
 * Redis is stopped for real while members post, then started again, empty. The posts must be
 * accepted meanwhile, and every one screened within 30 s of Redis coming back.
 */
describe('Redis stopped while posts are submitted', () => {
  let redis: PrivateRedis;
  let stack: ProcessStack;
  let chat: ServiceProcess;
  let db: Client;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    stack = await startProcessStack({ REDIS_URL: redis.url });
    const chatPort = await freePort();
    chat = new ServiceProcess(ENTRY.chat, { ...stack.env, CHAT_PORT: String(chatPort) }, chatPort).start();
    await chat.healthy();
    db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await db?.end();
    await chat?.kill();
    await stack?.stop();
    await redis?.stop();
  });

  it('accepts posts and chat messages while Redis is down and screens them all once it is back', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const member = await joinedMember(stack.forum, groupId, code);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = io(chat.url, { auth: { token: member.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    expect(await socket.timeout(5000).emitWithAck('chat:join', { groupId })).toMatchObject({ ok: true });

    await redis.stop();
    const messageIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const ack = await socket.timeout(5000).emitWithAck('chat:send', { groupId, body: `Chatting while the cache is down, ${i}.`, clientMsgId: randomUUID() });
      expect(ack).toMatchObject({ ok: true, status: 'screening' });
      messageIds.push(ack.id);
    }
    const ids: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const body = i === 0 ? 'I want to kill myself tonight.' : `Posting while the cache is down, ${i}.`;
      const response = await request(stack.forum.url)
        .post(`/groups/${groupId}/topics`)
        .set(bearer(member))
        .send({ title: `Outage ${i}`, body })
        .timeout(5000);
      expect(response.status).toBe(202);
      ids.push(response.body.id);
    }
    // Password checks fail closed: with nothing to count attempts in, sign-in answers 503 (never an
    // unlimited check), while sessions already open keep working.
    const signIn = await request(stack.forum.url).post('/auth/login').send({ email: member.email, password: member.password }).timeout(5000);
    expect(signIn.status).toBe(503);
    expect(signIn.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(signIn.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(signIn.body.token).toBeUndefined();
    await request(stack.forum.url).get('/me').set(bearer(member)).timeout(5000).expect(200);

    const { rows: waiting } = await db.query(`SELECT count(*)::int AS n FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening'`, [ids]);
    expect(waiting[0].n).toBe(ids.length);

    await redis.start();
    const back = Date.now();
    for (;;) {
      const { rows } = await db.query(
        `SELECT (SELECT count(*) FROM posts WHERE id = ANY($1::uuid[]) AND status = 'screening') + (SELECT count(*) FROM messages WHERE id = ANY($2::uuid[]) AND status = 'screening') AS n`,
        [ids, messageIds],
      );
      if (Number(rows[0].n) === 0) break;
      if (Date.now() - back > 30_000) throw new Error(`${rows[0].n} posts still unscreened 30 s after Redis returned`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows } = await db.query(`SELECT id, status FROM posts WHERE id = ANY($1::uuid[])`, [ids]);
    const status = new Map(rows.map((r) => [r.id, r.status]));
    expect(status.get(ids[0]!)).toBe('held');
    expect(ids.slice(1).every((id) => status.get(id) === 'published')).toBe(true);
    // Nothing reached anyone unscreened: every published message carries its screening time.
    const { rows: messages } = await db.query(`SELECT status, screened_at FROM messages WHERE id = ANY($1::uuid[])`, [messageIds]);
    expect(messages.map((m) => m.status)).toEqual(['published', 'published', 'published']);
    expect(messages.every((m) => m.screened_at !== null)).toBe(true);
  });
});
