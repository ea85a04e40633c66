// `cluster`: forum reads and chat fan-out through HAProxy (deploy/haproxy/haproxy.cfg) in front of two
// forum and two chat instances, against one instance reached directly, in the same run, alternating.
// Every server process (both forums, both chats, the worker and HAProxy) is pinned to the one server
// core, so both sides get the same CPU: the ratio is what the balancer hop and a second instance cost
// (or save) for the same hardware, not a scale-out figure (that needs more cores; docs/CAPACITY.md).
// Chat uses the chat-fanout bench's clients and measurements (bench/chat-clients.js) at its sizes:
// a burst (delivered msgs/s) and a paced run (send→deliver p99), every delivery counted at every
// receiver; a message lost, refused or delivered twice on either side fails the run.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');
const chatClients = require('./chat-clients');
const { SIZES: CHAT_SIZES, SCREENING_CONCURRENCY } = require('./chat-fanout.bench');
const { community, seededForum } = require('./community');

const CONNECTIONS = 50;

/**
 * deploy/haproxy/haproxy.cfg with this machine's bind addresses and server lines (as
 * tests/cluster/haproxy-config.ts does), except that a failed health check never takes a server out
 * (`fall` raised, `on-marked-down shutdown-sessions` dropped). On this shared, overloaded benchmark
 * machine live instances failed /health mid-run (their PostgreSQL probe waited more than 1.5 s for a
 * pooled connection): HAProxy marked a chat instance down, cut every one of its sockets (which these
 * clients do not reopen) and sent sockets pinned to it to the other instance. The benchmark measures
 * the cost of the balancer and a second instance, not failure handling (the cluster test does that
 * with the deployed settings), so checks still run, and are counted in the notes, but only report.
 */
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
    else if (/^\s*default-server /.test(line))
      out.push(
        line
          .replace(/ resolvers docker init-addr \S+/, '')
          .replace(' on-marked-down shutdown-sessions', '')
          .replace(/ fall \d+/, ' fall 1000000'),
      );
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

/** Each chat and forum server as HAProxy's stats page shows it: status, current sessions, times marked down, last check. */
async function haproxyServers(statsUrl) {
  const csv = await (await fetch(`${statsUrl}/stats;csv`)).text();
  const [header, ...lines] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name) => columns.indexOf(name);
  const servers = {};
  for (const line of lines) {
    const cells = line.split(',');
    const [backend, server] = [cells[at('pxname')], cells[at('svname')]];
    if (!['chat', 'forum'].includes(backend) || !/^(chat|forum)-\d$/.test(server)) continue;
    servers[server] = {
      status: cells[at('status')],
      sessions: Number(cells[at('scur')]),
      markedDown: Number(cells[at('chkdown')]),
      failedChecks: Number(cells[at('chkfail')]),
      check: cells[at('check_status')],
    };
  }
  return servers;
}

/**
 * Waits until HAProxy's stats page shows the chat instances holding `expected` ([chat-1, chat-2])
 * sessions; throws with what it shows if they never do. Returns { 'chat-1': n, 'chat-2': n }.
 */
async function expectSessions(statsUrl, expected, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const servers = await haproxyServers(statsUrl);
    const sessions = { 'chat-1': servers['chat-1']?.sessions, 'chat-2': servers['chat-2']?.sessions };
    if (sessions['chat-1'] === expected[0] && sessions['chat-2'] === expected[1]) return sessions;
    if (Date.now() > deadline)
      throw new Error(`HAProxy shows chat sessions ${JSON.stringify(sessions)}, expected chat-1 ${expected[0]} and chat-2 ${expected[1]}`);
    await lib.sleep(200);
  }
}

/** Failed health checks per server over the run, as "chat-2 3"; "none" when every check passed. */
function failedChecks(servers) {
  const failed = Object.entries(servers).filter(([, s]) => s.failedChecks > 0 || s.markedDown > 0);
  return failed.length ? failed.map(([name, s]) => `${name} ${s.failedChecks}${s.markedDown ? ` (marked down ×${s.markedDown})` : ''}`).join(', ') : 'none';
}

