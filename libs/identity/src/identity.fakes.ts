import { randomUUID } from 'node:crypto';
import type { Transactions, Tx } from '@kindred/database';
import type { AccountTokenPurpose } from './account-token.entity';
import type { AccountTokensRepository, NewAccountToken } from './account-tokens.repository';
import type { ConsentRecord } from './consent-record.entity';
import type { ConsentRecordsRepository } from './consent-records.repository';
import type { SecondFactorRepository, StoredFactor } from './second-factor/second-factor.repository';
import type { Session } from './session.entity';
import type { NewSession, SessionsRepository } from './sessions.repository';
import type { User } from './user.entity';
import { Credentials, NewUser, UniqueViolation, UsersRepository } from './users.repository';

/** A `users` row as the fakes keep it. */
export interface StoredUser extends NewUser {
  id: string;
  aboutMe?: string | null;
  showOnline?: boolean;
  isAdmin: boolean;
  createdAt: Date;
}

export interface StoredSession extends NewSession {
  id: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface StoredToken {
  id: string;
  userId: string;
  purpose: AccountTokenPurpose;
  tokenHash: string;
  newEmail: string | null;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * The identity context's repositories kept in memory, for the fast tier: each fake follows its
 * repository's public interface, so the services' rules are tested without PostgreSQL.
 */
export class IdentityStore {
  users = new Map<string, StoredUser>();
  sessions: StoredSession[] = [];
  consents: ConsentRecord[] = [];
  tokens: StoredToken[] = [];
  secondFactors = new Map<string, StoredFactor>();
  recoveryCodes: Array<{ userId: string; codeHash: string; usedAt: Date | null }> = [];

  userByEmail(emailNormalised: string): StoredUser | undefined {
    return [...this.users.values()].find((u) => u.emailNormalised === emailNormalised);
  }
}

type Port<T> = { [K in keyof T]: T[K] };

/** A fake in the place of the repository it follows (TypeScript compares classes with private fields by name). */
export function standIn<T>(fake: Port<T>): T {
  return fake as T;
}

/** Runs the work with a stand-in transaction: the fakes ignore it (they have no rollback). */
export const fakeTransactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx) } as unknown as Transactions;

function publicColumns(u: StoredUser): User {
  return { id: u.id, email: u.email, displayName: u.displayName, dateOfBirth: u.dateOfBirth, isAdmin: u.isAdmin, createdAt: u.createdAt } as User;
}

function credentials(u: StoredUser | undefined): Credentials | null {
  if (!u) return null;
  return {
    id: u.id,
    email: u.email,
    emailNormalised: u.emailNormalised,
    displayName: u.displayName,
    passwordHash: u.passwordHash,
    emailVerifiedAt: u.emailVerifiedAt,
  };
}

export class FakeUsersRepository implements Port<UsersRepository> {
  constructor(private readonly store: IdentityStore) {}

  /** The unique indexes of `users`, as PostgreSQL would enforce them. */
  private assertUnique(id: string, row: Pick<StoredUser, 'emailNormalised' | 'displayNameNormalised' | 'displayNameSkeleton'>): void {
    for (const other of this.store.users.values()) {
      if (other.id === id) continue;
      if (other.emailNormalised === row.emailNormalised) throw new UniqueViolation('email');
      if (other.displayNameNormalised === row.displayNameNormalised) throw new UniqueViolation('display-name');
      if (other.displayNameSkeleton === row.displayNameSkeleton) throw new UniqueViolation('display-name-skeleton');
    }
  }

