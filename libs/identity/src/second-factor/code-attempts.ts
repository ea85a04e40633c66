import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { DomainError } from '@kindred/http';
import { isLimitReached, redisLimiter, RedisService } from '@kindred/redis';

const LIMITED = 'Too many attempts with a wrong code. Please wait before trying again.';

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
  async check<T>(userId: string, address: string, verify: () => Promise<T | null>): Promise<T | null> {
    const counters = [
      { limiter: this.perAccount, key: userId },
      { limiter: this.perAddress, key: address },
    ];
    const taken = await Promise.allSettled(counters.map(({ limiter, key }) => limiter.consume(key)));
    const refusals = taken.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (refusals.length > 0) {
      await this.giveBack(counters.filter((_, i) => taken[i]!.status === 'fulfilled'));
      const failure = refusals.find((reason) => !isLimitReached(reason));
      if (failure !== undefined) {
        this.logger.error({ err: failure }, 'code check refused: attempt limits unavailable (Redis)');
        throw new DomainError('SERVICE_UNAVAILABLE', 'Signing in is briefly unavailable. Please try again in a moment.', {}, { 'Retry-After': '5' });
      }
      const waitMs = Math.max(...refusals.map((reason) => (isLimitReached(reason) ? reason.msBeforeNext : 0)));
      throw DomainError.rateLimited(waitMs / 1000, LIMITED);
    }
    const accepted = await verify();
    if (accepted !== null) await this.giveBack(counters);
    return accepted;
  }

  private async giveBack(counters: Array<{ limiter: RateLimiterRedis; key: string }>): Promise<void> {
    await Promise.all(
      counters.map(({ limiter, key }) =>
        limiter.reward(key).catch((error: Error) => this.logger.warn({ err: error }, 'attempt not given back (Redis)')),
      ),
    );
  }
}
