// `chat-fanout`: N members' sockets in one room and a few senders, every message going the full
// way (chat:send → PostgreSQL + outbox → BullMQ → moderation worker screens and commits →
// events → chat service → room). Reports delivered messages/s and send→deliver p50/p99, against
// a bare socket.io server (bench/baselines/socketio-broadcast.js) doing the same fan-out with the
// same client code in the same run.
const { createHash, randomUUID } = require('node:crypto');
const { io } = require('socket.io-client');
const lib = require('./lib');
const { community } = require('./community');

const SIZES = {
  small: { receivers: 200, senders: 4, messages: 100 },
  full: { receivers: 500, senders: 8, messages: 400 },
};
const DELIVERY_TIMEOUT_MS = 180_000;
/**
 * A screening job holds its verdict transaction while it reads through the pool (group context,
 * published counts), so it can need two of the pool's 20 connections at once. At the default
 * concurrency of 50 a burst of chat starves the pool and jobs fail with "timeout exceeded when
 * trying to connect"; 10 fits. Override with CHAT_BENCH_SCREENING_CONCURRENCY.
 */
const SCREENING_CONCURRENCY = Number(process.env.CHAT_BENCH_SCREENING_CONCURRENCY ?? 10);

/** Receivers are seeded in SQL (an API sign-up per socket would make set-up take minutes); their sessions are real. */
async function seedReceivers(client, groupId, count) {
  const { rows: version } = await client.query('SELECT max(version) AS v FROM agreement_versions WHERE group_id = $1', [groupId]);
  const tag = randomUUID().slice(0, 8);
  const people = Array.from({ length: count }, (_, i) => ({ token: randomUUID() + randomUUID(), name: `Bench reader ${tag} ${i}` }));
  const { rows: users } = await client.query(
    `INSERT INTO users (email, email_normalised, password_hash, display_name, display_name_normalised, date_of_birth)
     SELECT 'reader-' || $1 || '-' || g || '@example.org', 'reader-' || $1 || '-' || g || '@example.org', 'seeded: cannot sign in',
            'Bench reader ' || $1 || ' ' || g, 'bench reader ' || $1 || ' ' || g, '2000-05-17'
     FROM generate_series(0, $2 - 1) AS g RETURNING id, display_name`,
    [tag, count],
  );
  const byName = new Map(users.map((u) => [u.display_name, u.id]));
  for (const person of people) person.id = byName.get(person.name);
  const ids = people.map((p) => p.id);
  await client.query(`INSERT INTO memberships (user_id, group_id) SELECT unnest($1::uuid[]), $2`, [ids, groupId]);
  await client.query(`INSERT INTO agreement_acceptances (user_id, group_id, version) SELECT unnest($1::uuid[]), $2, $3`, [ids, groupId, version[0].v]);
  await client.query(`INSERT INTO sessions (user_id, token_hash, expires_at) SELECT unnest($1::uuid[]), unnest($2::text[]), now() + interval '1 day'`, [
    ids,
    people.map((p) => createHash('sha256').update(p.token, 'utf8').digest('hex')),
  ]);
  return people;
}

function connect(url, token) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`socket refused: ${error.message}`)));
  });
}

/** Every person's socket, connected and joined to the room, a batch at a time. */
async function room(url, people, groupId) {
  const sockets = [];
  for (let i = 0; i < people.length; i += 50) {
    const batch = await Promise.all(people.slice(i, i + 50).map((p) => connect(url, p.token)));
    const acks = await Promise.all(batch.map((s) => s.timeout(20_000).emitWithAck('chat:join', { groupId })));
    const refused = acks.find((a) => !a.ok);
    if (refused) throw new Error(`chat:join refused: ${JSON.stringify(refused)}`);
    sockets.push(...batch);
  }
  return sockets;
}

/**
 * One measured burst: each sender sends its share one after another (the next once the previous is
 * acked); done when every receiver has every message.
 */
async function burst({ senders, receivers, groupId, messages, random, timeoutMs = DELIVERY_TIMEOUT_MS, partialOk = false }) {
  const sentAt = new Map();
  const expected = messages * receivers.length;
  const latencies = [];
  let delivered = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const onMessage = (m) => {
    const t0 = sentAt.get(m.clientMsgId);
    if (t0 === undefined) return;
    latencies.push(performance.now() - t0);
    delivered += 1;
    if (delivered === expected) finish();
  };
  for (const socket of receivers) socket.on('chat:message', onMessage);
  const refusals = [];
  const t0 = performance.now();
  try {
    await Promise.all(
      senders.map(async (socket, s) => {
        for (let i = s; i < messages; i += senders.length) {
          const clientMsgId = randomUUID();
          sentAt.set(clientMsgId, performance.now());
          const ack = await socket.timeout(20_000).emitWithAck('chat:send', { groupId, body: lib.ordinaryText(random, 160), clientMsgId });
          if (!ack.ok) refusals.push(ack.error?.code);
        }
      }),
    );
    if (refusals.length) throw new Error(`${refusals.length} sends refused (${refusals[0]})`);
    const timeout = lib.sleep(timeoutMs).then(() => 'timeout');
    if ((await Promise.race([done, timeout])) === 'timeout' && !partialOk) throw new Error(`only ${delivered} of ${expected} deliveries after ${timeoutMs} ms`);
  } finally {
    for (const socket of receivers) socket.off('chat:message', onMessage);
  }
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: delivered / seconds, p50: lib.percentile(latencies, 50), p99: lib.percentile(latencies, 99), deliveries: delivered };
}

