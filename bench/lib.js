// Shared pieces of the benchmark harness: processes pinned to cores, CPU and memory readings,
// the benchmark database and Redis namespace, an HTTP load generator and the statistics.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { Client } = require('pg');
const WebSocket = require('ws');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = {
  forum: 'dist/apps/forum/src/main.js',
  worker: 'dist/apps/moderation-worker/src/main.js',
  chat: 'dist/apps/chat/src/main.js',
  adminCreate: 'dist/apps/forum/src/admin-create.js',
  migrate: 'dist/libs/database/src/migrate.js',
};

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const BENCH_DB = process.env.BENCH_DB ?? 'kindred_bench';
const REDIS_BASE = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_DB = process.env.BENCH_REDIS_DB ?? '5';
// Hash-tagged as the services tag theirs (libs/config hashTagged), so queues the bench fills directly are the ones the services read.
const RAW_REDIS_PREFIX = process.env.BENCH_REDIS_PREFIX ?? 'kindred-bench';
const REDIS_PREFIX = /\{[^{}]+\}/.test(RAW_REDIS_PREFIX) ? RAW_REDIS_PREFIX : `{${RAW_REDIS_PREFIX}}`;

const BENCH_MFA_KEY = process.env.BENCH_MFA_ENCRYPTION_KEY ?? require('node:crypto').randomBytes(32).toString('base64');

/** The environment every process under test gets: its own database, Redis db 5, its own prefix. */
function benchEnv(extra = {}) {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: `${PG_BASE}/${BENCH_DB}`,
    REDIS_URL: `${REDIS_BASE}/${REDIS_DB}`,
    REDIS_PREFIX,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    LOGIN_FAILURES_PER_ADDRESS: '10000',
    // Production needs a mail server; the benchmark reads no mail (community.js verifies members in
    // the database), so mail goes to a port where nothing listens and its jobs are given up.
    SMTP_URL: process.env.BENCH_SMTP_URL ?? 'smtp://127.0.0.1:2',
    MAIL_REQUESTS_PER_ADDRESS: '100000',
    // Production refuses to start without its own key for second-factor secrets; each bench run makes one.
    MFA_ENCRYPTION_KEY: BENCH_MFA_KEY,
    // Internal /metrics listeners on free ports, so several forums or chats can run side by side.
    FORUM_METRICS_PORT: '0',
    CHAT_METRICS_PORT: '0',
    ...extra,
  };
}

// ---------------------------------------------------------------- cores, CPU time and memory

const HAS_TASKSET = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
const CORES = require('node:os').availableParallelism?.() ?? require('node:os').cpus().length;
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
/** Servers run on the last core, the load generator (this process) on core 0, when there are two or more. */
const SERVER_CORE = CORES > 1 ? String(CORES - 1) : null;
const LOAD_CORE = '0';

