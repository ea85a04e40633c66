import { Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import type { KindredConfig } from '@kindred/config';
import type { EventBus } from '@kindred/events';
import { DomainError } from '@kindred/http';
import type { MailMessage, MailService } from '@kindred/mail';
import { AccountTokens } from './account-tokens';
import type { AccountTokensRepository } from './account-tokens.repository';
import { AccountService } from './account.service';
import type { AuthUser } from './auth-user';
import type { ConsentRecordsRepository } from './consent-records.repository';
import { displayNameSkeleton, DisplayNameScreen } from './display-name';
import { IdentityService } from './identity.service';
import {
  FakeAccountTokensRepository,
  FakeConsentRecordsRepository,
  FakeSessionsRepository,
  FakeUsersRepository,
  fakeTransactions,
  IdentityStore,
  standIn,
} from './identity.fakes';
import type { PasswordAttempts } from './password-attempts';
import type { SecondFactorChallenge, SecondFactorService } from './second-factor/second-factor.service';
import type { SessionsRepository } from './sessions.repository';
import { normaliseDisplayName, normaliseEmail } from './tokens';
import type { UsersRepository } from './users.repository';

// The services log every step; a unit test reads what they did, not what they said.
Logger.overrideLogger(false);

export const PASSWORD = 'a long and unusual passphrase';
/** Hashed once per test file: argon2 is slow on purpose. */
let passwordHash: Promise<string> | undefined;

/**
 * The attempt limits, counted in memory: every check is counted before it runs, given back when
 * it succeeds; with `exhausted` set, nothing runs and the answer is 429, as PasswordAttempts does.
 */
export class FakeAttempts {
  exhausted = false;
  counted: string[] = [];
  forgotten: string[] = [];

  private async within(key: string, verify: () => Promise<boolean>): Promise<boolean> {
    if (this.exhausted) throw DomainError.rateLimited(60, 'Too many attempts.');
    this.counted.push(key);
    const ok = await verify();
    if (ok) this.counted.splice(this.counted.lastIndexOf(key), 1);
    return ok;
  }
  check(emailNormalised: string, _address: string, verify: () => Promise<boolean>) {
    return this.within(`password:${emailNormalised}`, verify);
  }
  checkToken(address: string, verify: () => Promise<boolean>) {
    return this.within(`token:${address}`, verify);
  }
  async mailRequest(emailNormalised: string) {
    await this.within(`mail:${emailNormalised}`, async () => false);
  }
  async forgetAccount(emailNormalised: string) {
    this.forgotten.push(emailNormalised);
  }
}

export interface SentMail {
  to: string;
  message: MailMessage;
  messageId?: string;
}

/** The token in a mailed link. */
export function tokenIn(mail: SentMail | undefined): string {
  const link = Object.values(mail?.message.links ?? {}).find((l) => l.includes('token='));
  if (!link) throw new Error(`no token in ${JSON.stringify(mail)}`);
  return decodeURIComponent(new URL(link).searchParams.get('token')!);
}

/** IdentityService and AccountService wired to in-memory repositories, with what they mailed and published. */
export function identityContext(options: { idleSeconds?: number; absoluteSeconds?: number } = {}) {
  const store = new IdentityStore();
  const config = {
    publicUrl: 'https://kindred.test',
    auth: { sessionIdleSeconds: options.idleSeconds ?? 3600, sessionAbsoluteSeconds: options.absoluteSeconds ?? 86_400 },
  } as KindredConfig;
  const attempts = new FakeAttempts();
  const published: Array<{ name: string; payload: unknown }> = [];
  const events = {
    publish: async (name: string, payload: unknown) => void published.push({ name, payload }),
    subscribe: async () => undefined,
  } as unknown as EventBus;
  const mails: SentMail[] = [];
  const mail = {
    send: async (to: string, message: MailMessage, messageId?: string) => Boolean(mails.push({ to, message, messageId })),
  } as unknown as MailService;
  const nameScreen = new DisplayNameScreen();
  nameScreen.use((name) => (name.includes('http') ? 'Links cannot be display names.' : null));
  nameScreen.useForAboutMe((text) => (/\d{5}/.test(text) ? 'No phone numbers, please.' : null));
  /** Accounts with a second factor: signing in asks for it. */
  const withSecondFactor = new Set<string>();
  const secondFactors = {
    challenge: async (userId: string): Promise<SecondFactorChallenge | null> =>
      withSecondFactor.has(userId) ? { mfaRequired: true, mfaToken: `mfa-${userId}` } : null,
    redeem: async (mfaToken: string) => mfaToken.replace(/^mfa-/, ''),
  } as unknown as SecondFactorService;

  const users = new FakeUsersRepository(store);
  const sessions = new FakeSessionsRepository(store);
  const tokens = new FakeAccountTokensRepository(store);
  const accountTokens = new AccountTokens(standIn<AccountTokensRepository>(tokens), config);
  const identity = new IdentityService(
    standIn<UsersRepository>(users),
    standIn<SessionsRepository>(sessions),
    standIn<ConsentRecordsRepository>(new FakeConsentRecordsRepository(store)),
    fakeTransactions,
    config,
    attempts as unknown as PasswordAttempts,
    events,
    nameScreen,
    accountTokens,
    mail,
    secondFactors,
  );
  const account = new AccountService(
    standIn<UsersRepository>(users),
    standIn<AccountTokensRepository>(tokens),
    fakeTransactions,
    identity,
    attempts as unknown as PasswordAttempts,
    accountTokens,
    mail,
  );

  /** An account already there (verified unless told otherwise), with PASSWORD. */
  async function member(displayName: string, overrides: { email?: string; verified?: boolean; isAdmin?: boolean } = {}): Promise<string> {
    passwordHash ??= argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const email = overrides.email ?? `${displayName.toLowerCase().replace(/\W/g, '')}@example.test`;
    const id = (
      await users.insert({} as never, {
        email,
        emailNormalised: normaliseEmail(email),
        passwordHash: await passwordHash,
        displayName,
        displayNameNormalised: normaliseDisplayName(displayName),
        displayNameSkeleton: displayNameSkeleton(displayName),
        dateOfBirth: '1990-01-01',
        emailVerifiedAt: overrides.verified === false ? null : new Date(),
      })
    ).id;
    if (overrides.isAdmin) store.users.get(id)!.isAdmin = true;
    return id;
  }

  /** Signs the member in; the caller as the guard would see them, and the bearer token. */
  async function signIn(email: string, userAgent: string | null = 'jest'): Promise<{ user: AuthUser; token: string }> {
    const result = await identity.login(email, PASSWORD, '203.0.113.9', userAgent);
    if (!('token' in result)) throw new Error('second factor asked for');
    return { user: (await identity.authenticate(result.token))!, token: result.token };
  }

  return { store, config, attempts, published, mails, users, sessions, tokens, identity, account, withSecondFactor, member, signIn };
}

/** The error a promise rejects with (undefined when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; extra?: Record<string, unknown>; message?: string } | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => e as { code?: string },
  );
}
