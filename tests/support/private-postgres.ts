import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** The newest PostgreSQL server binaries installed under /usr/lib/postgresql, or on PATH. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0]!, 'bin');
  }
  return '';
}

/**
 * A private PostgreSQL cluster in a temporary directory, on its own port, with trust auth, so a
 * fault test can stop and start PostgreSQL for real without touching the machine's shared server.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
 */
export class PrivatePostgres {
  private dir?: string;
  private readonly bin = binDir();
  private readonly asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

  constructor(readonly port: number) {}

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async init(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-pg-'));
    if (this.asRoot) execFileSync('chown', ['postgres:postgres', this.dir]);
    this.run('initdb', ['-D', this.dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await this.start();
  }

  /**
   * A streaming replica of `primary`: a base backup taken with `pg_basebackup -R` (which writes the
   * replica's primary_conninfo and standby.signal), started on this port as a hot standby.
   */
  async initReplicaOf(primary: PrivatePostgres): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-pg-replica-'));
    if (this.asRoot) execFileSync('chown', ['postgres:postgres', this.dir]);
    fs.chmodSync(this.dir, 0o700);
    this.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', this.dir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await this.start();
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    this.run('pg_ctl', ['-D', this.dir!, '-o', options, '-l', path.join(this.dir!, 'server.log'), '-w', '-t', '30', 'start']);
    await this.ready();
  }

  /** Stops the server the way an operator's restart does: `-m fast` ends every session. */
  stop(): void {
    this.run('pg_ctl', ['-D', this.dir!, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  /** Stops the server if it runs, and removes its data directory. */
  destroy(): void {
    if (!this.dir) return;
    try {
      this.run('pg_ctl', ['-D', this.dir, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private run(command: string, args: string[]): void {
    const executable = this.bin ? path.join(this.bin, command) : command;
    if (this.asRoot) execFileSync('runuser', ['-u', 'postgres', '--', executable, ...args], { stdio: 'pipe', cwd: os.tmpdir() });
    else execFileSync(executable, args, { stdio: 'pipe' });
  }
}
