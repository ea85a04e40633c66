import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { redisLimiter, RedisService } from '@kindred/redis';
import { withinBudget } from '../attempt-budget';

const WORDS = {
  limited: 'Too many attempts with a wrong code. Please wait before trying again.',
  unavailable: 'Signing in is briefly unavailable. Please try again in a moment.',
  what: 'code check',
};

/**
 * Second-factor codes (TOTP and recovery codes) under the same discipline as passwords
 * (PasswordAttempts): a point is taken per account and per client address BEFORE a code is
 * checked and given back when it is right, so however many guesses arrive at once, at most the
 * limit of them are ever evaluated. A budget of its own, so guessing codes does not lock the
 * password out and the other way round. Fails closed (503) when Redis cannot count.
 */
@Injectable()
export class CodeAttempts {
  private readonly logger = new Logger(CodeAttempts.name);
  private readonly perAccount: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;

  constructor(redis: RedisService, @Inject(APP_CONFIG) config: KindredConfig) {
    const { loginFailuresPerAccount, loginFailuresPerAddress, loginWindowSeconds } = config.auth;
    this.perAccount = redisLimiter(redis, 'code-failures:account', {
      points: loginFailuresPerAccount,
      durationSeconds: loginWindowSeconds,
      whenRedisDown: 'closed',
    });
    this.perAddress = redisLimiter(redis, 'code-failures:address', {
      points: loginFailuresPerAddress,
      durationSeconds: loginWindowSeconds,
      whenRedisDown: 'closed',
    });
  }

  /** Runs `verify` within the limits; RATE_LIMITED (429) or SERVICE_UNAVAILABLE (503) without running it. */
  check<T>(userId: string, address: string, verify: () => Promise<T | null>): Promise<T | null> {
    const counters = [
      { limiter: this.perAccount, key: userId },
      { limiter: this.perAddress, key: address },
    ];
    return withinBudget(counters, WORDS, this.logger, verify, (accepted) => accepted !== null);
  }
}