  async clashes(_tx: Tx, key: { emailNormalised: string; displayNameNormalised: string; skeleton: string }) {
    return [...this.store.users.values()]
      .map((u) => ({
        id: u.id,
        email: u.email,
        verified: u.emailVerifiedAt !== null,
        emailTaken: u.emailNormalised === key.emailNormalised,
        nameTaken: u.displayNameNormalised === key.displayNameNormalised,
        skeletonTaken: u.displayNameSkeleton === key.skeleton,
      }))
      .filter((c) => c.emailTaken || c.nameTaken || c.skeletonTaken);
  }
  async insert(_tx: Tx, user: NewUser) {
    const id = randomUUID();
    this.assertUnique(id, user);
    this.store.users.set(id, { ...user, id, isAdmin: false, createdAt: new Date() });
    return { id, email: user.email, displayName: user.displayName };
  }
  async nameClashes(userId: string, displayNameNormalised: string, skeleton: string) {
    return [...this.store.users.values()]
      .filter((u) => u.id !== userId && (u.displayNameNormalised === displayNameNormalised || u.displayNameSkeleton === skeleton))
      .map((u) => ({ nameTaken: u.displayNameNormalised === displayNameNormalised }));
  }
  async rename(userId: string, name: { displayName: string; displayNameNormalised: string; skeleton: string }) {
    const u = this.store.users.get(userId);
    if (!u) return;
    this.assertUnique(userId, { emailNormalised: u.emailNormalised, displayNameNormalised: name.displayNameNormalised, displayNameSkeleton: name.skeleton });
    Object.assign(u, { displayName: name.displayName, displayNameNormalised: name.displayNameNormalised, displayNameSkeleton: name.skeleton });
  }
  async find(userId: string) {
    const u = this.store.users.get(userId);
    return u ? publicColumns(u) : null;
  }
  async findOrFail(userId: string) {
    const u = this.store.users.get(userId);
    if (!u) throw new Error(`no user ${userId}`);
    return publicColumns(u);
  }
  async credentialsById(userId: string) {
    return credentials(this.store.users.get(userId));
  }
  async credentialsByEmail(emailNormalised: string) {
    return credentials(this.store.userByEmail(emailNormalised));
  }
  async findByEmail(emailNormalised: string) {
    const u = this.store.userByEmail(emailNormalised);
    return u ? { id: u.id, email: u.email } : null;
  }
  async verifiedIdByEmail(emailNormalised: string) {
    const u = this.store.userByEmail(emailNormalised);
    return u && u.emailVerifiedAt ? u.id : null;
  }
  async displayNames(userIds: string[]) {
    return userIds.flatMap((id) => {
      const u = this.store.users.get(id);
      return u ? [{ id, displayName: u.displayName }] : [];
    });
  }
  async verifiedAddresses(userIds: string[]) {
    return userIds.flatMap((id) => {
      const u = this.store.users.get(id);
      return u && u.emailVerifiedAt ? [{ id, email: u.email }] : [];
    });
  }
  async idsByNormalisedNames(names: string[]) {
    return [...this.store.users.values()].filter((u) => names.includes(u.displayNameNormalised)).map((u) => ({ id: u.id, name: u.displayNameNormalised }));
  }
  async existing(userIds: string[]) {
    return userIds.filter((id) => this.store.users.has(id));
  }
  async idsNamedLike(text: string, limit: number) {
    return [...this.store.users.values()]
      .filter((u) => u.displayName.toLowerCase().includes(text.toLowerCase()))
      .slice(0, limit)
      .map((u) => u.id);
  }
  async adminIds() {
    return [...this.store.users.values()].filter((u) => u.isAdmin).map((u) => u.id);
  }
  async makeAdmin(userId: string) {
    const u = this.store.users.get(userId);
    if (u) Object.assign(u, { isAdmin: true, emailVerifiedAt: u.emailVerifiedAt ?? new Date() });
  }
  async markVerified(_tx: Tx, userId: string) {
    const u = this.store.users.get(userId);
    if (u) u.emailVerifiedAt ??= new Date();
  }
  async moveToEmail(_tx: Tx, userId: string, email: string, emailNormalised: string) {
    const u = this.store.users.get(userId);
    if (!u) return;
    this.assertUnique(userId, { ...u, emailNormalised });
    Object.assign(u, { email, emailNormalised, emailVerifiedAt: new Date() });
  }
  async setPassword(userId: string, passwordHash: string) {
    const u = this.store.users.get(userId);
    if (u) u.passwordHash = passwordHash;
  }
  async resetPassword(_tx: Tx, userId: string, passwordHash: string) {
    const u = this.store.users.get(userId);
    if (u) Object.assign(u, { passwordHash, emailVerifiedAt: u.emailVerifiedAt ?? new Date() });
  }
  async profile(userId: string) {
    const u = this.store.users.get(userId);
    return u ? { aboutMe: u.aboutMe ?? null, showOnline: u.showOnline ?? true } : null;
  }
  async setAboutMe(userId: string, aboutMe: string | null) {
    const u = this.store.users.get(userId);
    if (u) u.aboutMe = aboutMe;
  }
  async setShowOnline(userId: string, showOnline: boolean) {
    const u = this.store.users.get(userId);
    if (u) u.showOnline = showOnline;
  }
  async shownOnline(userIds: string[]) {
    return userIds.filter((id) => {
      const u = this.store.users.get(id);
      return u !== undefined && (u.showOnline ?? true);
    });
  }
  async delete(_tx: Tx, userId: string) {
    this.store.users.delete(userId);
    this.store.sessions = this.store.sessions.filter((s) => s.userId !== userId);
    this.store.consents = this.store.consents.filter((c) => c.userId !== userId);
    this.store.tokens = this.store.tokens.filter((t) => t.userId !== userId);
  }
}

