import { Inject, Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions, Tx } from '@kindred/database';
import { EventBus } from '@kindred/events';
import { DomainError } from '@kindred/http';
import { MailService } from '@kindred/mail';
import { AccountTokens } from './account-tokens';
import { AuthUser } from './auth-user';
import { CURRENT_CONSENT } from './consent';
import { ConsentRecordsRepository } from './consent-records.repository';
import { displayNameSkeleton, DisplayNameScreen, roleClaim } from './display-name';
import { PasswordAttempts } from './password-attempts';
import { passwordProblem } from './passwords/password-policy';
import { SecondFactorChallenge, SecondFactorService } from './second-factor/second-factor.service';
import { SessionsRepository } from './sessions.repository';
import { mentionCandidates } from './mentions';
import { hashToken, newSessionToken, normaliseDisplayName, normaliseEmail } from './tokens';
import { User } from './user.entity';
import { Credentials, Profile, UniqueViolation, UsersRepository } from './users.repository';

export interface Registration {
  email: string;
  password: string;
  displayName: string;
  dateOfBirth: string;
  consent: boolean;
}

/** The answer to every registration, new address or known: the next step is in the mail. */
export interface RegistrationAccepted {
  status: 'check-email';
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: { id: string; displayName: string };
}

export interface SessionView {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  current: boolean;
}

const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** Only write last-seen this often, so reading a page is not a write per request. */
const TOUCH_EVERY_MS = 60_000;
const NAME_CACHE_MS = 60_000;
/** The longest "about me", in characters (the column's check says the same). */
export const ABOUT_ME_MAX = 280;
const NAME_CACHE_MAX = 50_000;
/**
 * How long a request may rely on a session checked by an earlier request in this process. Logout,
 * ending a session and erasure clear it at once here and, through `session.revoked`, in every other
 * process; the window only bounds what a lost event could leave behind (the chat service rechecks
 * sockets on the same period).
 */
const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;
const SIGN_IN_FAILED = 'That email and password do not match an account.';
const NAME_TAKEN = 'That display name is taken. Please choose another.';
const NAME_LOOKS_TAKEN = 'That display name looks too much like one someone else already uses. Please choose another.';
const EMAIL_TAKEN = 'An account with that email address already exists. Try signing in instead.';
const NOT_VERIFIED =
  'Please confirm your email address first: follow the link in the mail we sent you. No mail? Choosing a new password through “Forgot your password?” confirms it too.';

/** The 409 for a unique index that refused a row written at the same moment as another (the checks before it passed for both). */
function uniqueViolation(error: unknown): DomainError | null {
  if (!(error instanceof UniqueViolation)) return null;
  if (error.field === 'email') return DomainError.conflict(EMAIL_TAKEN);
  if (error.field === 'display-name') return DomainError.conflict(NAME_TAKEN);
  if (error.field === 'display-name-skeleton') return DomainError.conflict(NAME_LOOKS_TAKEN);
  return null;
}

interface CachedSession {
  user: AuthUser;
  lastSeenAt: number;
  expiresAt: number;
  checkedAt: number;
}

