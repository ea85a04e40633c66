// `cluster`: forum reads and chat fan-out through HAProxy (deploy/haproxy/haproxy.cfg) in front of two
// forum and two chat instances, against one instance reached directly, in the same run, alternating.
// Every server process (both forums, both chats, the worker and HAProxy) is pinned to the one server
// core, so both sides get the same CPU: the ratio is what the balancer hop and a second instance cost
// (or save) for the same hardware, not a scale-out figure (that needs more cores; docs/CAPACITY.md).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { io } = require('socket.io-client');
const lib = require('./lib');
const { community, seededForum } = require('./community');

const CONNECTIONS = 50;
const SOCKETS = 200;

/** deploy/haproxy/haproxy.cfg with this machine's bind addresses and server lines (as tests/cluster/haproxy-config.ts does). */
function haproxyConfig({ bind, stats, forums, chats }) {
  const out = [];
  let section = '';
  for (const line of fs.readFileSync(path.join(lib.ROOT, 'deploy', 'haproxy', 'haproxy.cfg'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) section = line.trim();
    if (section.startsWith('resolvers')) continue;
    if (/^\s*bind :8404/.test(line)) out.push(`    bind ${stats}`);
    else if (/^\s*bind :80$/.test(line)) out.push(`    bind ${bind}`);
    else if (/^\s*server forum-1 /.test(line)) out.push(...forums.map((port, i) => `    server forum-${i + 1} 127.0.0.1:${port} check`));
    else if (/^\s*server forum-1-open /.test(line)) out.push(...forums.map((port, i) => `    server forum-${i + 1}-open 127.0.0.1:${port} backup`));
    else if (/^\s*server chat-1 /.test(line)) out.push(...chats.map((port, i) => `    server chat-${i + 1} 127.0.0.1:${port} check cookie chat-${i + 1}`));
    else if (/^\s*server (forum|chat)-\d/.test(line)) continue;
    else if (/^\s*maxconn \d+$/.test(line)) out.push('    maxconn 4000');
    else if (/^\s*log /.test(line)) continue;
    else out.push(line.replace(/ resolvers docker init-addr \S+/, ''));
  }
  return out.join('\n');
}

function startHaproxy(config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-bench-haproxy-'));
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, config);
  const argv = lib.HAS_TASKSET && lib.SERVER_CORE ? ['-c', lib.SERVER_CORE, 'haproxy', '-db', '-f', file] : ['-db', '-f', file];
  const child = spawn(lib.HAS_TASKSET && lib.SERVER_CORE ? 'taskset' : 'haproxy', argv, { stdio: 'ignore' });
  return {
    pid: () => child.pid,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private redis-server for this benchmark, so its command counts are Kindred's alone. */
async function startRedis(port) {
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', os.tmpdir()], {
    stdio: 'ignore',
  });
  const client = new (require('ioredis'))(`redis://127.0.0.1:${port}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (n) => (n > 50 ? null : 100),
  });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async commands() {
      const info = await client.info('stats');
      return Number(/total_commands_processed:(\d+)/.exec(info)[1]);
    },
    async stop() {
      client.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Transactions committed in the bench database (each statement outside a transaction is one). */
async function pgTransactions() {
  return lib.withClient(lib.benchEnv().DATABASE_URL, async (client) => {
    const { rows } = await client.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  });
}

function connect(url, token) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`socket refused: ${error.message}`)));
  });
}

async function run({ repeats, size, log }) {
  const durationMs = size === 'small' ? 3000 : 8000;
  const warmupMs = size === 'small' ? 1000 : 2000;
  const burst = size === 'small' ? 50 : 150;
  await lib.prepareDatabase();
  const redisPort = await lib.freePort();
  const redis = await startRedis(redisPort);
  const env = (extra) =>
    lib.benchEnv({ LOG_LEVEL: 'warn', CHAT_MESSAGES_PER_WINDOW: '1000', HTTP_TRUST_PROXY: 'true', REDIS_URL: `redis://127.0.0.1:${redisPort}/0`, ...extra });

  const procs = [];
  const ports = { forums: [await lib.freePort(), await lib.freePort()], chats: [await lib.freePort(), await lib.freePort()] };
  const haproxyPort = await lib.freePort();
  const haproxyUrl = `http://127.0.0.1:${haproxyPort}`;
  let haproxy;
  try {
    for (const port of ports.forums) procs.push(new lib.Proc('forum', lib.ENTRY.forum, env({ FORUM_PORT: String(port) })));
    for (const port of ports.chats) procs.push(new lib.Proc('chat', lib.ENTRY.chat, env({ CHAT_PORT: String(port), CHAT_PUBLIC_URL: haproxyUrl })));
    const worker = new lib.Proc('moderation-worker', lib.ENTRY.worker, env({ WORKER_PORT: String(await lib.freePort()), SCREENING_CONCURRENCY: '10' }));
    procs.push(worker);
    await Promise.all([
      // Five processes booting on one core: give them time.
      ...ports.forums.map((p, i) => procs[i].healthy(`http://127.0.0.1:${p}`, 180_000)),
      ...ports.chats.map((p, i) => procs[2 + i].healthy(`http://127.0.0.1:${p}`, 180_000)),
    ]);
    haproxy = startHaproxy(haproxyConfig({ bind: `127.0.0.1:${haproxyPort}`, stats: `127.0.0.1:${await lib.freePort()}`, ...ports }));
    for (let i = 0; ; i++) {
      const response = await lib.httpRequest('GET', `${haproxyUrl}/health`).catch(() => ({ status: 0 }));
      if (response.status === 200) break;
      if (i > 100) throw new Error('haproxy did not answer');
      await lib.sleep(100);
    }
    const [forumA, forumB, chatA, chatB] = procs;
    const forumAUrl = `http://127.0.0.1:${ports.forums[0]}`;
    const chatAUrl = `http://127.0.0.1:${ports.chats[0]}`;
    const seed = await seededForum(forumAUrl, size === 'small' ? { topics: 1000, postsPerTopic: 20 } : { topics: 10_000, postsPerTopic: 20 }, log);
    const reader = seed.members[0];

    // ---- forum reads: a page of 20 posts at 50 connections
    const cpuOf = (list) => list.reduce((sum, p) => sum + p.cpu(), 0) + lib.cpuSeconds(haproxy.pid());
    const readAt = (url, servers) => async () => {
      const cpu0 = cpuOf(servers);
      const [pg0, redis0] = [await pgTransactions(), await redis.commands()];
      const result = await lib.load({
        connections: CONNECTIONS,
        durationMs,
        warmupMs,
        operation: async (i, n) => {
          const topicId = seed.topicIds[(i * 7919 + n) % seed.topicIds.length];
          const response = await lib.httpRequest('GET', `${url}/topics/${topicId}/posts`, { token: reader.token });
          if (response.status !== 200) throw new Error(`status ${response.status}`);
        },
      });
      const cpu = cpuOf(servers) - cpu0;
      const total = result.count * ((durationMs + warmupMs) / durationMs);
      const [pg1, redis1] = [await pgTransactions(), await redis.commands()];
      return {
        rate: result.rate,
        p99: result.p99,
        errors: result.errors,
        cpuMs: lib.cpuMsPer(cpu, total),
        pgPerRequest: (pg1 - pg0) / total,
        redisPerRequest: (redis1 - redis0) / total,
      };
    };
    const reads = await lib.alternate(repeats, { log, warmup: true, baseline: readAt(forumAUrl, [forumA]), ours: readAt(haproxyUrl, [forumA, forumB]) });

    // ---- chat fan-out: 200 sockets in one room, a burst of messages from one sender
    const room = await community(forumAUrl, 5);
    const [sender, ...listeners] = room.members;
    const fanOut = (url, servers) => async () => {
      const rssBefore = servers[0].rss();
      const receivers = [];
      for (let i = 0; i < SOCKETS; i += 20) {
        const batch = await Promise.all(Array.from({ length: Math.min(20, SOCKETS - i) }, (_, k) => connect(url, listeners[(i + k) % listeners.length].token)));
        receivers.push(...batch);
      }
      await Promise.all(receivers.map((s) => s.timeout(20_000).emitWithAck('chat:join', { groupId: room.groupId })));
      const from = await connect(url, sender.token);
      await from.timeout(20_000).emitWithAck('chat:join', { groupId: room.groupId });
      const rssWithSockets = servers[0].rss();
      const [pg0, redis0] = [await pgTransactions(), await redis.commands()];
      const expected = SOCKETS * burst;
      let delivered = 0;
      const ids = new Set();
      const done = new Promise((resolve) => {
        for (const socket of receivers)
          socket.on('chat:message', (m) => {
            if (!ids.has(m.id)) return;
            delivered += 1;
            if (delivered === expected) resolve();
          });
      });
      const cpu0 = cpuOf(servers);
      const started = Date.now();
      for (let m = 0; m < burst; m++) {
        const ack = await from
          .timeout(20_000)
          .emitWithAck('chat:send', { groupId: room.groupId, body: `Fan-out ${m} ${randomUUID().slice(0, 6)}`, clientMsgId: randomUUID() });
        if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack)}`);
        ids.add(ack.id);
      }
      await Promise.race([done, lib.sleep(120_000)]);
      const seconds = (Date.now() - started) / 1000;
      const cpu = cpuOf(servers) - cpu0;
      const [pg1, redis1] = [await pgTransactions(), await redis.commands()];
      for (const socket of [...receivers, from]) socket.close();
      if (delivered < expected) log(`    only ${delivered} of ${expected} deliveries`);
      return {
        rate: delivered / seconds,
        cpuMs: lib.cpuMsPer(cpu, delivered),
        delivered,
        // Per message sent (each reached every socket): what a message costs the stores.
        pgPerMessage: (pg1 - pg0) / burst,
        redisPerMessage: (redis1 - redis0) / burst,
        kbPerSocket: ((rssWithSockets - rssBefore) * 1024) / (SOCKETS + 1),
      };
    };
    const fan = await lib.alternate(repeats, {
      log,
      warmup: true,
      baseline: fanOut(chatAUrl, [chatA, worker]),
      ours: fanOut(haproxyUrl, [chatA, chatB, worker]),
    });

    const setting = 'every server process (2 forums, 2 chats, the worker, HAProxy) pinned to the one server core: same CPU on both sides';
    return [
      lib.row({
        name: 'cluster forum-read',
        ours: reads.medianOf('ours', 'rate'),
        baseline: reads.medianOf('baseline', 'rate'),
        unit: 'req/s',
        notes: `ours = HAProxy → 2 forums, baseline = 1 forum directly; GET /topics/:id/posts (20 posts), ${CONNECTIONS} connections, ${durationMs / 1000} s per repeat after ${warmupMs / 1000} s warm-up; p99 ours ${lib.round(reads.medianOf('ours', 'p99'))} ms, baseline ${lib.round(reads.medianOf('baseline', 'p99'))} ms; per request: PostgreSQL transactions ${lib.round(reads.medianOf('baseline', 'pgPerRequest'))}, Redis commands ${lib.round(reads.medianOf('baseline', 'redisPerRequest'))}; ${setting}`,
        oursCpuPerUnit: reads.medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: reads.medianOf('baseline', 'cpuMs'),
      }),
      lib.row({
        name: 'cluster chat-fanout',
        ours: fan.medianOf('ours', 'rate'),
        baseline: fan.medianOf('baseline', 'rate'),
        unit: 'delivered msgs/s',
        notes: `ours = ${SOCKETS} sockets and the sender through HAProxy, spread over 2 chats (the Redis adapter carries each message to both), baseline = all on 1 chat directly; a burst of ${burst} messages per repeat, each screened by the worker; per message sent: PostgreSQL transactions ${lib.round(fan.medianOf('baseline', 'pgPerMessage'))} (1 chat) / ${lib.round(fan.medianOf('ours', 'pgPerMessage'))} (2 chats), Redis commands ${lib.round(fan.medianOf('baseline', 'redisPerMessage'))} / ${lib.round(fan.medianOf('ours', 'redisPerMessage'))}; chat RSS per connected socket ${lib.round(fan.medianOf('baseline', 'kbPerSocket'))} KB; ${setting}`,
        oursCpuPerUnit: fan.medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: fan.medianOf('baseline', 'cpuMs'),
        rss: Object.fromEntries(procs.map((p, i) => [`${p.name} ${i}`, p.rss()])),
      }),
    ];
  } finally {
    await haproxy?.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await redis.stop();
  }
}

module.exports = { run };
