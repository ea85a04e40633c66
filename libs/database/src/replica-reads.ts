import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge, Counter } from 'prom-client';
import { DataSource, QueryRunner } from 'typeorm';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { MetricsRegistry } from '@kindred/observability';
import { RedisService } from '@kindred/redis';

/**
 * How far behind the replica a connection reaches is: replay lag in seconds while its WAL receiver
 * streams, or null when it does not stream (the primary is gone, or the link is down), whose data
 * could be any age.
 */
const LAG_SQL = `SELECT pg_is_in_recovery() AS replica,
  EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming,
  CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8 AS lag`;

type Endpoint = string;

/**
 * Where the heavy reads go. Repositories, and only they, ask for it (`query`): with replicas
 * configured (DATABASE_REPLICA_URLS, TypeORM's `replication` setting) a read runs on a replica whose
 * lag was last seen within DATABASE_REPLICA_MAX_LAG_SECONDS; otherwise (no replica, one too far
 * behind, one not answering, one not streaming) on the primary. A person who has just written, or
 * whose standing has just changed, reads from the primary for a little longer than the lag bound
 * (`markFresh`, shared through Redis so every instance knows), so they always see their own write.
 */
@Injectable()
export class ReplicaReads implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaReads.name);
  private readonly lag = new Map<Endpoint, { seconds: number | null; at: number }>();
  private timer?: NodeJS.Timeout;
  private readonly lagGauge: Gauge;
  private readonly routed: Counter;
  readonly configured: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly redis: RedisService,
    // One-shot commands (admin:create) have no metrics.
    @Optional() metrics?: MetricsRegistry,
  ) {
    const registers = metrics ? [metrics.registry] : [];
    this.configured = config.database.replicaUrls.length > 0;
    this.lagGauge = new Gauge({
      name: 'kindred_db_replica_lag_seconds',
      help: 'Replay lag of each PostgreSQL replica as last measured (-1: not streaming or not answering)',
      labelNames: ['replica'],
      registers,
    });
    this.routed = new Counter({
      name: 'kindred_db_replica_reads_total',
      help: 'Heavy reads by where they ran: replica, or primary (and why)',
      labelNames: ['to'],
      registers,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.configured) return;
    void this.measure();
    this.timer = setInterval(() => void this.measure(), 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The last lag seen per replica (null: not streaming or not answering). */
  lagByReplica(): Record<string, number | null> {
    return Object.fromEntries([...this.lag].map(([endpoint, { seconds }]) => [endpoint, seconds]));
  }

  /** Reads after this person's write, or a change to their standing, go to the primary for a while. */
  async markFresh(userId: string): Promise<void> {
    if (!this.configured) return;
    const seconds = this.config.database.replicaMaxLagSeconds + 2;
    await this.redis.client.set(this.redis.key('fresh-reads', userId), '1', 'EX', seconds).catch(() => undefined);
  }

  /**
   * Runs a read-only statement on a replica when one is fit for it, else on the primary. `forUser`:
   * the reader, who sees the primary while their own write may not have reached the replica.
   */
  async query<T>(sql: string, params: unknown[], options: { forUser?: string } = {}): Promise<T[]> {
    const runner = await this.replicaRunner(options.forUser);
    if (!runner) return (await this.dataSource.query(sql, params)) as T[];
    try {
      return (await runner.query(sql, params)) as T[];
    } catch (error) {
      // A replica that fails mid-read (stopped, restarted) costs the reader nothing: read the primary.
      this.logger.warn({ err: error }, 'replica read failed; reading the primary');
      this.routed.inc({ to: 'primary-replica-failed' });
      return (await this.dataSource.query(sql, params)) as T[];
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  private async replicaRunner(forUser: string | undefined): Promise<QueryRunner | null> {
    if (!this.configured) return null;
    if (forUser && (await this.isFresh(forUser))) {
      this.routed.inc({ to: 'primary-own-write' });
      return null;
    }
    // Every replica seen down or behind a moment ago: do not wait for a connection attempt.
    const now = Date.now();
    const known = [...this.lag.values()];
    if (
      known.length > 0 &&
      known.every((seen) => (seen.seconds === null || seen.seconds > this.config.database.replicaMaxLagSeconds) && now - seen.at < 3000)
    ) {
      this.routed.inc({ to: known.some((seen) => seen.seconds !== null) ? 'primary-replica-behind' : 'primary-replica-down' });
      return null;
    }
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      const connection = (await runner.connect()) as { host?: string; port?: number };
      const seen = this.lag.get(endpointOf(connection));
      if (seen && seen.seconds !== null && seen.seconds <= this.config.database.replicaMaxLagSeconds && Date.now() - seen.at < 5000) {
        this.routed.inc({ to: 'replica' });
        return runner;
      }
      this.routed.inc({ to: 'primary-replica-behind' });
    } catch {
      this.routed.inc({ to: 'primary-replica-down' });
    }
    await runner.release().catch(() => undefined);
    return null;
  }

  private async isFresh(userId: string): Promise<boolean> {
    try {
      return (await this.redis.client.exists(this.redis.key('fresh-reads', userId))) === 1;
    } catch {
      // Redis cannot say: the primary is always right.
      return true;
    }
  }

  /** Measures one replica (TypeORM picks one at random per connection; each is seen within a few rounds). */
  private async measure(): Promise<void> {
    const runner = this.dataSource.createQueryRunner('slave');
    let endpoint: Endpoint | undefined;
    try {
      const connection = (await runner.connect()) as { host?: string; port?: number };
      endpoint = endpointOf(connection);
      const [row] = (await runner.query(LAG_SQL)) as Array<{ replica: boolean; streaming: boolean; lag: number }>;
      const seconds = row && row.replica && row.streaming ? Number(row.lag) : null;
      this.record(endpoint, seconds);
    } catch {
      // Not answering: every replica we know of might be this one; mark the ones not seen lately.
      if (endpoint) this.record(endpoint, null);
      else for (const [known, seen] of this.lag) if (Date.now() - seen.at > 1500) this.record(known, null);
      if (this.lag.size === 0) for (const url of this.config.database.replicaUrls) this.record(endpointOfUrl(url), null);
    } finally {
      await runner.release().catch(() => undefined);
    }
  }

  private record(endpoint: Endpoint, seconds: number | null): void {
    this.lag.set(endpoint, { seconds, at: Date.now() });
    this.lagGauge.set({ replica: endpoint }, seconds ?? -1);
  }
}

function endpointOf(connection: { host?: string; port?: number }): Endpoint {
  return `${connection.host ?? '?'}:${connection.port ?? '?'}`;
}

function endpointOfUrl(url: string): Endpoint {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}`;
}