function asSession(s: StoredSession): Session {
  const { tokenHash: _hidden, ...columns } = s;
  return { ...columns } as Session;
}

export class FakeSessionsRepository implements Port<SessionsRepository> {
  constructor(private readonly store: IdentityStore) {}
  async insert(session: NewSession) {
    this.store.sessions.push({ ...session, id: randomUUID(), createdAt: new Date(), revokedAt: null });
  }
  async findByTokenHash(tokenHash: string) {
    const s = this.store.sessions.find((x) => x.tokenHash === tokenHash && x.revokedAt === null);
    const u = s && this.store.users.get(s.userId);
    if (!s || !u) return null;
    return {
      user: { id: u.id, displayName: u.displayName, isAdmin: u.isAdmin, sessionId: s.id },
      lastSeenAt: new Date(s.lastSeenAt),
      expiresAt: new Date(s.expiresAt),
    };
  }
  async activity(sessionId: string) {
    const s = this.store.sessions.find((x) => x.id === sessionId && x.revokedAt === null);
    return s ? { lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt } : null;
  }
  async touch(sessionId: string) {
    const s = this.store.sessions.find((x) => x.id === sessionId);
    if (s) s.lastSeenAt = new Date();
  }
  async openOf(userId: string) {
    return this.store.sessions
      .filter((s) => s.userId === userId && s.revokedAt === null)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map(asSession);
  }
  async allOf(userId: string) {
    return this.store.sessions.filter((s) => s.userId === userId).map(asSession);
  }
  async endExpired(sessionId: string) {
    const s = this.store.sessions.find((x) => x.id === sessionId && x.revokedAt === null);
    if (s) s.revokedAt = new Date();
  }
  async endOne(userId: string, sessionId: string) {
    const s = this.store.sessions.find((x) => x.id === sessionId && x.userId === userId && x.revokedAt === null);
    if (s) s.revokedAt = new Date();
    return Boolean(s);
  }
  async end(userId: string, sessionIds?: string[]) {
    for (const s of this.store.sessions) {
      if (s.userId === userId && s.revokedAt === null && (!sessionIds || sessionIds.includes(s.id))) s.revokedAt = new Date();
    }
  }
  async endAllBut(userId: string, keptSessionId: string) {
    const ended = this.store.sessions.filter((s) => s.userId === userId && s.id !== keptSessionId && s.revokedAt === null);
    for (const s of ended) s.revokedAt = new Date();
    return ended.map((s) => s.id);
  }
  async pruneEnded() {
    const weekAgo = Date.now() - 7 * 24 * 3600_000;
    const before = this.store.sessions.length;
    this.store.sessions = this.store.sessions.filter((s) => !((s.revokedAt && s.revokedAt.getTime() < weekAgo) || s.expiresAt.getTime() < weekAgo));
    return before - this.store.sessions.length;
  }
}

export class FakeConsentRecordsRepository implements Port<ConsentRecordsRepository> {
  constructor(private readonly store: IdentityStore) {}
  async record(_tx: Tx, userId: string, consentVersion: string, givenAt: Date) {
    this.store.consents.push({ id: randomUUID(), userId, consentVersion, givenAt });
  }
  async allOf(userId: string) {
    return this.store.consents.filter((c) => c.userId === userId);
  }
}

