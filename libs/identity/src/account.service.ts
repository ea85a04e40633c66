import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { DataSource, QueryFailedError } from 'typeorm';
import { DomainError } from '@kindred/http';
import { MailService } from '@kindred/mail';
import { AccountTokens } from './account-tokens';
import { AuthUser } from './auth-user';
import { IdentityService, RegistrationAccepted } from './identity.service';
import { PasswordAttempts } from './password-attempts';
import { passwordProblem } from './passwords/password-policy';
import { hashToken, normaliseEmail } from './tokens';

const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const LINK_GONE = 'That link has already been used or has expired. You can ask for a new one.';
const WRONG_PASSWORD = 'That password is not right.';
const CHECK_EMAIL: RegistrationAccepted = { status: 'check-email' };

interface Owner {
  id: string;
  email: string;
  email_normalised: string;
  display_name: string;
  password_hash: string;
}

/**
 * What a member does with the address and password of their account once it exists: verify the
 * address, reset a forgotten password by mail, change the password or the address while signed
 * in. Every mailed link is single use and stored hashed (AccountTokens); every request that sends
 * a mail, every token and every password re-check is counted by PasswordAttempts.
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly attempts: PasswordAttempts,
    private readonly tokens: AccountTokens,
    private readonly mail: MailService,
  ) {}

  /** POST /auth/verify-email: a registration's link (the account can sign in) or a change of email's (the account moves to the new address). */
  async verifyEmail(token: string, address: string): Promise<void> {
    const ok = await this.attempts.checkToken(address, async () => {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const [rows] = (await manager.query(
            `UPDATE account_tokens SET used_at = now()
             WHERE token_hash = $1 AND purpose IN ('verify-email', 'change-email') AND used_at IS NULL AND expires_at > now()
             RETURNING user_id, purpose, new_email`,
            [hashToken(token)],
          )) as [Array<{ user_id: string; purpose: string; new_email: string | null }>, number];
          const row = rows[0];
          if (!row) return false;
          if (row.purpose === 'verify-email') {
            await manager.query(`UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [row.user_id]);
            this.logger.log({ event: 'email-verified', userId: row.user_id }, 'email address verified');
          } else {
            // Another account may have taken the address since the link was sent: then the link no longer works.
            await manager.query(`UPDATE users SET email = $2, email_normalised = $3, email_verified_at = now() WHERE id = $1`, [
              row.user_id,
              row.new_email,
              normaliseEmail(row.new_email!),
            ]);
            this.logger.log({ event: 'email-changed', userId: row.user_id }, 'email address changed');
          }
          await manager.query(`UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [row.user_id, row.purpose]);
          return true;
        });
      } catch (error) {
        const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string }) : null;
        if (driverError?.code === '23505') return false;
        throw error;
      }
    });
    if (!ok) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
  }

  /** POST /auth/password-reset: the same answer whether or not the address has an account; only a known one is mailed a link. */
  async requestPasswordReset(email: string, address: string): Promise<RegistrationAccepted> {
    const emailNormalised = normaliseEmail(email);
    await this.attempts.mailRequest(emailNormalised, address);
    const rows = (await this.dataSource.query(`SELECT id, email FROM users WHERE email_normalised = $1`, [emailNormalised])) as Array<{
      id: string;
      email: string;
    }>;
    const user = rows[0];
    if (user) {
      const { id, token } = await this.tokens.issue(this.dataSource, user.id, 'reset-password');
      // Not awaited, so a known address answers no later than an unknown one.
      void this.mail.send(user.email, { template: 'password-reset', links: { reset: this.tokens.link('reset-password', token) } }, `reset-${id}`);
      this.logger.log({ event: 'password-reset-requested', userId: user.id, address }, 'password reset mailed');
    }
    return CHECK_EMAIL;
  }

  /**
   * POST /auth/password-reset/confirm: a new password through a mailed link. Every session of the
   * account ends (sockets included), the account's wrong-password count is forgotten (a reset is
   * the way out of a lockout), and the owner is told by mail. Following the link also proves the
   * address, so an account not yet verified becomes verified.
   */
  async confirmPasswordReset(token: string, password: string, address: string): Promise<void> {
    let found: { token_id: string; user_id: string; email: string; email_normalised: string; display_name: string } | undefined;
    const ok = await this.attempts.checkToken(address, async () => {
      const rows = (await this.dataSource.query(
        `SELECT t.id AS token_id, u.id AS user_id, u.email, u.email_normalised, u.display_name
         FROM account_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.purpose = 'reset-password' AND t.used_at IS NULL AND t.expires_at > now()`,
        [hashToken(token)],
      )) as Array<NonNullable<typeof found>>;
      found = rows[0];
      return Boolean(found);
    });
    if (!ok || !found) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
    const owner = found;
    const problem = passwordProblem(password, { email: owner.email, displayName: owner.display_name });
    if (problem) throw DomainError.validation([{ field: 'password', message: problem }]);
    const passwordHash = await argon2.hash(password, ARGON2);
    const changed = await this.dataSource.transaction(async (manager) => {
      const [used] = (await manager.query(`UPDATE account_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id`, [
        owner.token_id,
      ])) as [unknown[], number];
      if (used.length === 0) return false;
      await manager.query(`UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = 'reset-password' AND used_at IS NULL`, [owner.user_id]);
      await manager.query(`UPDATE users SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [
        owner.user_id,
        passwordHash,
      ]);
      return true;
    });
    // Two uses of one link at once: only the first changes anything.
    if (!changed) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
    await this.identity.endSessions(owner.user_id);
    await this.attempts.forgetAccount(owner.email_normalised);
    void this.mail.send(owner.email, { template: 'password-changed', links: { forgotPassword: this.tokens.link('forgot-password') } });
    this.logger.log({ event: 'password-reset', userId: owner.user_id, address }, 'password reset; every session ended');
  }

  /** POST /me/password: the current password again (under the attempt limits), a new one, and every other session ends. */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string, address: string): Promise<void> {
    const owner = await this.owner(user);
    const problem = passwordProblem(newPassword, { email: owner.email, displayName: owner.display_name });
    if (problem) throw DomainError.validation([{ field: 'newPassword', message: problem }]);
    await this.recheck(owner, currentPassword, address, 'currentPassword');
    const passwordHash = await argon2.hash(newPassword, ARGON2);
    await this.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [user.id, passwordHash]);
    await this.identity.endOtherSessions(user);
    void this.mail.send(owner.email, { template: 'password-changed', links: { forgotPassword: this.tokens.link('forgot-password') } });
    this.logger.log({ event: 'password-changed', userId: user.id }, 'password changed; other sessions ended');
  }

  /**
   * POST /me/email: the password again, then a link to the new address; the account moves to it
   * only when that link is followed. The old address is told. The answer is the same when the new
   * address already has an account (its owner is told instead), so this cannot test addresses.
   */
  async requestEmailChange(user: AuthUser, password: string, newEmail: string, address: string): Promise<RegistrationAccepted> {
    const owner = await this.owner(user);
    const newNormalised = normaliseEmail(newEmail);
    if (newNormalised === owner.email_normalised) {
      throw DomainError.validation([{ field: 'newEmail', message: 'That is already the email address of your account.' }]);
    }
    await this.attempts.mailRequest(newNormalised, address);
    await this.recheck(owner, password, address, 'password');
    const taken = ((await this.dataSource.query(`SELECT 1 FROM users WHERE email_normalised = $1`, [newNormalised])) as unknown[]).length > 0;
    const to = newEmail.trim();
    if (taken) {
      void this.mail.send(to, {
        template: 'address-in-use',
        links: { signIn: this.tokens.link('sign-in'), forgotPassword: this.tokens.link('forgot-password') },
      });
    } else {
      const { id, token } = await this.tokens.issue(this.dataSource, user.id, 'change-email', to);
      void this.mail.send(to, { template: 'confirm-new-email', links: { verify: this.tokens.link('verify-email', token) } }, `change-${id}`);
    }
    void this.mail.send(owner.email, { template: 'email-change-requested', links: { forgotPassword: this.tokens.link('forgot-password') } });
    this.logger.log({ event: 'email-change-requested', userId: user.id }, 'change of email asked for');
    return CHECK_EMAIL;
  }

  private async owner(user: AuthUser): Promise<Owner> {
    const rows = (await this.dataSource.query(`SELECT id, email, email_normalised, display_name, password_hash FROM users WHERE id = $1`, [
      user.id,
    ])) as Owner[];
    if (!rows[0]) throw new DomainError('UNAUTHENTICATED', 'Please sign in again.');
    return rows[0];
  }

  /** A password re-check under the sign-in limits. A wrong one is a field error (422), not 401: the session itself is fine. */
  private async recheck(owner: Owner, password: string, address: string, field: string): Promise<void> {
    const ok = await this.attempts.check(owner.email_normalised, address, () => argon2.verify(owner.password_hash, password).catch(() => false));
    if (!ok) {
      this.logger.warn({ event: 'password-recheck-failed', userId: owner.id, address }, 'password re-check failed');
      throw DomainError.validation([{ field, message: WRONG_PASSWORD }]);
    }
  }
}
