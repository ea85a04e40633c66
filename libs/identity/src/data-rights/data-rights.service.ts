import { Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { Transactions } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '../auth-user';
import { ConsentRecordsRepository } from '../consent-records.repository';
import { IdentityService } from '../identity.service';
import { PasswordAttempts } from '../password-attempts';
import { SessionsRepository } from '../sessions.repository';
import { UsersRepository } from '../users.repository';
import { PersonalDataRegistry } from './personal-data.registry';

/** UK GDPR rights of access and erasure, over every context that registered its data. */
/**
 * A wrong password is a mistake in the form, not an ended session: 422 on `password`, as for a
 * change of password, so the person stays signed in and is told what to fix.
 */
const WRONG_PASSWORD = () => DomainError.validation([{ field: 'password', message: 'That password is not right, so nothing was deleted. Please try again.' }]);

@Injectable()
export class DataRightsService {
  private readonly logger = new Logger(DataRightsService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly consents: ConsentRecordsRepository,
    private readonly transactions: Transactions,
    private readonly registry: PersonalDataRegistry,
    private readonly events: EventBus,
    private readonly attempts: PasswordAttempts,
    private readonly identity: IdentityService,
  ) {}

  /** Everything held about the caller, as one JSON document. Other people appear by display name only. */
  async export(user: AuthUser): Promise<Record<string, unknown>> {
    const account = await this.users.findOrFail(user.id);
    const [sessions, consents, profile] = await Promise.all([this.sessions.allOf(user.id), this.consents.allOf(user.id), this.users.profile(user.id)]);
    const document: Record<string, unknown> = {
      exportedAt: new Date().toISOString(),
      account: {
        id: account.id,
        email: account.email,
        displayName: account.displayName,
        dateOfBirth: account.dateOfBirth,
        isAdmin: account.isAdmin,
        createdAt: account.createdAt,
        aboutMe: profile?.aboutMe ?? null,
        showOnline: profile?.showOnline ?? true,
      },
      consents: consents.map((c) => ({ version: c.consentVersion, givenAt: c.givenAt })),
      sessions: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        endedAt: s.revokedAt,
        userAgent: s.userAgent,
      })),
    };
    for (const contributor of this.registry.all()) document[contributor.section] = await contributor.export(user.id);
    this.logger.log({ event: 'data-export', userId: user.id }, 'personal data exported');
    return document;
  }

  /**
   * Erases the account in one transaction: every context removes or anonymises what it holds,
   * then the account, its sessions and consent records go. Threads stay readable for others.
   */
  async erase(user: AuthUser, password: string, address: string): Promise<void> {
    const row = await this.users.credentialsById(user.id);
    if (!row) throw WRONG_PASSWORD();
    // The same budget of wrong passwords as signing in: a stolen session cannot be used to guess it.
    const ok = await this.attempts.check(row.emailNormalised, address, () => argon2.verify(row.passwordHash, password).catch(() => false));
    if (!ok) throw WRONG_PASSWORD();
    const eraseAll = () =>
      this.transactions.run(async (tx) => {
        for (const contributor of this.registry.all()) await contributor.erase(tx, user.id);
        await this.users.delete(tx, user.id);
      });
    // Erasure touches every context's rows in registry order, which a moderator's decision on the
    // same content may meet the other way round: a deadlock victim is run again once, never a 500.
    await eraseAll().catch((error: unknown) => {
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (code !== '40P01') throw error;
      return eraseAll();
    });
    this.identity.forgetDisplayName(user.id);
    this.identity.forgetSessions(user.id);
    // Sockets close at once; rate-limit state keyed by this person goes too (the rest expires in minutes).
    await this.events.publish('session.revoked', { userId: user.id, reason: 'erased' });
    await this.attempts.forgetAccount(row.emailNormalised);
    this.logger.log({ event: 'erasure', userId: user.id }, 'account erased');
  }
}
