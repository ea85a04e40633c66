import { Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { Transactions } from '@kindred/database';
import { DomainError } from '@kindred/http';
import { MailService } from '@kindred/mail';
import { AccountTokens } from './account-tokens';
import { AccountTokensRepository, ResetOwner } from './account-tokens.repository';
import { AuthUser } from './auth-user';
import { IdentityService, RegistrationAccepted } from './identity.service';
import { PasswordAttempts } from './password-attempts';
import { passwordProblem } from './passwords/password-policy';
import { hashToken, normaliseEmail } from './tokens';
import { Credentials, UniqueViolation, UsersRepository } from './users.repository';

const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const LINK_GONE = 'That link has already been used or has expired. You can ask for a new one.';
const WRONG_PASSWORD = 'That password is not right.';
const CHECK_EMAIL: RegistrationAccepted = { status: 'check-email' };

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
    private readonly users: UsersRepository,
    private readonly tokenRows: AccountTokensRepository,
    private readonly transactions: Transactions,
    private readonly identity: IdentityService,
    private readonly attempts: PasswordAttempts,
    private readonly tokens: AccountTokens,
    private readonly mail: MailService,
  ) {}

  /** POST /auth/verify-email: a registration's link (the account can sign in) or a change of email's (the account moves to the new address). */
  async verifyEmail(token: string, address: string): Promise<void> {
    const ok = await this.attempts.checkToken(address, async () => {
      try {
        return await this.transactions.run(async (tx) => {
          const link = await this.tokenRows.useEmailLink(tx, hashToken(token));
          if (!link) return false;
          if (link.purpose === 'verify-email') {
            await this.users.markVerified(tx, link.userId);
            this.logger.log({ event: 'email-verified', userId: link.userId }, 'email address verified');
          } else {
            // Another account may have taken the address since the link was sent: then the link no longer works.
            await this.users.moveToEmail(tx, link.userId, link.newEmail!, normaliseEmail(link.newEmail!));
            this.logger.log({ event: 'email-changed', userId: link.userId }, 'email address changed');
          }
          await this.tokenRows.useAllOf(tx, link.userId, link.purpose);
          return true;
        });
      } catch (error) {
        if (error instanceof UniqueViolation) return false;
        throw error;
      }
    });
    if (!ok) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
  }

  /** POST /auth/password-reset: the same answer whether or not the address has an account; only a known one is mailed a link. */
  async requestPasswordReset(email: string, address: string): Promise<RegistrationAccepted> {
    const emailNormalised = normaliseEmail(email);
    await this.attempts.mailRequest(emailNormalised, address);
    const user = await this.users.findByEmail(emailNormalised);
    if (user) {
      const { id, token } = await this.tokens.issue(user.id, 'reset-password');
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
    let found: ResetOwner | null = null;
    const ok = await this.attempts.checkToken(address, async () => {
      found = await this.tokenRows.findResetOwner(hashToken(token));
      return Boolean(found);
    });
    if (!ok || !found) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
    const owner: ResetOwner = found;
    const problem = passwordProblem(password, { email: owner.email, displayName: owner.displayName });
    if (problem) throw DomainError.validation([{ field: 'password', message: problem }]);
    const passwordHash = await argon2.hash(password, ARGON2);
    const changed = await this.transactions.run(async (tx) => {
      if (!(await this.tokenRows.use(tx, owner.tokenId))) return false;
      await this.tokenRows.useAllOf(tx, owner.userId, 'reset-password');
      await this.users.resetPassword(tx, owner.userId, passwordHash);
      return true;
    });
    // Two uses of one link at once: only the first changes anything.
    if (!changed) throw new DomainError('TOKEN_EXPIRED', LINK_GONE);
    await this.identity.endSessions(owner.userId);
    await this.attempts.forgetAccount(owner.emailNormalised);
    void this.mail.send(owner.email, { template: 'password-changed', links: { forgotPassword: this.tokens.link('forgot-password') } });
    this.logger.log({ event: 'password-reset', userId: owner.userId, address }, 'password reset; every session ended');
  }

  /** POST /me/password: the current password again (under the attempt limits), a new one, and every other session ends. */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string, address: string): Promise<void> {
    const owner = await this.owner(user);
    const problem = passwordProblem(newPassword, { email: owner.email, displayName: owner.displayName });
    if (problem) throw DomainError.validation([{ field: 'newPassword', message: problem }]);
    await this.recheck(owner, currentPassword, address, 'currentPassword');
    const passwordHash = await argon2.hash(newPassword, ARGON2);
    await this.users.setPassword(user.id, passwordHash);
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
    if (newNormalised === owner.emailNormalised) {
      throw DomainError.validation([{ field: 'newEmail', message: 'That is already the email address of your account.' }]);
    }
    await this.attempts.mailRequest(newNormalised, address);
    await this.recheck(owner, password, address, 'password');
    const taken = (await this.users.findByEmail(newNormalised)) !== null;
    const to = newEmail.trim();
    if (taken) {
      void this.mail.send(to, {
        template: 'address-in-use',
        links: { signIn: this.tokens.link('sign-in'), forgotPassword: this.tokens.link('forgot-password') },
      });
    } else {
      const { id, token } = await this.tokens.issue(user.id, 'change-email', { newEmail: to });
      void this.mail.send(to, { template: 'confirm-new-email', links: { verify: this.tokens.link('verify-email', token) } }, `change-${id}`);
    }
    void this.mail.send(owner.email, { template: 'email-change-requested', links: { forgotPassword: this.tokens.link('forgot-password') } });
    this.logger.log({ event: 'email-change-requested', userId: user.id }, 'change of email asked for');
    return CHECK_EMAIL;
  }

  private async owner(user: AuthUser): Promise<Credentials> {
    const owner = await this.users.credentialsById(user.id);
    if (!owner) throw new DomainError('UNAUTHENTICATED', 'Please sign in again.');
    return owner;
  }

  /** A password re-check under the sign-in limits. A wrong one is a field error (422), not 401: the session itself is fine. */
  private async recheck(owner: Credentials, password: string, address: string, field: string): Promise<void> {
    const ok = await this.attempts.check(owner.emailNormalised, address, () => argon2.verify(owner.passwordHash, password).catch(() => false));
    if (!ok) {
      this.logger.warn({ event: 'password-recheck-failed', userId: owner.id, address }, 'password re-check failed');
      throw DomainError.validation([{ field, message: WRONG_PASSWORD }]);
    }
  }
}
