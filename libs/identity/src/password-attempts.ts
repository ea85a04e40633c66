import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { redisLimiter, RedisService } from '@kindred/redis';
import { Counter, withinBudget } from './attempt-budget';

/** The limit key of an account: a hash of its normalised email, so Redis never holds the address. */
export function accountLimitKey(emailNormalised: string): string {
  return createHash('sha256').update(emailNormalised).digest('hex').slice(0, 32);
}

const LIMITED = 'Too many attempts with a wrong password. Please wait before trying again.';
const MAIL_LIMITED = 'We have sent as many mails as we can for now. Please check your inbox (and spam folder), or wait before asking again.';
const TOKEN_LIMITED = 'Too many links that did not work. Please wait before trying again.';
const UNAVAILABLE = 'Signing in is briefly unavailable. Please try again in a moment.';

/**
 * Every password check (sign-in, and each re-check such as erasing the account) goes through
 * here, under one budget of wrong passwords per account and per client address counted in Redis.
 *
 * A point is taken from both BEFORE the password is checked, atomically, and given back when the
 * password is right. So however many guesses arrive at once, at most the limit of them are ever
 * evaluated, and once the budget is spent even the right password is refused until the window
 * ends. Unknown accounts are counted like known ones, so the limit reveals nothing.
 *
 * Fails closed: when Redis cannot count, the password is not checked and the caller gets 503.
 */
@Injectable()
export class PasswordAttempts {
  private readonly logger = new Logger(PasswordAttempts.name);
  private readonly perAccount: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;
  /** Mails sent on request (registration, reset, change of email), per address mailed and per client. */
  private readonly mailsPerAccount: RateLimiterRedis;
  private readonly mailsPerAddress: RateLimiterRedis;
  /** Mailed links that did not work, per client. */
  private readonly tokenFailures: RateLimiterRedis;

  constructor(redis: RedisService, @Inject(APP_CONFIG) config: KindredConfig) {
    const { loginFailuresPerAccount, loginFailuresPerAddress, loginWindowSeconds } = config.auth;
    const { requestsPerAccount, requestsPerAddress, requestWindowSeconds, tokenFailuresPerAddress } = config.mail;
    this.mailsPerAccount = redisLimiter(redis, 'mail-requests:account', {
      points: requestsPerAccount,
      durationSeconds: requestWindowSeconds,
      whenRedisDown: 'closed',
    });
    this.mailsPerAddress = redisLimiter(redis, 'mail-requests:address', {
      points: requestsPerAddress,
      durationSeconds: requestWindowSeconds,
      whenRedisDown: 'closed',
    });
    this.tokenFailures = redisLimiter(redis, 'token-failures:address', {
      points: tokenFailuresPerAddress,
      durationSeconds: loginWindowSeconds,
      whenRedisDown: 'closed',
    });
    this.perAccount = redisLimiter(redis, 'password-failures:account', {
      points: loginFailuresPerAccount,
      durationSeconds: loginWindowSeconds,
      whenRedisDown: 'closed',
    });
    this.perAddress = redisLimiter(redis, 'password-failures:address', {
      points: loginFailuresPerAddress,
      durationSeconds: loginWindowSeconds,
      whenRedisDown: 'closed',
    });
  }

  /**
   * Runs `verify` (which checks the password) within the limits and returns what it returned.
   * Throws RATE_LIMITED (429 with Retry-After) when the account or the address has no attempts
   * left, and SERVICE_UNAVAILABLE (503) when Redis cannot count; `verify` runs in neither case.
   */
  async check(emailNormalised: string, address: string, verify: () => Promise<boolean>): Promise<boolean> {
    return this.within(
      [
        { limiter: this.perAccount, key: accountLimitKey(emailNormalised) },
        { limiter: this.perAddress, key: address },
      ],
      LIMITED,
      verify,
    );
  }

  /**
   * Runs `verify` (which checks a mailed link's token) within the client's budget of links that
   * did not work, the same way: counted first, given back when the token was good.
   */
  async checkToken(address: string, verify: () => Promise<boolean>): Promise<boolean> {
    return this.within([{ limiter: this.tokenFailures, key: address }], TOKEN_LIMITED, verify);
  }

  /**
   * Takes one mail from the budget of the address to be mailed and of the client asking, whether
   * or not the address has an account (so the limit reveals nothing). Not given back: each request
   * may send a mail. 429 when either is spent, 503 when Redis cannot count.
   */
  async mailRequest(emailNormalised: string, address: string): Promise<void> {
    await this.within(
      [
        { limiter: this.mailsPerAccount, key: accountLimitKey(emailNormalised) },
        { limiter: this.mailsPerAddress, key: address },
      ],
      MAIL_LIMITED,
      async () => false,
    );
  }

  private within(counters: Counter[], limited: string, verify: () => Promise<boolean>): Promise<boolean> {
    return withinBudget(counters, { limited, unavailable: UNAVAILABLE, what: 'password check' }, this.logger, verify, (ok) => ok);
  }

  /** Forgets an account's failures (its erasure, or a new password chosen through a mailed link). */
  async forgetAccount(emailNormalised: string): Promise<void> {
    await this.perAccount.delete(accountLimitKey(emailNormalised)).catch((error: Error) => this.logger.warn({ err: error }, 'attempt count not removed'));
  }
}