async function run({ repeats = 3, size = 'small', log = () => {} } = {}) {
  const { receivers: receiverCount, senders: senderCount, messages } = SIZES[size] ?? SIZES.small;
  await lib.prepareDatabase();
  await lib.clearRedis();

  const [forumPort, chatPort, workerPort, barePort] = await Promise.all([lib.freePort(), lib.freePort(), lib.freePort(), lib.freePort()]);
  const forumUrl = `http://127.0.0.1:${forumPort}`;
  const chatUrl = `http://127.0.0.1:${chatPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  // The per-user limit is raised so the benchmark measures the pipeline, not the flood guard.
  const env = lib.benchEnv({
    FORUM_PORT: String(forumPort),
    CHAT_PORT: String(chatPort),
    WORKER_PORT: String(workerPort),
    CHAT_MESSAGES_PER_WINDOW: '1000',
    CHAT_RATE_WINDOW_SECONDS: '1',
    SCREENING_CONCURRENCY: String(SCREENING_CONCURRENCY),
  });
  const forum = new lib.Proc('forum', lib.ENTRY.forum, env);
  const chat = new lib.Proc('chat', lib.ENTRY.chat, env);
  const worker = new lib.Proc('moderation-worker', lib.ENTRY.worker, env);
  const bare = new lib.Proc('socketio-broadcast', 'bench/baselines/socketio-broadcast.js', { PORT: String(barePort) });
  const client = lib.db();
  await client.connect();
  const open = [];
  try {
    await Promise.all([forum.healthy(forumUrl), chat.healthy(chatUrl), worker.healthy(`http://127.0.0.1:${workerPort}`), bare.waitFor(/^ready$/)]);
    log(`  ${receiverCount} receivers, ${senderCount} senders, ${messages} messages per repeat`);
    const made = await community(forumUrl, senderCount);
    const readers = await seedReceivers(client, made.groupId, receiverCount);
    const random = lib.prng(7);

    const ours = { senders: await room(chatUrl, made.members, made.groupId), receivers: await room(chatUrl, readers, made.groupId) };
    const baseline = { senders: await room(bareUrl, made.members, made.groupId), receivers: await room(bareUrl, readers, made.groupId) };
    open.push(...ours.senders, ...ours.receivers, ...baseline.senders, ...baseline.receivers);

    // An untimed pass of each: JIT, pools, the group's compiled rules, and the processes' first
    // Redis publisher connections (opened on first use; an event can be lost while they connect).
    const warm = async (side, name) => {
      const result = await burst({ ...side, groupId: made.groupId, messages: 20, random, timeoutMs: 20_000, partialOk: true });
      log(`  warm-up ${name}: ${result.deliveries} of ${20 * receiverCount} delivered`);
    };
    await warm(baseline, 'baseline');
    await warm(ours, 'ours');

    const cpuOf = (procs) => procs.reduce((sum, p) => sum + p.cpu(), 0);
    const measure = async (side, procs) => {
      const cpu0 = cpuOf(procs);
      const result = await burst({ ...side, groupId: made.groupId, messages, random });
      return { ...result, cpuMs: lib.cpuMsPer(cpuOf(procs) - cpu0, result.deliveries) };
    };
    const { medianOf } = await lib.alternate(repeats, { log, baseline: () => measure(baseline, [bare]), ours: () => measure(ours, [chat, worker]) });

    const lostEvents = worker.lines.filter((line) => line.includes('event not published')).length;
    const failedJobs = worker.lines.filter((line) => line.includes('"job failed"')).length;
    if (lostEvents || failedJobs) log(`  the worker reported ${lostEvents} event(s) not published and ${failedJobs} failed job attempt(s)`);
    const shape = `${receiverCount} receivers + ${senderCount} senders in one room, ${messages} messages per repeat, one chat instance, screening concurrency ${SCREENING_CONCURRENCY}`;
    const rss = { chat: chat.rss(), 'moderation-worker': worker.rss(), 'socketio-broadcast': bare.rss() };
    const fanout = lib.row({
      name: 'chat-fanout',
      ours: medianOf('ours', 'rate'),
      baseline: medianOf('baseline', 'rate'),
      unit: 'delivered msgs/s',
      target: 0.7,
      notes: `${shape}; ours = persist → screen → deliver, CPU is chat + worker`,
      oursCpuPerUnit: medianOf('ours', 'cpuMs'),
      baselineCpuPerUnit: medianOf('baseline', 'cpuMs'),
      rss,
    });
    const latency = (name, key) => {
      const oursMs = medianOf('ours', key);
      const bareMs = medianOf('baseline', key);
      const r = lib.row({
        name,
        ours: oursMs,
        baseline: bareMs,
        unit: 'ms send→deliver',
        target: 1,
        higherIsBetter: false,
        notes: `${key} of every delivery; ${shape}`,
      });
      // The pipeline adds a database transaction, a queue hop and a worker transaction; the goal is that it adds little more.
      return { ...r, target: '≤ bare + 5 ms', met: Number.isFinite(oursMs) && Number.isFinite(bareMs) ? oursMs <= bareMs + 5 : null };
    };
    return [fanout, latency('chat-latency', 'p50'), latency('chat-latency-p99', 'p99')];
  } catch (error) {
    const count = (text) => worker.lines.filter((line) => line.includes(text)).length;
    error.message += `\n--- worker: ${count('event not published')} event(s) not published, ${count('"job failed"')} failed job attempt(s)`;
    error.message += `\n--- chat output:\n${chat.tail().slice(-1500)}\n--- worker output:\n${worker.tail().slice(-1500)}`;
    throw error;
  } finally {
    for (const socket of open) socket.close();
    await Promise.all([forum.stop(), chat.stop(), worker.stop(), bare.stop()]);
    await client.end();
  }
}

module.exports = { run };