async function run({ repeats, size, log }) {
  const durationMs = size === 'small' ? 3000 : 8000;
  const warmupMs = size === 'small' ? 1000 : 2000;
  const chatSize = CHAT_SIZES[size];
  const idleMs = size === 'small' ? 10_000 : 30_000;
  await lib.prepareDatabase();
  const redisPort = await lib.freePort();
  const redis = await startRedis(redisPort);
  const env = (extra) =>
    lib.benchEnv({
      LOG_LEVEL: 'warn',
      // The per-person limit raised as the chat-fanout bench raises it, so the pipeline is measured, not the flood guard.
      CHAT_MESSAGES_PER_WINDOW: '1000',
      CHAT_RATE_WINDOW_SECONDS: '1',
      HTTP_TRUST_PROXY: 'true',
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      ...extra,
    });

  const procs = [];
  const ports = { forums: [await lib.freePort(), await lib.freePort()], chats: [await lib.freePort(), await lib.freePort()] };
  const haproxyPort = await lib.freePort();
  const haproxyUrl = `http://127.0.0.1:${haproxyPort}`;
  const statsPort = await lib.freePort();
  const statsUrl = `http://127.0.0.1:${statsPort}`;
  const open = [];
  let haproxy;
  try {
    for (const port of ports.forums) procs.push(new lib.Proc('forum', lib.ENTRY.forum, env({ FORUM_PORT: String(port) })));
    for (const port of ports.chats) procs.push(new lib.Proc('chat', lib.ENTRY.chat, env({ CHAT_PORT: String(port), CHAT_PUBLIC_URL: haproxyUrl })));
    const worker = new lib.Proc(
      'moderation-worker',
      lib.ENTRY.worker,
      env({ WORKER_PORT: String(await lib.freePort()), SCREENING_CONCURRENCY: String(SCREENING_CONCURRENCY) }),
    );
    procs.push(worker);
    await Promise.all([
      // Five processes booting on one core: give them time.
      ...ports.forums.map((p, i) => procs[i].healthy(`http://127.0.0.1:${p}`, 180_000)),
      ...ports.chats.map((p, i) => procs[2 + i].healthy(`http://127.0.0.1:${p}`, 180_000)),
    ]);
    haproxy = startHaproxy(haproxyConfig({ bind: `127.0.0.1:${haproxyPort}`, stats: `127.0.0.1:${statsPort}`, ...ports }));
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

    // ---- chat fan-out: each side its own group (so one side's sockets are never in the room the
    // other sends to), its receivers and senders connected for the whole run; a burst, then a paced run.
    const db = lib.db();
    await db.connect();
    const sides = {};
    try {
      for (const name of ['baseline', 'ours']) {
        const made = await community(forumAUrl, chatSize.senders);
        sides[name] = { groupId: made.groupId, members: made.members, readers: await chatClients.seedReceivers(db, made.groupId, chatSize.receivers) };
      }
    } finally {
      await db.end();
    }
    const socketsPerSide = chatSize.receivers + chatSize.senders;
    // What a socket costs: memory, CPU to connect, authenticate and join (a reconnection costs the
    // same), and CPU while it sits idle (heartbeats every 25 s, the delivery sweep).
    const joining = async (servers, connectAll) => {
      const [cpu0, t0] = [cpuOf(servers), performance.now()];
      await connectAll();
      const [cpu, seconds] = [cpuOf(servers) - cpu0, (performance.now() - t0) / 1000];
      return { rate: socketsPerSide / seconds, cpuMs: lib.cpuMsPer(cpu, socketsPerSide) };
    };
    const rssBefore = chatA.rss();
    const direct = {};
    const directJoin = await joining([chatA], async () => {
      direct.senders = await chatClients.room(chatAUrl, sides.baseline.members, sides.baseline.groupId);
      open.push(...direct.senders);
      direct.receivers = await chatClients.room(chatAUrl, sides.baseline.readers, sides.baseline.groupId);
      open.push(...direct.receivers);
    });
    const kbPerSocket = ((chatA.rss() - rssBefore) * 1024) / socketsPerSide;
    await lib.sleep(1000);
    const idleCpu0 = chatA.cpu();
    await lib.sleep(idleMs);
    const idleCpuMsPerSocketMinute = ((chatA.cpu() - idleCpu0) * 1000 * (60_000 / idleMs)) / socketsPerSide;

    // Through HAProxy, each socket carries HAProxy's stickiness cookie for its instance: the senders
    // alternate, the first half of the receivers go to chat-1 and the second half to chat-2. HAProxy's
    // stats page must then show each instance holding exactly its share, or the side does not run.
    const sticky = (instance) => `kindred_chat=chat-${instance}`;
    const half = Math.ceil(chatSize.receivers / 2);
    const { groupId: oursGroup, members: oursMembers, readers: oursReaders } = sides.ours;
    const sendersOn = [Math.ceil(chatSize.senders / 2), Math.floor(chatSize.senders / 2)];
    const balanced = {};
    let spread;
    const balancedJoin = await joining([chatA, chatB], async () => {
      balanced.senders = await chatClients.room(haproxyUrl, oursMembers, oursGroup, { cookieFor: (i) => sticky((i % 2) + 1) });
      open.push(...balanced.senders);
      const firstHalf = await chatClients.room(haproxyUrl, oursReaders.slice(0, half), oursGroup, { cookieFor: () => sticky(1) });
      open.push(...firstHalf);
      await expectSessions(statsUrl, [sendersOn[0] + half, sendersOn[1]]);
      const secondHalf = await chatClients.room(haproxyUrl, oursReaders.slice(half), oursGroup, { cookieFor: () => sticky(2) });
      open.push(...secondHalf);
      spread = await expectSessions(statsUrl, [sendersOn[0] + half, sendersOn[1] + chatSize.receivers - half]);
      balanced.receivers = [...firstHalf, ...secondHalf];
    });

    const random = lib.prng(11);
    const fanOut = (name, sockets, groupId, servers) => async () => {
      try {
        return await fanOutOnce(sockets, groupId, servers);
      } catch (error) {
        error.message = `chat fan-out, ${name}: ${error.message}`;
        throw error;
      }
    };
    const fanOutOnce = async (sockets, groupId, servers) => {
      const cpu0 = cpuOf(servers);
      const [pg0, redis0] = [await pgTransactions(), await redis.commands()];
      const result = await chatClients.burst({ ...sockets, groupId, messages: chatSize.messages, random });
      const cpu = cpuOf(servers) - cpu0;
      const [pg1, redis1] = [await pgTransactions(), await redis.commands()];
      await lib.sleep(500);
      const steady = await chatClients.paced({ ...sockets, groupId, rate: chatSize.rate, seconds: chatSize.pacedSeconds, random });
      // Every send acknowledged and delivered once to every receiver, or the run fails: a lost,
      // refused or doubled message is a defect to fix, not a figure to average.
      if (steady.refused) throw new Error(`paced run: ${steady.refused} sends refused (${steady.refusedCode})`);
      const duplicates = result.duplicates + steady.duplicates;
      if (duplicates) throw new Error(`${duplicates} duplicate deliveries`);
      return {
        rate: result.rate,
        burstP50: result.p50,
        burstP99: result.p99,
        p50: steady.p50,
        p99: steady.p99,
        deliveries: result.deliveries + steady.deliveries,
        lost: result.lost + steady.lost,
        lateSends: steady.lateSends,
        retries: result.retries + steady.retries,
        cpuMs: lib.cpuMsPer(cpu, result.deliveries),
        // Per message sent (each reached every socket): what a message costs the stores.
        pgPerMessage: (pg1 - pg0) / chatSize.messages,
        redisPerMessage: (redis1 - redis0) / chatSize.messages,
      };
    };
    const fan = await lib.alternate(repeats, {
      log,
      warmup: true,
      baseline: fanOut('baseline (1 chat directly)', direct, sides.baseline.groupId, [chatA, worker]),
      ours: fanOut('ours (HAProxy, 2 chats)', balanced, oursGroup, [chatA, chatB, worker]),
    });
    const checked = (side) => fan.samples[side].reduce((sum, s) => sum + s.deliveries, 0);
    const lost = (side) => fan.samples[side].reduce((sum, s) => sum + s.lost, 0);
    const retried = (side) => fan.samples[side].reduce((sum, s) => sum + s.retries, 0);

    const checks = failedChecks(await haproxyServers(statsUrl));
    const setting = 'every server process (2 forums, 2 chats, the worker, HAProxy) pinned to the one server core: same CPU on both sides';
    const ms = (v) => lib.round(v);
    const chatShape =
      `ours = ${chatSize.receivers} receivers + ${chatSize.senders} senders through HAProxy, pinned by its stickiness cookie: chat-1 ${spread['chat-1']} sockets, chat-2 ${spread['chat-2']} (HAProxy's stats); ` +
      `baseline = the same numbers in another group, all on 1 chat directly; every message screened by the same worker (screening concurrency ${SCREENING_CONCURRENCY}); ` +
      "each chat is nudged by the worker's screened event (Redis pub/sub) and reads the published messages from PostgreSQL for its own sockets";
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
        notes:
          `${chatShape}; a burst of ${chatSize.messages} messages per repeat; burst send→deliver p50/p99 ours ${ms(fan.medianOf('ours', 'burstP50'))}/${ms(fan.medianOf('ours', 'burstP99'))} ms, baseline ${ms(fan.medianOf('baseline', 'burstP50'))}/${ms(fan.medianOf('baseline', 'burstP99'))} ms; ` +
          `deliveries checked (burst and paced, counted repeats) ours ${checked('ours')}, baseline ${checked('baseline')}: lost ${lost('ours')} / ${lost('baseline')}, none duplicated (a loss, duplicate or refused send fails the run); sends tried again after SERVICE_UNAVAILABLE ours ${retried('ours')}, baseline ${retried('baseline')}; ` +
          `per message sent: PostgreSQL transactions ${ms(fan.medianOf('baseline', 'pgPerMessage'))} (1 chat) / ${ms(fan.medianOf('ours', 'pgPerMessage'))} (2 chats), Redis commands ${ms(fan.medianOf('baseline', 'redisPerMessage'))} / ${ms(fan.medianOf('ours', 'redisPerMessage'))}; ` +
          `CPU is the chat(s) + worker + HAProxy; failed HAProxy health checks over the run: ${checks} (here they never take a server out); ${setting}`,
        oursCpuPerUnit: fan.medianOf('ours', 'cpuMs'),
        baselineCpuPerUnit: fan.medianOf('baseline', 'cpuMs'),
        rss: Object.fromEntries(procs.map((p, i) => [`${p.name} ${i}`, p.rss()])),
      }),
      lib.row({
        name: 'cluster chat-latency',
        ours: fan.medianOf('ours', 'p99'),
        baseline: fan.medianOf('baseline', 'p99'),
        unit: 'ms send→deliver p99',
        higherIsBetter: false,
        notes:
          `${chatShape}; p99 of every delivery at ${chatSize.rate} msgs/s for ${chatSize.pacedSeconds} s (spread over the senders, sent on schedule); ` +
          `p50 ours ${ms(fan.medianOf('ours', 'p50'))} ms, baseline ${ms(fan.medianOf('baseline', 'p50'))} ms; sends more than 5 ms behind schedule (load generator busy, median) ours ${fan.medianOf('ours', 'lateSends')}, baseline ${fan.medianOf('baseline', 'lateSends')}`,
      }),
      lib.row({
        name: 'cluster chat-join',
        ours: balancedJoin.rate,
        baseline: directJoin.rate,
        unit: 'sockets joined/s',
        notes:
          `${socketsPerSide} sockets per side connected (WebSocket, session token checked) and joined to the room (chat:join with its history), 50 at a time, once per side (not repeated); ` +
          `CPU is the chat(s) + HAProxy; chat RSS per connected socket ${ms(kbPerSocket)} KB (1 chat directly); ` +
          `idle: chat CPU ${ms(idleCpuMsPerSocketMinute)} ms per connected socket per minute over ${idleMs / 1000} s with ${socketsPerSide} sockets joined on 1 chat and nothing sent (heartbeats, delivery sweep; all of the chat's idle CPU is counted against the sockets, so this overstates a socket's share), ` +
          `so about ${Number.isFinite(idleCpuMsPerSocketMinute) && idleCpuMsPerSocketMinute > 0 ? Math.round(60_000 / idleCpuMsPerSocketMinute) : '—'} idle sockets per chat core; ${setting}`,
        oursCpuPerUnit: balancedJoin.cpuMs,
        baselineCpuPerUnit: directJoin.cpuMs,
      }),
    ];
  } catch (error) {
    if (haproxy) error.message += `\n--- HAProxy's servers: ${JSON.stringify(await haproxyServers(statsUrl).catch((e) => e.message))}`;
    for (const [i, proc] of procs.entries()) if (proc.name !== 'forum') error.message += `\n--- ${proc.name} ${i} output:\n${proc.tail().slice(-1500)}`;
    throw error;
  } finally {
    for (const socket of open) socket.close();
    await haproxy?.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await redis.stop();
  }
}

module.exports = { run };
