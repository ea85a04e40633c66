import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import IORedis, { RedisOptions } from 'ioredis';
import { APP_CONFIG, KindredConfig } from '@kindred/config';

export type RedisPurpose = 'commands' | 'subscriber' | 'publisher' | 'queue-producer' | 'queue-worker';

/**
 * Opens a Redis connection for one purpose. Producers fail fast while Redis is down (the
 * outbox and sweeper make up for it), instead of queueing commands in memory and hanging.
 */
export function openRedis(config: KindredConfig, purpose: RedisPurpose): IORedis {
  const options: RedisOptions = {
    lazyConnect: false,
    connectionName: `kindred:${purpose}`,
    maxRetriesPerRequest: purpose === 'queue-worker' || purpose === 'subscriber' ? null : 1,
    enableOfflineQueue: purpose === 'queue-worker' || purpose === 'subscriber',
    retryStrategy: (times) => Math.min(200 * times, 2000),
    // A primary demoted by a failover answers writes with READONLY until the connection is dropped:
    // reconnect (through the sentinels, to the promoted one) and send the command again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
  const client = config.redis.sentinels.length > 0 ? new IORedis({ ...sentinelOptions(config), ...options }) : new IORedis(config.redis.url, options);
  // Without a listener ioredis prints every reconnect failure as an unhandled error.
  client.on('error', () => undefined);
  return client;
}

/**
 * Through Redis Sentinel: ioredis asks the sentinels for the primary's address at every (re)connect.
 * A primary that dies drops its connections, so they reconnect to whichever the sentinels name; one
 * demoted while alive answers writes READONLY, which reconnects too (reconnectOnError). ioredis's
 * `failoverDetector` is not used: its sentinel subscriptions outlive `quit()` and keep a one-shot
 * command (admin:create) from exiting. REDIS_URL still gives the password, user and database number.
 */
export function sentinelOptions(config: KindredConfig): RedisOptions {
  const url = new URL(config.redis.url);
  const db = Number(url.pathname.replace(/^\//, '') || '0');
  return {
    sentinels: config.redis.sentinels,
    name: config.redis.sentinelName,
    db: Number.isInteger(db) ? db : 0,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    sentinelRetryStrategy: (times) => Math.min(200 * times, 2000),
  };
}

/** Resolves true once the connection is ready, or false after `ms` (Redis down). */
export function whenReady(client: IORedis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    client.once('ready', onReady);
  });
}

/** The shared connection for plain commands (rate limits, caches), with keys under the configured prefix. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: IORedis;

  constructor(@Inject(APP_CONFIG) private readonly config: KindredConfig) {
    this.client = openRedis(config, 'commands');
  }

  key(...parts: string[]): string {
    return [this.config.redis.prefix, ...parts].join(':');
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.logger.warn('redis connection closed uncleanly'));
  }
}
