import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisService } from './redis';

export { RateLimiterRes };

export interface LimitOptions {
  /** Points (attempts) allowed per window. */
  points: number;
  /** The window, in seconds; it starts at the first point taken and does not slide. */
  durationSeconds: number;
  /**
   * When Redis does not answer: `closed` rejects with the Redis error, so callers can refuse;
   * `memory` counts in this process until Redis is back (limits then hold per instance only).
   */
  whenRedisDown: 'closed' | 'memory';
}

/**
 * A rate-limiter-flexible limiter counting in Redis under `<REDIS_PREFIX>:limits:<name>:<key>`.
 * Every take is one atomic script (INCRBY with the expiry), so parallel requests can never
 * overshoot the limit between a read and a write.
 */
export function redisLimiter(redis: RedisService, name: string, options: LimitOptions): RateLimiterRedis {
  const base = { points: options.points, duration: options.durationSeconds };
  return new RateLimiterRedis({
    ...base,
    storeClient: redis.client,
    keyPrefix: redis.key('limits', name),
    // Fail at once while the connection is down rather than wait for a command timeout.
    rejectIfRedisNotReady: true,
    insuranceLimiter: options.whenRedisDown === 'memory' ? new RateLimiterMemory({ ...base, keyPrefix: `${name}-insurance` }) : undefined,
  });
}

/** A refusal because the points ran out, as opposed to a failure of the store. */
export function isLimitReached(outcome: unknown): outcome is RateLimiterRes {
  return outcome instanceof RateLimiterRes;
}
