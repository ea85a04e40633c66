import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export const ENTRY = {
  forum: 'dist/apps/forum/src/main.js',
  chat: 'dist/apps/chat/src/main.js',
  worker: 'dist/apps/moderation-worker/src/main.js',
  adminCreate: 'dist/apps/forum/src/admin-create.js',
  migrate: 'dist/libs/database/src/migrate.js',
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A real process of one of Kindred's services (built JS), with its output captured. */
export class ServiceProcess {
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(
    readonly entry: string,
    readonly env: Record<string, string>,
    readonly port?: number,
    readonly args: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  start(): this {
    const child = spawn(process.execPath, [this.entry, ...this.args], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
    return this;
  }

  /** Resolves once GET /health answers 200. */
  async healthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.entry} not healthy after ${timeoutMs} ms:\n${this.output.join('').slice(-3000)}`);
  }

  /** True while the process runs (it has not exited since it was last started). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs to completion (for one-shot commands); resolves with the exit code. */
  async finished(): Promise<number | null> {
    return this.exited!;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** A private redis-server on its own port, so a test can stop and start it for real without disturbing anyone else. */
export class PrivateRedis {
  private child?: ChildProcess;

  /** `args`: more redis-server options, e.g. `['--replicaof', '127.0.0.1', '6380']` for a replica. */
  constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--save', '', '--appendonly', 'no', ...this.args], {
      stdio: 'ignore',
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server on ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    // A process that has ended (by a signal too: exitCode stays null then) fires no second 'exit'.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = require('node:net').connect(this.port, '127.0.0.1');
      socket.on('connect', () => {
        socket.write('PING\r\n');
      });
      socket.on('data', (data: Buffer) => {
        socket.destroy();
        resolve(data.toString().includes('PONG'));
      });
      socket.on('error', () => resolve(false));
    });
  }
}