@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);
  private dummyHash?: Promise<string>;
  private readonly names = new Map<string, { name: string; at: number }>();
  /** Recently checked sessions by token hash, for `authenticateCached`. */
  private readonly sessions = new Map<string, CachedSession>();
  /** Session checks under way, by token hash, with the revocation count when each began. */
  private readonly checking = new Map<string, { generation: number; check: ReturnType<IdentityService['checkSession']> }>();
  /** Bumped by every revocation, so a check that raced one is not cached. */
  private revocations = 0;
  private listening: 'no' | 'subscribing' | 'yes' = 'no';

  constructor(
    private readonly users: UsersRepository,
    private readonly sessionRows: SessionsRepository,
    private readonly consents: ConsentRecordsRepository,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly attempts: PasswordAttempts,
    private readonly events: EventBus,
    private readonly nameScreen: DisplayNameScreen,
    private readonly accountTokens: AccountTokens,
    private readonly mail: MailService,
    private readonly secondFactors: SecondFactorService,
  ) {}

  currentConsent(): { version: string; text: string } {
    return { ...CURRENT_CONSENT };
  }

  /**
   * POST /auth/register: the same answer whether or not the address has an account, so nobody can
   * test an address (which on Kindred discloses a condition). The password is hashed either way,
   * so timing does not tell them apart either. A new address gets a verification link; a known,
   * verified one a mail saying someone tried; a known, unverified one a fresh verification link.
   * A display name in use is still refused (409): names are public, addresses are not.
   */
  async register(input: Registration, address: string): Promise<RegistrationAccepted> {
    this.assertAcceptableRegistration(input);
    this.assertClaimsNoRole(input.displayName);
    const emailNormalised = normaliseEmail(input.email);
    await this.attempts.mailRequest(emailNormalised, address);
    const passwordHash = await argon2.hash(input.password, ARGON2);
    let mail: (() => Promise<unknown>) | undefined;
    try {
      mail = await this.transactions.run(async (tx) => {
        const outcome = await this.insertUnlessKnown(tx, input, passwordHash, null);
        if ('created' in outcome) {
          const { id, token } = await this.accountTokens.issue(outcome.created.id, 'verify-email', { tx });
          this.logger.log({ userId: outcome.created.id, event: 'register' }, 'account registered; verification mailed');
          return () =>
            this.mail.send(
              outcome.created.email,
              { template: 'verify-email', links: { verify: this.accountTokens.link('verify-email', token) } },
              `verify-${id}`,
            );
        }
        const known = outcome.known;
        if (!known.verified) {
          const { id, token } = await this.accountTokens.issue(known.id, 'verify-email', { tx });
          this.logger.log({ userId: known.id, event: 'register-again-unverified' }, 'registration for an unverified account; new verification mailed');
          return () =>
            this.mail.send(known.email, { template: 'verify-email', links: { verify: this.accountTokens.link('verify-email', token) } }, `verify-${id}`);
        }
        this.logger.log({ userId: known.id, event: 'register-known-address' }, 'registration for a known address; its owner is told');
        const links = { signIn: this.accountTokens.link('sign-in'), forgotPassword: this.accountTokens.link('forgot-password') };
        return () => this.mail.send(known.email, { template: 'already-registered', links });
      });
    } catch (error) {
      // The same address registered twice at once: the unique index let one in, and that one's mail is on its way.
      if (!(error instanceof UniqueViolation) || error.field !== 'email') throw uniqueViolation(error) ?? error;
    }
    await mail?.();
    return { status: 'check-email' };
  }

  private assertAcceptableRegistration(input: Registration): void {
    if (input.consent !== true) {
      throw DomainError.validation([{ field: 'consent', message: 'You need to agree to how Kindred uses information about your health before you can join.' }]);
    }
    const problem = passwordProblem(input.password, { email: input.email, displayName: input.displayName });
    if (problem) throw DomainError.validation([{ field: 'password', message: problem }]);
    this.assertAcceptableName(input.displayName);
  }

  /**
   * Inserts the account, or finds the one that already has the address. A display name in use, or
   * a look-alike of one, is refused with 409 first, whatever the address, so the answer about the
   * name is the same for a known and a new address.
   */
  private async insertUnlessKnown(
    tx: Tx,
    input: Registration,
    passwordHash: string,
    verifiedAt: Date | null,
  ): Promise<{ created: { id: string; email: string; displayName: string } } | { known: { id: string; email: string; verified: boolean } }> {
    const emailNormalised = normaliseEmail(input.email);
    const displayNameNormalised = normaliseDisplayName(input.displayName);
    const skeleton = displayNameSkeleton(input.displayName);
    const clash = await this.users.clashes(tx, { emailNormalised, displayNameNormalised, skeleton });
    if (clash.some((row) => row.nameTaken)) throw DomainError.conflict(NAME_TAKEN);
    if (clash.some((row) => row.skeletonTaken)) throw DomainError.conflict(NAME_LOOKS_TAKEN);
    const known = clash.find((row) => row.emailTaken);
    if (known) return { known: { id: known.id, email: known.email, verified: known.verified } };
    const created = await this.users.insert(tx, {
      email: input.email.trim(),
      emailNormalised,
      passwordHash,
      displayName: input.displayName.trim(),
      displayNameNormalised,
      displayNameSkeleton: skeleton,
      dateOfBirth: input.dateOfBirth,
      emailVerifiedAt: verifiedAt,
    });
    await this.consents.record(tx, created.id, CURRENT_CONSENT.version, new Date());
    return { created };
  }

  /**
   * PATCH /me: a new display name, held to the same standard as at registration (screened, and
   * unique by its look-alike skeleton). Other members see it within a minute (names are cached).
   */
  async changeDisplayName(user: AuthUser, displayName: string): Promise<{ id: string; displayName: string }> {
    this.assertAcceptableName(displayName);
    this.assertClaimsNoRole(displayName);
    const name = displayName.trim();
    const displayNameNormalised = normaliseDisplayName(name);
    const skeleton = displayNameSkeleton(name);
    try {
      const clash = await this.users.nameClashes(user.id, displayNameNormalised, skeleton);
      if (clash.some((row) => row.nameTaken)) throw DomainError.conflict(NAME_TAKEN);
      if (clash.length > 0) throw DomainError.conflict(NAME_LOOKS_TAKEN);
      await this.users.rename(user.id, { displayName: name, displayNameNormalised, skeleton });
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
    this.names.delete(user.id);
    for (const cached of this.sessions.values()) if (cached.user.id === user.id) cached.user.displayName = name;
    this.logger.log({ userId: user.id, event: 'display-name-changed' }, 'display name changed');
    return { id: user.id, displayName: name };
  }

  /** The caller's own profile settings, for GET /me. */
  async profile(userId: string): Promise<Profile> {
    return (await this.users.profile(userId)) ?? { aboutMe: null, showOnline: true };
  }

  /**
   * PUT /me/about: a short "about me" (an empty one clears it), held to a display name's standard:
   * members of every group the person is in read it and nobody reviews it first, so anything a
   * screener would hold (a phone number or other contact detail, crisis words, offensive words, a
   * link) is refused with the reason, and the saved words stay as they were.
   */
  async changeAboutMe(user: AuthUser, aboutMe: string): Promise<Profile> {
    const text = aboutMe.trim();
    if (text.length > ABOUT_ME_MAX) {
      throw DomainError.validation([{ field: 'aboutMe', message: `Please keep what you say about yourself to ${ABOUT_ME_MAX} characters or fewer.` }]);
    }
    if (text) {
      const problem = this.nameScreen.aboutMeProblem(text);
      if (problem) throw DomainError.validation([{ field: 'aboutMe', message: problem }]);
    }
    await this.users.setAboutMe(user.id, text || null);
    this.logger.log({ userId: user.id, event: 'about-me-changed' }, 'about me changed');
    return this.profile(user.id);
  }

  /** PUT /me/presence: whether others in a chat room see the person as online. Open chat rooms follow at once (`profile.changed`). */
  async setShowOnline(user: AuthUser, showOnline: boolean): Promise<Profile> {
    await this.users.setShowOnline(user.id, showOnline);
    await this.events.publish('profile.changed', { userId: user.id });
    return this.profile(user.id);
  }

  /** Of these people, those who may be shown as online (they have not turned it off). */
  shownOnline(userIds: string[]): Promise<string[]> {
    return this.users.shownOnline(userIds);
  }

  /** What another member may read about a person: their name and "about me". Whether they may read it is the caller's to decide. */
  async publicProfile(userId: string): Promise<{ id: string; displayName: string; aboutMe: string | null } | null> {
    const [user, profile] = await Promise.all([this.users.find(userId), this.users.profile(userId)]);
    if (!user || !profile) return null;
    return { id: user.id, displayName: user.displayName, aboutMe: profile.aboutMe };
  }

  /** 422 when a member's name claims a role Kindred gives (admins made by the operator command may say so). */
  private assertClaimsNoRole(displayName: string): void {
    const problem = roleClaim(displayName.trim());
    if (problem) throw DomainError.validation([{ field: 'displayName', message: problem }]);
  }

  /** 422 when the platform's screeners refuse the name (personal identifiers, crisis or abusive words, links). */
  private assertAcceptableName(displayName: string): void {
    const problem = this.nameScreen.problem(displayName.trim());
    if (problem) throw DomainError.validation([{ field: 'displayName', message: problem }]);
  }

  async login(email: string, password: string, address: string, userAgent: string | null): Promise<LoginResult | SecondFactorChallenge> {
    const emailNormalised = normaliseEmail(email);
    const found: { user?: Credentials | null } = {};
    // Counted before the password is checked and given back when it is right (PasswordAttempts).
    const ok = await this.attempts.check(emailNormalised, address, async () => {
      const user = await this.users.credentialsByEmail(emailNormalised);
      // Verify against a dummy hash for unknown emails, so timing does not reveal which exist.
      const hash = user?.passwordHash ?? (await this.getDummyHash());
      const matches = await argon2.verify(hash, password).catch(() => false);
      found.user = user;
      return matches && user !== null;
    });
    const account = found.user;
    if (!ok || !account) {
      this.logger.warn({ event: 'login-failed', userId: account?.id ?? null, address }, 'sign-in refused');
      throw new DomainError('UNAUTHENTICATED', SIGN_IN_FAILED);
    }
    // Only the right password learns this, so it reveals nothing to someone testing addresses.
    if (!account.emailVerifiedAt) {
      this.logger.warn({ event: 'login-unverified', userId: account.id, address }, 'sign-in refused: email not verified');
      throw new DomainError('EMAIL_NOT_VERIFIED', NOT_VERIFIED);
    }
    // With a second factor, the right password earns only a challenge: the session comes from POST /auth/login/mfa.
    const challenge = await this.secondFactors.challenge(account.id);
    if (challenge) {
      this.logger.log({ event: 'login-second-factor-asked', userId: account.id }, 'password right: second factor asked for');
      return challenge;
    }
    return this.openSession(account, userAgent);
  }

  /** The second step of signing in with a second factor: the challenge from `login` and a code. */
  async loginWithSecondFactor(mfaToken: string, code: string, address: string, userAgent: string | null): Promise<LoginResult> {
    const userId = await this.secondFactors.redeem(mfaToken, code, address);
    const account = await this.findUser(userId);
    if (!account) throw new DomainError('UNAUTHENTICATED', 'That sign-in has expired or was already used. Please sign in again.');
    return this.openSession(account, userAgent);
  }

  private async openSession(account: Pick<User, 'id' | 'displayName'>, userAgent: string | null): Promise<LoginResult> {
    const token = newSessionToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.auth.sessionAbsoluteSeconds * 1000);
    await this.sessionRows.insert({
      userId: account.id,
      tokenHash: hashToken(token),
      userAgent: userAgent?.slice(0, 300) ?? null,
      lastSeenAt: now,
      expiresAt,
    });
    this.logger.log({ event: 'login', userId: account.id }, 'signed in');
    return { token, expiresAt, user: { id: account.id, displayName: account.displayName } };
  }

  /** The token's owner, or null when the token is unknown, revoked, idle too long or past its lifetime. */
  async authenticate(token: string | undefined): Promise<AuthUser | null> {
    if (!token || token.length > 200) return null;
    return (await this.checkSession(hashToken(token)))?.user ?? null;
  }

  /**
   * `authenticate` for HTTP requests: a session this process checked in the last few seconds is
   * trusted without a query. Revocations clear it (see SESSION_CACHE_MS); idle and absolute
   * limits are still checked on every call, and last-seen is still written once a minute.
   */
  async authenticateCached(token: string | undefined): Promise<AuthUser | null> {
    if (!token || token.length > 200) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.sessions.get(hash);
    if (
      hit &&
      now - hit.checkedAt < SESSION_CACHE_MS &&
      hit.expiresAt > now &&
      hit.lastSeenAt + this.idleLimitMs() > now &&
      now - hit.lastSeenAt <= this.touchEveryMs()
    ) {
      return { ...hit.user };
    }
    if (hit) this.sessions.delete(hash);
    const generation = this.revocations;
    const listening = this.listenForRevocations();
    // Requests that arrive together with the same token share one check (when the cached entry
    // lapses, a busy client's every request would otherwise miss at once), unless a revocation
    // came in after that check began.
    let inFlight = this.checking.get(hash);
    if (!inFlight || inFlight.generation !== generation) {
      const check = this.checkSession(hash).finally(() => {
        if (this.checking.get(hash)?.check === check) this.checking.delete(hash);
      });
      inFlight = { generation, check };
      this.checking.set(hash, inFlight);
    }
    const checked = await inFlight.check;
    if (checked && listening && generation === this.revocations) {
      if (this.sessions.size >= SESSION_CACHE_MAX) this.sessions.clear();
      this.sessions.set(hash, { ...checked, checkedAt: now });
    }
    return checked ? { ...checked.user } : null;
  }

  /** Forgets cached sessions at once: the given ones of the user, or all of them. */
  forgetSessions(userId: string, sessionIds?: string[]): void {
    this.revocations += 1;
    for (const [hash, cached] of this.sessions) {
      if (cached.user.id === userId && (!sessionIds || sessionIds.includes(cached.user.sessionId))) this.sessions.delete(hash);
    }
  }

  /**
   * Caching starts only once this process hears revocations from the others. Never awaited by a
   * request: with Redis down, requests are checked against the database every time.
   */
  private listenForRevocations(): boolean {
    if (this.listening === 'no') {
      this.listening = 'subscribing';
      this.events
        .subscribe('session.revoked', ({ userId, sessionIds }) => this.forgetSessions(userId, sessionIds))
        .then(() => {
          this.listening = 'yes';
        })
        .catch((error: Error) => {
          this.logger.warn({ err: error }, 'not caching sessions yet: revocation events unavailable');
          this.listening = 'no';
        });
    }
    return this.listening === 'yes';
  }

  private idleLimitMs(): number {
    return this.config.auth.sessionIdleSeconds * 1000;
  }

  /** Last-seen is written at most once a minute, and more often only when the idle limit is shorter than a few minutes. */
  private touchEveryMs(): number {
    return Math.min(TOUCH_EVERY_MS, Math.floor(this.idleLimitMs() / 4));
  }

  /**
   * When the session ends unless it is used again: the earlier of its idle and absolute limits, a
   * time already past when it has run out, or null when it was ended (logout, erasure) or is unknown.
   * Only reads: asking is not activity, so it never moves last-seen. The chat service sets a timer
   * per socket on this and asks again when it fires.
   */
  async sessionEndsAt(sessionId: string): Promise<Date | null> {
    const session = await this.sessionRows.activity(sessionId);
    if (!session) return null;
    return new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + this.idleLimitMs()));
  }

  private async checkSession(hash: string): Promise<Omit<CachedSession, 'checkedAt'> | null> {
    const session = await this.sessionRows.findByTokenHash(hash);
    if (!session) return null;
    const now = Date.now();
    const expiresAt = session.expiresAt.getTime();
    let lastSeenAt = session.lastSeenAt.getTime();
    if (expiresAt <= now || lastSeenAt + this.idleLimitMs() <= now) {
      await this.sessionRows.endExpired(session.user.sessionId);
      return null;
    }
    if (now - lastSeenAt > this.touchEveryMs()) {
      await this.sessionRows.touch(session.user.sessionId);
      lastSeenAt = now;
    }
    return { user: session.user, lastSeenAt, expiresAt };
  }

  async logout(user: AuthUser): Promise<void> {
    await this.endSessions(user.id, [user.sessionId]);
    this.logger.log({ event: 'logout', userId: user.id }, 'signed out');
  }

  async listSessions(user: AuthUser): Promise<SessionView[]> {
    const sessions = await this.sessionRows.openOf(user.id);
    const now = Date.now();
    const idleLimit = this.idleLimitMs();
    return sessions
      .filter((s) => s.expiresAt.getTime() > now && s.lastSeenAt.getTime() + idleLimit > now)
      .map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, userAgent: s.userAgent, current: s.id === user.sessionId }));
  }

  async endSession(user: AuthUser, sessionId: string): Promise<void> {
    if (!(await this.sessionRows.endOne(user.id, sessionId))) throw DomainError.notFound('That session');
    this.forgetSessions(user.id, [sessionId]);
    await this.events.publish('session.revoked', { userId: user.id, sessionIds: [sessionId], reason: 'ended' });
  }

  /** Ends sessions at once, REST and sockets alike. Without ids, every session of the user. */
  async endSessions(userId: string, sessionIds?: string[]): Promise<void> {
    await this.sessionRows.end(userId, sessionIds);
    this.forgetSessions(userId, sessionIds);
    await this.events.publish('session.revoked', { userId, sessionIds, reason: 'ended' });
  }

  /** Ends every session of the user but the one making the request (a password changed while signed in). */
  async endOtherSessions(user: AuthUser): Promise<void> {
    const sessionIds = await this.sessionRows.endAllBut(user.id, user.sessionId);
    if (sessionIds.length === 0) return;
    this.forgetSessions(user.id, sessionIds);
    await this.events.publish('session.revoked', { userId: user.id, sessionIds, reason: 'ended' });
  }

  /** The id of the verified account with this address, for an admin appointing a supporter by email; null when there is none. */
  async verifiedUserIdByEmail(email: string): Promise<string | null> {
    return this.users.verifiedIdByEmail(normaliseEmail(email));
  }

  async findUser(userId: string): Promise<User | null> {
    return this.users.find(userId);
  }

  /**
   * Display names by user id. They rarely change, so a short in-process cache spares every page a
   * query (a changed name shows everywhere within NAME_CACHE_MS); an erased member's rows lose their
   * author id, so their name is never asked for.
   */
  /** Who goes by a name containing `text` (any case), at most `limit` people: a members list's search. */
  idsNamedLike(text: string, limit: number): Promise<string[]> {
    return this.users.idsNamedLike(text, limit);
  }

  async displayNames(userIds: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const missing: string[] = [];
    const now = Date.now();
    for (const id of new Set(userIds)) {
      const cached = this.names.get(id);
      if (cached && now - cached.at < NAME_CACHE_MS) result.set(id, cached.name);
      else missing.push(id);
    }
    if (missing.length === 0) return result;
    const rows = await this.users.displayNames(missing);
    if (this.names.size > NAME_CACHE_MAX) this.names.clear();
    for (const row of rows) {
      result.set(row.id, row.displayName);
      this.names.set(row.id, { name: row.displayName, at: now });
    }
    return result;
  }

  /** Called on erasure, so this process forgets the name at once. */
  forgetDisplayName(userId: string): void {
    this.names.delete(userId);
  }

  /**
   * Ended sessions are kept a week so people can see recent sign-outs, then deleted; so are mailed
   * links a week after they were used or ran out. Returns how many rows went.
   */
  async pruneEndedSessions(): Promise<number> {
    const sessions = await this.sessionRows.pruneEnded();
    return sessions + (await this.accountTokens.prune());
  }

  /** Verified mail addresses by user id, for the notifications' mail; a person without one is left out. */
  async verifiedAddresses(userIds: string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    return new Map((await this.users.verifiedAddresses([...new Set(userIds)])).map((r) => [r.id, r.email]));
  }

  /**
   * The people an `@name` in some text names, among those `among` accepts (the members of one
   * group): each `@` stands for the longest display name after it that is one of them, so
   * "@Sam Jones" names Sam Jones, or Sam when only Sam is there. At most 20 `@`s are read.
   * Inside a transaction (`tx`), names are read in it (and `among` should read in it too).
   */
  async mentionedIn(text: string, among?: (userIds: string[]) => Promise<string[]>, tx?: Tx): Promise<string[]> {
    const mentions = mentionCandidates(text);
    if (mentions.length === 0) return [];
    const found = await this.users.idsByNormalisedNames([...new Set(mentions.flat())], tx);
    if (found.length === 0) return [];
    const eligible = new Set(among ? await among([...new Set(found.map((r) => r.id))]) : found.map((r) => r.id));
    const byName = new Map(found.filter((r) => eligible.has(r.id)).map((r) => [r.name, r.id]));
    const named = new Set<string>();
    for (const names of mentions) {
      const name = names.find((n) => byName.has(n));
      if (name) named.add(byName.get(name)!);
    }
    return [...named];
  }

  /** Platform admins, who are told when something escalates. */
  async adminIds(): Promise<string[]> {
    return this.users.adminIds();
  }

  /** `npm run admin:create`: creates an admin account, or promotes the existing one with that email. */
  async createOrPromoteAdmin(input: { email: string; password: string; displayName: string }): Promise<{ id: string; created: boolean }> {
    const existing = await this.users.findByEmail(normaliseEmail(input.email));
    if (existing) {
      // The operator vouches for the address, as for an admin made here.
      await this.users.makeAdmin(existing.id);
      return { id: existing.id, created: false };
    }
    // Admins are staff, not applicants: the date of birth is a placeholder that no group checks.
    // The operator who runs the command vouches for the address, so the account starts verified.
    const registration: Registration = { ...input, dateOfBirth: '1970-01-01', consent: true };
    this.assertAcceptableRegistration(registration);
    const passwordHash = await argon2.hash(input.password, ARGON2);
    try {
      const outcome = await this.transactions.run((tx) => this.insertUnlessKnown(tx, registration, passwordHash, new Date()));
      if ('known' in outcome) throw DomainError.conflict(EMAIL_TAKEN);
      await this.users.makeAdmin(outcome.created.id);
      return { id: outcome.created.id, created: true };
    } catch (error) {
      throw uniqueViolation(error) ?? error;
    }
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= argon2.hash('kindred-timing-equaliser', ARGON2);
    return this.dummyHash;
  }
}