function pinLoadGenerator() {
  if (!HAS_TASKSET || !SERVER_CORE) return false;
  return spawnSync('taskset', ['-pc', LOAD_CORE, String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/** utime + stime of a process, in seconds (0 when it has gone). */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Resident memory in MB (VmRSS), or null when unknown. */
function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- processes

const running = new Set();

/** A Node process under test, pinned to the server core, its output kept for error messages. */
class Proc {
  /** `options.inspect` opens the V8 inspector on a free loopback port, so `heapAfterGc()` can be asked. */
  constructor(name, script, env = {}, args = [], options = {}) {
    this.name = name;
    this.output = [];
    // BENCH_CPU_PROFILE=forum,moderation-worker writes a V8 CPU profile of those processes to BENCH_CPU_PROFILE_DIR (default ./profiles) when they stop.
    const profiled = (process.env.BENCH_CPU_PROFILE ?? '').split(',').includes(name);
    const nodeArgs = profiled ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR ?? path.join(ROOT, 'profiles')}`] : [];
    if (options.inspect) nodeArgs.push('--inspect=127.0.0.1:0');
    const command = HAS_TASKSET && SERVER_CORE ? 'taskset' : process.execPath;
    const argv = HAS_TASKSET && SERVER_CORE ? ['-c', SERVER_CORE, process.execPath, ...nodeArgs, script, ...args] : [...nodeArgs, script, ...args];
    this.child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.lines = [];
    const keep = (chunk) => {
      const text = chunk.toString('utf8');
      this.output.push(text);
      if (this.output.length > 200) this.output.shift();
      for (const line of text.split('\n')) if (line) this.lines.push(line);
      for (const waiter of [...this.waiters]) waiter();
    };
    this.waiters = new Set();
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    running.add(this);
    this.exited.then(() => running.delete(this));
  }

  // taskset execs node in place, so the pid is the Node process itself.
  get pid() {
    return this.child.pid;
  }

  cpu() {
    return cpuSeconds(this.pid);
  }

  rss() {
    return rssMb(this.pid);
  }

  tail() {
    return this.output.join('').slice(-3000);
  }

  /**
   * The process's memory right after a full garbage collection, in MB: `heap` is live JavaScript
   * objects, `external` what they hold outside the heap (buffers), `rss` the whole process.
   * RSS alone cannot show boundedness: V8 and the allocator keep freed pages for reuse. Needs
   * `{ inspect: true }`; asks through the inspector protocol (HeapProfiler.collectGarbage).
   */
  async heapAfterGc() {
    const line = await this.waitFor(/Debugger listening on ws:\/\//, 10_000);
    const socket = new WebSocket(line.slice(line.indexOf('ws://')).trim());
    const pending = new Map();
    let lastId = 0;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      const settle = pending.get(message.id);
      if (!settle) return;
      pending.delete(message.id);
      settle(message);
    });
    const call = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = (lastId += 1);
        pending.set(id, (m) => (m.error ? reject(new Error(`${this.name}: ${method}: ${m.error.message}`)) : resolve(m.result)));
        socket.send(JSON.stringify({ id, method, params }));
      });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    try {
      // Twice: objects freed by the first collection's finalizers go in the second.
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const { result } = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      const usage = JSON.parse(result.value);
      const mb = (bytes) => round(bytes / 1048576, 1);
      return { heap: mb(usage.heapUsed), external: mb(usage.external), rss: mb(usage.rss) };
    } finally {
      socket.close();
    }
  }

  /** Resolves with the first output line matching `pattern`. */
  waitFor(pattern, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line) {
          this.waiters.delete(check);
          clearTimeout(timer);
          resolve(line);
        }
      };
      timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.name}: no output matching ${pattern} after ${timeoutMs} ms:\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(check);
      this.exited.then((code) => {
        if (this.waiters.has(check)) {
          this.waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`${this.name} exited (${code}):\n${this.tail()}`));
        }
      });
      check();
    });
  }

  async healthy(url, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.tail()}`);
      try {
        const response = await fetch(`${url}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not healthy after ${timeoutMs} ms:\n${this.tail()}`);
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

function stopAll() {
  for (const proc of running) {
    try {
      proc.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- database and Redis

async function withClient(url, fn) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let prepared = false;

/** Builds when sources changed, creates `kindred_bench` if needed and migrates it (once per run). */
async function prepareDatabase() {
  if (prepared) return;
  execFileSync(process.execPath, ['scripts/ensure-build.js'], { cwd: ROOT, stdio: 'inherit' });
  await withClient(`${PG_BASE}/postgres`, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB]);
    if (!found.rowCount) await c.query(`CREATE DATABASE "${BENCH_DB}"`);
  });
  execFileSync(process.execPath, [ENTRY.migrate], { cwd: ROOT, env: { ...process.env, ...benchEnv() }, stdio: ['ignore', 'ignore', 'inherit'] });
  prepared = true;
}

function db() {
  return new Client({ connectionString: benchEnv().DATABASE_URL });
}

function redisConnection() {
  const IORedis = require('ioredis');
  return new IORedis(benchEnv().REDIS_URL, { maxRetriesPerRequest: null });
}

/** Empties the benchmark's Redis namespace (never anything outside `kindred-bench*`). */
async function clearRedis() {
  const redis = redisConnection();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------- HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/** One HTTP request on the shared keep-alive agent; resolves with status and parsed body. */
function httpRequest(method, url, { body, token, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode, body: json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Closed-loop load: `connections` loops each send one request at a time for `durationMs`.
 * `next(i)` gives the request (or a function doing a whole operation); returns rate and latencies.
 */
async function load({ connections, durationMs, warmupMs = 0, operation }) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  let measuring = warmupMs === 0;
  const start = Date.now();
  const end = start + warmupMs + durationMs;
  let measuredFrom = measuring ? start : 0;
  if (!measuring) {
    setTimeout(() => {
      measuring = true;
      measuredFrom = Date.now();
    }, warmupMs);
  }
  const loop = async (i) => {
    let n = 0;
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      try {
        await operation(i, n++);
        if (measuring) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        if (measuring) errors += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
  const seconds = (Date.now() - measuredFrom) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    errors,
    firstError,
    seconds,
    rate: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

// ---------------------------------------------------------------- statistics and rows

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Alternates baseline and ours `repeats` times (baseline first), collecting each side's samples.
 * Each call returns an object of named figures; the medians are taken per figure.
 * `warmup` first runs one whole round of each that is logged and not counted: long-lived servers
 * are measured in their steady state (JIT-compiled, caches and pools filled), not while warming,
 * and both sides get the same round.
 */
async function alternate(repeats, { baseline, ours, log = () => {}, warmup = false }) {
  const samples = { baseline: [], ours: [] };
  if (warmup) {
    log(`  warm-up baseline ${describe(await baseline(-1))} (not counted)`);
    log(`  warm-up ours     ${describe(await ours(-1))} (not counted)`);
  }
  for (let r = 0; r < repeats; r++) {
    const b = await baseline(r);
    samples.baseline.push(b);
    log(`  repeat ${r + 1}/${repeats} baseline ${describe(b)}`);
    const o = await ours(r);
    samples.ours.push(o);
    log(`  repeat ${r + 1}/${repeats} ours     ${describe(o)}`);
  }
  const medianOf = (side, key) => median(samples[side].map((s) => s[key]));
  return { samples, medianOf };
}

function describe(sample) {
  return Object.entries(sample)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${round(v)}`)
    .join(' ');
}

function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value);
  if (magnitude >= 10) return Math.round(value * 10) / 10;
  return Number(value.toPrecision(digits));
}

/**
 * A result row. `higherIsBetter` decides how the ratio is read against the target:
 * for rates ours/baseline ≥ target, for latencies ours/baseline ≤ target. A null target is
 * reported for information only.
 */
function row({ name, ours, baseline, unit, target, higherIsBetter = true, notes = '', oursCpuPerUnit, baselineCpuPerUnit, rss }) {
  const ratio = Number.isFinite(ours) && Number.isFinite(baseline) && baseline !== 0 ? ours / baseline : NaN;
  const hasTarget = target !== null && target !== undefined;
  const met = Number.isFinite(ratio) && hasTarget ? (higherIsBetter ? ratio >= target : ratio <= target) : null;
  return {
    name,
    ours: round(ours),
    baseline: round(baseline),
    unit,
    ratio: round(ratio),
    target: hasTarget ? `${higherIsBetter ? '≥' : '≤'} ${target}×` : '',
    met,
    notes,
    oursCpuPerUnit: oursCpuPerUnit === undefined ? undefined : round(oursCpuPerUnit),
    baselineCpuPerUnit: baselineCpuPerUnit === undefined ? undefined : round(baselineCpuPerUnit),
    rss,
  };
}

/** A row for something that could not be measured in this run, with the reason. */
function unavailable(name, reason, target = '') {
  return { name, ours: null, baseline: null, unit: '', ratio: null, target, met: null, notes: reason };
}

/** Server CPU milliseconds per unit of work, from CPU seconds used and units done. */
function cpuMsPer(cpuSecondsUsed, units) {
  return units > 0 && cpuSecondsUsed > 0 ? (cpuSecondsUsed * 1000) / units : NaN;
}

/** Deterministic pseudo-random numbers, so every run seeds and posts the same texts. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'today clinic dialysis went fine tired again but the nurses were kind and my bloods look better than last month ' +
  'anyone else find the evenings hardest I have been walking a bit more and sleeping better thanks for asking ' +
  'it helps to read how others manage the diet fluid limits are hard in summer sending support to everyone here'
).split(' ');

/** Ordinary supportive text of exactly `length` characters. */
function ordinaryText(random, length = 300) {
  let text = '';
  while (text.length < length) text += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  return `${text.slice(0, length - 1).trim()}.`.padEnd(length, '.');
}

module.exports = {
  ROOT,
  ENTRY,
  BENCH_DB,
  REDIS_PREFIX,
  CORES,
  CLK_TCK,
  HAS_TASKSET,
  SERVER_CORE,
  benchEnv,
  pinLoadGenerator,
  cpuSeconds,
  rssMb,
  Proc,
  stopAll,
  freePort,
  sleep,
  withClient,
  prepareDatabase,
  db,
  redisConnection,
  clearRedis,
  httpRequest,
  load,
  percentile,
  median,
  alternate,
  round,
  row,
  unavailable,
  cpuMsPer,
  prng,
  ordinaryText,
};