export class FakeAccountTokensRepository implements Port<AccountTokensRepository> {
  constructor(private readonly store: IdentityStore) {}
  private good(t: StoredToken): boolean {
    return t.usedAt === null && t.expiresAt.getTime() > Date.now();
  }
  async insert(token: NewAccountToken) {
    const id = randomUUID();
    const { lifetimeSeconds, ...columns } = token;
    this.store.tokens.push({ ...columns, id, expiresAt: new Date(Date.now() + lifetimeSeconds * 1000), usedAt: null });
    return id;
  }
  async useEmailLink(_tx: Tx, tokenHash: string) {
    const t = this.store.tokens.find((x) => x.tokenHash === tokenHash && (x.purpose === 'verify-email' || x.purpose === 'change-email') && this.good(x));
    if (!t) return null;
    t.usedAt = new Date();
    return { userId: t.userId, purpose: t.purpose, newEmail: t.newEmail };
  }
  async useAllOf(_tx: Tx, userId: string, purpose: AccountTokenPurpose) {
    for (const t of this.store.tokens) if (t.userId === userId && t.purpose === purpose && t.usedAt === null) t.usedAt = new Date();
  }
  async findResetOwner(tokenHash: string) {
    const t = this.store.tokens.find((x) => x.tokenHash === tokenHash && x.purpose === 'reset-password' && this.good(x));
    const u = t && this.store.users.get(t.userId);
    if (!t || !u) return null;
    return { tokenId: t.id, userId: u.id, email: u.email, emailNormalised: u.emailNormalised, displayName: u.displayName };
  }
  async use(_tx: Tx, tokenId: string) {
    const t = this.store.tokens.find((x) => x.id === tokenId && this.good(x));
    if (t) t.usedAt = new Date();
    return Boolean(t);
  }
  async pruneSpent() {
    const weekAgo = Date.now() - 7 * 24 * 3600_000;
    const before = this.store.tokens.length;
    this.store.tokens = this.store.tokens.filter((t) => !((t.usedAt && t.usedAt.getTime() < weekAgo) || t.expiresAt.getTime() < weekAgo));
    return before - this.store.tokens.length;
  }
}

export class FakeSecondFactorRepository implements Port<SecondFactorRepository> {
  constructor(private readonly store: IdentityStore) {}
  async find(userId: string) {
    const f = this.store.secondFactors.get(userId);
    return f ? { ...f } : null;
  }
  async status(userId: string) {
    const f = this.store.secondFactors.get(userId);
    if (!f) return null;
    return { confirmedAt: f.confirmedAt, recoveryCodesLeft: this.store.recoveryCodes.filter((c) => c.userId === userId && c.usedAt === null).length };
  }
  async isConfirmed(userId: string) {
    return Boolean(this.store.secondFactors.get(userId)?.confirmedAt);
  }
  async savePending(userId: string, sealed: string) {
    if (this.store.secondFactors.get(userId)?.confirmedAt) return false;
    this.store.secondFactors.set(userId, { sealed, confirmedAt: null, lastUsedStep: null });
    return true;
  }
  async confirm(userId: string, sealed: string, step: number, recoveryCodeHashes: string[]) {
    const f = this.store.secondFactors.get(userId);
    if (!f || f.confirmedAt || f.sealed !== sealed) return false;
    Object.assign(f, { confirmedAt: new Date(), lastUsedStep: step });
    this.store.recoveryCodes = [
      ...this.store.recoveryCodes.filter((c) => c.userId !== userId),
      ...recoveryCodeHashes.map((codeHash) => ({ userId, codeHash, usedAt: null })),
    ];
    return true;
  }
  async useStep(userId: string, step: number) {
    const f = this.store.secondFactors.get(userId);
    if (!f?.confirmedAt || (f.lastUsedStep !== null && f.lastUsedStep >= step)) return false;
    f.lastUsedStep = step;
    return true;
  }
  async useRecoveryCode(userId: string, codeHash: string) {
    const c = this.store.recoveryCodes.find((x) => x.userId === userId && x.codeHash === codeHash && x.usedAt === null);
    if (c) c.usedAt = new Date();
    return Boolean(c);
  }
  async remove(userId: string) {
    this.store.recoveryCodes = this.store.recoveryCodes.filter((c) => c.userId !== userId);
    this.store.secondFactors.delete(userId);
  }
  async passwordOf(userId: string) {
    const u = this.store.users.get(userId);
    return u ? { emailNormalised: u.emailNormalised, passwordHash: u.passwordHash } : null;
  }
}
