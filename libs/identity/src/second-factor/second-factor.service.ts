import { Inject, Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { EventBus } from '@kindred/events';
import { DomainError } from '@kindred/http';
import { MailService } from '@kindred/mail';
import { RedisService } from '@kindred/redis';
import { AccountTokens } from '../account-tokens';
import { AuthUser } from '../auth-user';
import { PasswordAttempts } from '../password-attempts';
import { hashToken, newSessionToken } from '../tokens';
import { UsersRepository } from '../users.repository';
import { CodeAttempts } from './code-attempts';
import { SecondFactorRepository } from './second-factor.repository';
import { openSecret, sealSecret } from './secret-box';
import { acceptedStep, hashRecoveryCode, looksLikeTotp, newRecoveryCodes, newTotpSecret, totpUri } from './totp';

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

/** What `POST /auth/login` answers instead of a session when the account has a second factor. */
export interface SecondFactorChallenge {
  mfaRequired: true;
  mfaToken: string;
}

export interface SecondFactorStatus {
  totp: 'off' | 'pending' | 'on';
  confirmedAt: Date | null;
  recoveryCodesLeft: number;
}

/** How long the second step of a sign-in may wait after the password was right. */
const CHALLENGE_SECONDS = 5 * 60;
const WRONG_CODE = 'That code is not right. Use the newest code from your authenticator app, or one of your recovery codes.';
const CHALLENGE_ENDED = 'That sign-in has expired or was already used. Please sign in again.';
const NOT_DISABLED = 'That password or code is not right, so two-step sign-in is still on.';

/**
 * Second factors: a TOTP authenticator (RFC 6238) with ten single-use recovery codes. Secrets are
 * sealed with AES-256-GCM at rest, each code is accepted once (its time step is remembered), and
 * every code check is counted before it runs (CodeAttempts).
 */
@Injectable()
export class SecondFactorService {
  private readonly logger = new Logger('SecondFactor');

  constructor(
    private readonly factors: SecondFactorRepository,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly redis: RedisService,
    private readonly codes: CodeAttempts,
    private readonly passwords: PasswordAttempts,
    private readonly events: EventBus,
    private readonly users: UsersRepository,
    private readonly links: AccountTokens,
    private readonly mail: MailService,
  ) {}

  async status(userId: string): Promise<SecondFactorStatus> {
    const found = await this.factors.status(userId);
    if (!found) return { totp: 'off', confirmedAt: null, recoveryCodesLeft: 0 };
    return { totp: found.confirmedAt ? 'on' : 'pending', confirmedAt: found.confirmedAt, recoveryCodesLeft: found.confirmedAt ? found.recoveryCodesLeft : 0 };
  }

  /** Whether the person has a confirmed second factor (staff need one for moderation and admin work). */
  hasSecondFactor(userId: string): Promise<boolean> {
    return this.factors.isConfirmed(userId);
  }

  /** Starts (or starts again) an enrolment: a new secret, not a second factor until a code confirms it. */
  async beginTotp(user: AuthUser): Promise<TotpEnrolment> {
    const secret = newTotpSecret();
    const sealed = sealSecret(this.config.mfa.encryptionKey, secret, user.id);
    if (!(await this.factors.savePending(user.id, sealed))) {
      throw DomainError.conflict('Two-step sign-in is already on. Turn it off first to set up another authenticator app.');
    }
    this.logger.log({ event: 'mfa-enrolment-started', userId: user.id }, 'second factor enrolment started');
    return { secret, otpauthUri: totpUri(secret, user.displayName) };
  }

  /** A right code from the new authenticator turns it on, and gives the ten recovery codes (shown this once). */
  async confirmTotp(user: AuthUser, code: string, address: string): Promise<RecoveryCodes> {
    const pending = await this.factor(user.id);
    if (!pending) throw DomainError.conflict('Start setting up two-step sign-in first: there is no authenticator app waiting to be confirmed.');
    if (pending.confirmedAt) throw DomainError.conflict('Two-step sign-in is already on.');
    const step = await this.codes.check(user.id, address, () => acceptedStep(pending.secret, code.replace(/[\s-]/g, ''), pending.lastUsedStep));
    if (step === null) {
      this.logger.warn({ event: 'mfa-confirm-failed', userId: user.id, address }, 'second factor not confirmed: wrong code');
      throw DomainError.validation([{ field: 'code', message: WRONG_CODE }]);
    }
    const recoveryCodes = newRecoveryCodes();
    // False when another request confirmed it, or started again with a new secret, in the meantime.
    if (!(await this.factors.confirm(user.id, pending.sealed, step, recoveryCodes.map(hashRecoveryCode)))) {
      throw DomainError.conflict('Two-step sign-in changed while this code was checked. Please start again.');
    }
    this.logger.log({ event: 'mfa-enrolled', userId: user.id }, 'second factor confirmed');
    await this.announce(user.id, true);
    await this.tellOwner(user.id, 'second-factor-on');
    return { recoveryCodes };
  }

  /** Turns the second factor off: the password and a code (or a recovery code) are both needed. */
  async disableTotp(user: AuthUser, password: string, code: string, address: string): Promise<void> {
    const factor = await this.factor(user.id);
    if (!factor?.confirmedAt) throw DomainError.notFound('Two-step sign-in on this account');
    const account = await this.factors.passwordOf(user.id);
    if (!account) throw DomainError.notFound('Two-step sign-in on this account');
    // The same budget of wrong passwords as signing in: a stolen session cannot be used to guess it.
    const passwordOk = await this.passwords.check(account.emailNormalised, address, () => argon2.verify(account.passwordHash, password).catch(() => false));
    const codeOk = passwordOk && (await this.useCode(user.id, code, address));
    if (!codeOk) {
      this.logger.warn({ event: 'mfa-disable-refused', userId: user.id, address }, 'second factor not turned off');
      throw DomainError.forbidden(NOT_DISABLED);
    }
    await this.factors.remove(user.id);
    this.logger.log({ event: 'mfa-disabled', userId: user.id }, 'second factor turned off');
    await this.announce(user.id, false);
    await this.tellOwner(user.id, 'second-factor-off');
  }

  /** A change to how the account signs in is mailed to its owner, so one made by someone else does not go unnoticed. */
  private async tellOwner(userId: string, template: 'second-factor-on' | 'second-factor-off'): Promise<void> {
    const owner = await this.users.find(userId);
    if (owner) void this.mail.send(owner.email, { template, links: { forgotPassword: this.links.link('forgot-password') } });
  }

  /**
   * After a right password: null when the account has no second factor (sign in now), otherwise a
   * challenge whose token names the account for five minutes and works once.
   */
  async challenge(userId: string): Promise<SecondFactorChallenge | null> {
    if (!(await this.hasSecondFactor(userId))) return null;
    const mfaToken = newSessionToken();
    await this.redisCall(() => this.redis.client.set(this.challengeKey(mfaToken), userId, 'EX', CHALLENGE_SECONDS));
    return { mfaRequired: true, mfaToken };
  }

  /** The second step of signing in: the account the challenge was for, once its code is right. */
  async redeem(mfaToken: string, code: string, address: string): Promise<string> {
    const key = this.challengeKey(mfaToken);
    const userId = await this.redisCall(() => this.redis.client.get(key));
    if (!userId) {
      this.logger.warn({ event: 'mfa-login-failed', reason: 'challenge', address }, 'second step refused: unknown or expired challenge');
      throw new DomainError('UNAUTHENTICATED', CHALLENGE_ENDED);
    }
    if (!(await this.useCode(userId, code, address))) {
      this.logger.warn({ event: 'mfa-login-failed', reason: 'code', userId, address }, 'second step refused: wrong code');
      throw new DomainError('UNAUTHENTICATED', WRONG_CODE);
    }
    // Single use: of two right answers at once, only the one that deletes the challenge signs in.
    if ((await this.redisCall(() => this.redis.client.del(key))) !== 1) throw new DomainError('UNAUTHENTICATED', CHALLENGE_ENDED);
    return userId;
  }

  /** A TOTP code (each time step once) or an unused recovery code (then used up), counted before it is checked. */
  private async useCode(userId: string, code: string, address: string): Promise<boolean> {
    const used = await this.codes.check(userId, address, () => (looksLikeTotp(code) ? this.useTotp(userId, code) : this.useRecoveryCode(userId, code)));
    return used !== null;
  }

  private async useTotp(userId: string, code: string): Promise<true | null> {
    const factor = await this.factor(userId);
    if (!factor?.confirmedAt) return null;
    const step = await acceptedStep(factor.secret, code.replace(/[\s-]/g, ''), factor.lastUsedStep);
    if (step === null) return null;
    // Remembered atomically: the same code sent twice at once is accepted once.
    return (await this.factors.useStep(userId, step)) ? true : null;
  }

  private async useRecoveryCode(userId: string, code: string): Promise<true | null> {
    if (code.length > 64) return null;
    if (!(await this.factors.useRecoveryCode(userId, hashRecoveryCode(code)))) return null;
    this.logger.log({ event: 'mfa-recovery-code-used', userId }, 'recovery code used');
    return true;
  }

  private async factor(userId: string): Promise<{ secret: string; sealed: string; confirmedAt: Date | null; lastUsedStep: number | null } | null> {
    const stored = await this.factors.find(userId);
    if (!stored) return null;
    return { ...stored, secret: openSecret(this.config.mfa.encryptionKey, stored.sealed, userId) };
  }

  private challengeKey(mfaToken: string): string {
    return this.redis.key('mfa-challenge', hashToken(mfaToken));
  }

  /** Challenges live in Redis: when it cannot answer, signing in waits (503) rather than fail open. */
  private async redisCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.logger.error({ err: error }, 'second-factor challenge store unavailable (Redis)');
      throw new DomainError('SERVICE_UNAVAILABLE', 'Signing in is briefly unavailable. Please try again in a moment.', {}, { 'Retry-After': '5' });
    }
  }

  private async announce(userId: string, enrolled: boolean): Promise<void> {
    await this.events
      .publish('second-factor.changed', { userId, enrolled })
      .catch((error: Error) => this.logger.warn({ err: error, userId }, 'second-factor change not announced'));
  }
}
