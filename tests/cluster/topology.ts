import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ENTRY, freePort, PrivateRedis, ServiceProcess } from '../support/processes';
import { PrivatePostgres } from '../support/private-postgres';
import { testEnv } from '../setup/test-env';
import { haproxyConfig } from './haproxy-config';

const SENTINEL_NAME = 'kindred';
const BOOT_MS = 180_000;

/** A redis-sentinel process watching the primary under SENTINEL_NAME; it rewrites its own config file, so each has one. */
export class PrivateSentinel {
  private child?: ChildProcess;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-sentinel-'));

  constructor(
    readonly port: number,
    private readonly primaryPort: number,
  ) {}

  async start(): Promise<void> {
    const file = path.join(this.dir, 'sentinel.conf');
    fs.writeFileSync(
      file,
      [
        `port ${this.port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${this.primaryPort} 2`,
        // Fast for the test; deploy/ uses 5 s, long enough not to fail over on a pause.
        `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
        '',
      ].join('\n'),
    );
    this.child = spawn('redis-sentinel', [file], { stdio: 'ignore' });
    await waitForPing(this.port);
  }

  /** The address the sentinels give for the primary now. */
  async primary(): Promise<number> {
    const reply = await command(this.port, `SENTINEL get-master-addr-by-name ${SENTINEL_NAME}`);
    const match = /\r\n(\d+)\r\n$/.exec(reply);
    return match ? Number(match[1]) : -1;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** HAProxy in the foreground (-db) with the configuration the test writes from haproxy-config.ts. */
export class PrivateHaproxy {
  private child?: ChildProcess;
  readonly output: string[] = [];
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-haproxy-'));

  constructor(
    readonly port: number,
    readonly statsPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(forums: number[], chats: number[]): Promise<void> {
    const file = path.join(this.dir, 'haproxy.cfg');
    fs.writeFileSync(file, haproxyConfig({ bind: `127.0.0.1:${this.port}`, stats: `127.0.0.1:${this.statsPort}`, forums, chats }));
    const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const states = await this.servers().catch(() => null);
      // Backup (fail-open) servers are not checked: their status is "no check".
      if (states && [...states.values()].every((s) => s.status.startsWith('UP') || s.status === 'no check')) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`haproxy did not see every server up:\n${this.output.join('')}`);
  }

  /** Each server's state as HAProxy's stats page gives it (status UP/DOWN/MAINT, current sessions). */
  async servers(): Promise<Map<string, { status: string; sessions: number }>> {
    const csv = await (await fetch(`http://127.0.0.1:${this.statsPort}/stats;csv`)).text();
    const [header, ...rows] = csv.trim().split('\n');
    const columns = header!.replace(/^# /, '').split(',');
    const at = (name: string) => columns.indexOf(name);
    const out = new Map<string, { status: string; sessions: number }>();
    for (const row of rows) {
      const cells = row.split(',');
      const sv = cells[at('svname')]!;
      if (sv === 'FRONTEND' || sv === 'BACKEND') continue;
      out.set(`${cells[at('pxname')]}/${sv}`, { status: cells[at('status')]!, sessions: Number(cells[at('scur')]) });
    }
    return out;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Cluster {
  env: Record<string, string>;
  haproxy: PrivateHaproxy;
  forums: ServiceProcess[];
  chats: ServiceProcess[];
  workers: ServiceProcess[];
  /** The forum's internal /metrics listeners, by forum index. */
  forumMetrics: string[];
  pgPrimary: PrivatePostgres;
  pgReplica: PrivatePostgres;
  redisPrimary: PrivateRedis;
  redisReplica: PrivateRedis;
  sentinels: PrivateSentinel[];
  /** How long a process may take to boot and answer /health. */
  bootMs: number;
  /** A new worker process (to replace one killed). */
  newWorker(): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * The deployment of docs/DEPLOYMENT.md on one machine: PostgreSQL primary and a streaming replica,
 * Redis primary and replica under three sentinels, two each of forum, chat and worker, HAProxy in
 * front. Everything is a real process on a free port; nothing is shared with other tests.
 */
export async function startCluster(): Promise<Cluster> {
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const pgPrimary = new PrivatePostgres(await freePort());
    await pgPrimary.init();
    cleanups.push(() => pgPrimary.destroy());
    const databaseUrl = await pgPrimary.createDatabase('kindred_cluster');
    const pgReplica = new PrivatePostgres(await freePort());
    await pgReplica.initReplicaOf(pgPrimary);
    cleanups.push(() => pgReplica.destroy());

    // Replication goes over the socket both ways (Redis 7 syncs diskless; the replica loads diskless),
    // so no dump file lands in the working directory.
    const redisPrimary = new PrivateRedis(await freePort(), ['--dir', os.tmpdir(), '--repl-diskless-load', 'on-empty-db']);
    await redisPrimary.start();
    cleanups.push(() => redisPrimary.stop());
    const redisReplica = new PrivateRedis(await freePort(), [
      '--replicaof',
      '127.0.0.1',
      String(redisPrimary.port),
      '--dir',
      os.tmpdir(),
      '--repl-diskless-load',
      'on-empty-db',
    ]);
    await redisReplica.start();
    cleanups.push(() => redisReplica.stop());
    const sentinels: PrivateSentinel[] = [];
    for (let i = 0; i < 3; i += 1) {
      const sentinel = new PrivateSentinel(await freePort(), redisPrimary.port);
      await sentinel.start();
      cleanups.push(() => sentinel.stop());
      sentinels.push(sentinel);
    }

    const haproxy = new PrivateHaproxy(await freePort(), await freePort());
    const base = testEnv();
    const env: Record<string, string> = {
      ...base,
      DATABASE_URL: databaseUrl,
      DATABASE_REPLICA_URLS: pgReplica.url('kindred_cluster'),
      DATABASE_REPLICA_MAX_LAG_SECONDS: '5',
      // The database number and password come from REDIS_URL; the address from the sentinels.
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
      REDIS_PREFIX: 'kindred-cluster',
      PUBLIC_URL: haproxy.url,
      CHAT_PUBLIC_URL: haproxy.url,
      HTTP_TRUST_PROXY: 'true',
      SHUTDOWN_DRAIN_SECONDS: '3',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      SCREENING_SWEEP_AFTER_SECONDS: '3',
      SCREENING_SWEEP_INTERVAL_SECONDS: '1',
      SCREENING_LOCK_SECONDS: '3',
      // Events are at-most-once and a failover drops some: rooms are re-read this often.
      CHAT_DELIVERY_SWEEP_SECONDS: '2',
      CHAT_MESSAGES_PER_WINDOW: '1000',
      DEADLINES_INTERVAL_SECONDS: '1',
      RETENTION_INTERVAL_SECONDS: '2',
    };

    const migrate = new ServiceProcess(ENTRY.migrate, env).start();
    if ((await migrate.finished()) !== 0) throw new Error(`migrations failed:\n${migrate.output.join('')}`);

    const forumMetrics: string[] = [];
    const forums: ServiceProcess[] = [];
    for (let i = 0; i < 2; i += 1) {
      const [port, metrics] = [await freePort(), await freePort()];
      forums.push(new ServiceProcess(ENTRY.forum, { ...env, FORUM_PORT: String(port), FORUM_METRICS_PORT: String(metrics) }, port).start());
      forumMetrics.push(`http://127.0.0.1:${metrics}/metrics`);
    }
    const chats: ServiceProcess[] = [];
    for (let i = 0; i < 2; i += 1) {
      const port = await freePort();
      chats.push(new ServiceProcess(ENTRY.chat, { ...env, CHAT_PORT: String(port), CHAT_METRICS_PORT: '0' }, port).start());
    }
    // Every process ever started is killed at the end, whatever state it is in.
    const started: ServiceProcess[] = [...forums, ...chats];
    cleanups.push(() => Promise.all(started.map((p) => p.kill('SIGKILL'))).then(() => undefined));
    const newWorker = async () => {
      const port = await freePort();
      const worker = new ServiceProcess(ENTRY.worker, { ...env, WORKER_PORT: String(port) }, port).start();
      started.push(worker);
      // On a busy shared machine six Node processes booting at once take a while.
      await worker.healthy(BOOT_MS);
      return worker;
    };
    const all = [...forums, ...chats];
    const workers = await Promise.all([newWorker(), newWorker()]);
    const cluster: Cluster = {
      env,
      haproxy,
      forums,
      chats,
      workers,
      forumMetrics,
      pgPrimary,
      pgReplica,
      redisPrimary,
      redisReplica,
      sentinels,
      newWorker,
      bootMs: BOOT_MS,
      async stop() {
        await haproxy.stop();
        await Promise.all([...cluster.forums, ...cluster.chats, ...cluster.workers].map((p) => p.kill('SIGKILL')));
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
    await Promise.all(all.map((p) => p.healthy(BOOT_MS)));
    cleanups.push(() => haproxy.stop());
    await haproxy.start(
      forums.map((f) => f.port!),
      chats.map((c) => c.port!),
    );
    return cluster;
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}

function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  return (async () => {
    while (Date.now() < deadline) {
      if ((await command(port, 'PING').catch(() => '')).includes('PONG')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nothing answers PING on ${port}`);
  })();
}

/** One inline Redis command; resolves with the raw reply once it has come in whole (enough for the short replies used here). */
export function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(reply);
    }, 1000);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (/^[+\-:]/.test(reply) ? reply.endsWith('\r\n') : /\r\n$/.test(reply) && (reply.startsWith('*2') ? reply.split('\r\n').length >= 6 : true)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
