import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { DomainError } from '@kindred/http';
import { RedisService } from '@kindred/redis';

/**
 * Counts failed sign-ins per account and per address in Redis, so limits hold across every
 * forum instance. Keys hold a hash of the email, never the email itself.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly logger = new Logger(LoginRateLimiter.name);

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
  ) {}

  private keys(emailNormalised: string, address: string): { account: string; address: string } {
    const account = createHash('sha256').update(emailNormalised).digest('hex').slice(0, 32);
    return { account: this.redis.key('login-failures', 'account', account), address: this.redis.key('login-failures', 'address', address) };
  }

  async assertAllowed(emailNormalised: string, address: string): Promise<void> {
    const keys = this.keys(emailNormalised, address);
    try {
      const [[, account], [, byAddress], [, accountTtl], [, addressTtl]] = (await this.redis.client
        .multi()
        .get(keys.account)
        .get(keys.address)
        .pttl(keys.account)
        .pttl(keys.address)
        .exec()) as Array<[Error | null, unknown]>;
      const { loginFailuresPerAccount, loginFailuresPerAddress } = this.config.auth;
      if (Number(account ?? 0) >= loginFailuresPerAccount || Number(byAddress ?? 0) >= loginFailuresPerAddress) {
        const ttl = Math.max(Number(accountTtl), Number(addressTtl), 1000);
        throw DomainError.rateLimited(ttl / 1000, 'Too many sign-in attempts. Please wait before trying again.');
      }
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // Redis down: sign-in stays possible (people in distress must be able to reach the group).
      this.logger.warn({ err: (error as Error).message }, 'login rate limit unavailable');
    }
  }

  async recordFailure(emailNormalised: string, address: string): Promise<void> {
    const keys = this.keys(emailNormalised, address);
    const window = this.config.auth.loginWindowSeconds;
    await this.redis.client
      .multi()
      .incr(keys.account)
      .expire(keys.account, window, 'NX')
      .incr(keys.address)
      .expire(keys.address, window, 'NX')
      .exec()
      .catch(() => undefined);
  }

  async recordSuccess(emailNormalised: string): Promise<void> {
    await this.redis.client.del(this.keys(emailNormalised, '').account).catch(() => undefined);
  }
}
