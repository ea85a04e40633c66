import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { ConsentRecordsRepository } from '../consent-records.repository';
import { FakeConsentRecordsRepository, standIn } from '../identity.fakes';
import { identityContext, PASSWORD, rejection } from '../identity.spec-kit';
import type { PasswordAttempts } from '../password-attempts';
import type { SessionsRepository } from '../sessions.repository';
import type { UsersRepository } from '../users.repository';
import { DataRightsService } from './data-rights.service';
import { PersonalDataRegistry, type PersonalDataContributor } from './personal-data.registry';

const ADDRESS = '203.0.113.9';
const DEADLOCK = Object.assign(new Error('deadlock detected'), { driverError: { code: '40P01' } });

/** Transactions that hand each run its own stand-in, so a test can tell which transaction work ran in. */
class CountingTransactions {
  opened: Tx[] = [];
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = { n: this.opened.length + 1 } as unknown as Tx;
    this.opened.push(tx);
    return work(tx);
  }
}

/** A context's personal data in memory: rows per person, erased in the transaction it is given; `failures` are thrown first, one per erasure. */
class FakeContributor implements PersonalDataContributor {
  rows = new Map<string, unknown[]>();
  erasedIn: Tx[] = [];
  failures: Error[] = [];
  constructor(readonly section: string) {}
  async export(userId: string) {
    return this.rows.get(userId) ?? [];
  }
  async erase(tx: Tx, userId: string) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.erasedIn.push(tx);
    this.rows.delete(userId);
  }
}

async function dataRights() {
  const ctx = identityContext();
  const transactions = new CountingTransactions();
  const registry = new PersonalDataRegistry();
  const posts = new FakeContributor('posts');
  const memberships = new FakeContributor('memberships');
  registry.register(posts);
  registry.register(memberships);
  const events = { publish: async (name: string, payload: unknown) => void ctx.published.push({ name, payload }), subscribe: async () => undefined };
  const service = new DataRightsService(
    standIn<UsersRepository>(ctx.users),
    standIn<SessionsRepository>(ctx.sessions),
    standIn<ConsentRecordsRepository>(new FakeConsentRecordsRepository(ctx.store)),
    transactions as never,
    registry,
    events as unknown as EventBus,
    ctx.attempts as unknown as PasswordAttempts,
    ctx.identity,
  );
  const sam = await ctx.member('Sam', { email: 'sam@example.test' });
  const other = await ctx.member('Alex', { email: 'alex@example.test' });
  ctx.store.consents.push({ id: 'c1', userId: sam, consentVersion: '2025-01', givenAt: new Date('2025-01-02T00:00:00Z') });
  ctx.store.consents.push({ id: 'c2', userId: other, consentVersion: '2025-01', givenAt: new Date('2025-01-03T00:00:00Z') });
  posts.rows.set(sam, [{ body: 'my flare this week' }]);
  posts.rows.set(other, [{ body: 'not Sam' }]);
  memberships.rows.set(sam, [{ group: 'Living with Lupus' }]);
  const signedIn = await ctx.signIn('sam@example.test');
  const otherSignedIn = await ctx.signIn('alex@example.test');
  return { ...ctx, service, transactions, registry, posts, memberships, sam, other, signedIn, otherSignedIn };
}

describe('DataRightsService', () => {
  describe('export', () => {
    it("holds the caller's account, consents, sessions and every registered context's section, and nothing of anyone else", async () => {
      const { service, signedIn, sam } = await dataRights();
      const document = await service.export(signedIn.user);
      expect(document).toEqual({
        exportedAt: expect.any(String),
        account: {
          id: sam,
          email: 'sam@example.test',
          displayName: 'Sam',
          dateOfBirth: '1990-01-01',
          isAdmin: false,
          createdAt: expect.any(Date),
          aboutMe: null,
          showOnline: true,
        },
        consents: [{ version: '2025-01', givenAt: new Date('2025-01-02T00:00:00Z') }],
        sessions: [
          {
            id: signedIn.user.sessionId,
            createdAt: expect.any(Date),
            lastSeenAt: expect.any(Date),
            expiresAt: expect.any(Date),
            endedAt: null,
            userAgent: 'jest',
          },
        ],
        posts: [{ body: 'my flare this week' }],
        memberships: [{ group: 'Living with Lupus' }],
      });
      const text = JSON.stringify(document);
      expect(text).not.toContain('alex@example.test');
      expect(text).not.toContain('not Sam');
      expect(text).not.toContain(signedIn.token);
      expect(text).not.toMatch(/passwordHash|argon2/);
    });
  });

  describe('erase', () => {
    it('with the right password removes the account, its sessions, consents and every context’s data, in one transaction', async () => {
      const { service, signedIn, sam, other, store, posts, memberships, transactions } = await dataRights();
      await service.erase(signedIn.user, PASSWORD, ADDRESS);
      expect(store.users.has(sam)).toBe(false);
      expect(store.sessions.filter((s) => s.userId === sam)).toEqual([]);
      expect(store.consents.map((c) => c.userId)).toEqual([other]);
      expect(posts.rows.has(sam)).toBe(false);
      expect(memberships.rows.has(sam)).toBe(false);
      expect(transactions.opened).toHaveLength(1);
      expect([...posts.erasedIn, ...memberships.erasedIn]).toEqual([transactions.opened[0], transactions.opened[0]]);
      expect(store.users.has(other)).toBe(true);
      expect(posts.rows.get(other)).toEqual([{ body: 'not Sam' }]);
    });

    it('ends the person’s sessions at once, sockets included, and forgets their password attempts', async () => {
      const { service, identity, signedIn, otherSignedIn, published, attempts, sam } = await dataRights();
      // The first request starts listening for revocations; once it listens, the next one is cached.
      await identity.authenticateCached(signedIn.token);
      await new Promise(setImmediate);
      expect(await identity.authenticateCached(signedIn.token)).not.toBeNull();
      await service.erase(signedIn.user, PASSWORD, ADDRESS);
      expect(await identity.authenticateCached(signedIn.token)).toBeNull();
      expect(await identity.authenticate(signedIn.token)).toBeNull();
      expect(await identity.authenticate(otherSignedIn.token)).not.toBeNull();
      expect(published).toContainEqual({ name: 'session.revoked', payload: { userId: sam, reason: 'erased' } });
      expect(attempts.forgotten).toEqual(['sam@example.test']);
    });

    it('with a wrong password deletes nothing, and the try counts against the password budget', async () => {
      const { service, signedIn, sam, store, posts, transactions, attempts } = await dataRights();
      const refused = await rejection(service.erase(signedIn.user, 'not my password', ADDRESS));
      expect(refused).toMatchObject({
        code: 'VALIDATION_FAILED',
        extra: { errors: [{ field: 'password', message: expect.stringMatching(/nothing was deleted/) }] },
      });
      expect(store.users.has(sam)).toBe(true);
      expect(posts.rows.has(sam)).toBe(true);
      expect(transactions.opened).toEqual([]);
      expect(attempts.counted).toEqual(['password:sam@example.test']);
    });

    it('deletes nothing once the password budget is spent, even with the right password', async () => {
      const { service, signedIn, sam, store, attempts } = await dataRights();
      attempts.exhausted = true;
      expect((await rejection(service.erase(signedIn.user, PASSWORD, ADDRESS)))?.code).toBe('RATE_LIMITED');
      expect(store.users.has(sam)).toBe(true);
    });

    it('runs again once when the transaction was a deadlock victim', async () => {
      const { service, signedIn, sam, store, memberships, transactions } = await dataRights();
      memberships.failures.push(DEADLOCK);
      await service.erase(signedIn.user, PASSWORD, ADDRESS);
      expect(transactions.opened).toHaveLength(2);
      expect(store.users.has(sam)).toBe(false);
    });

    it('gives up on a second deadlock, and does not run again after any other failure', async () => {
      const { service, signedIn, sam, store, memberships, transactions, published } = await dataRights();
      memberships.failures.push(DEADLOCK, DEADLOCK);
      expect(await rejection(service.erase(signedIn.user, PASSWORD, ADDRESS))).toBe(DEADLOCK);
      expect(transactions.opened).toHaveLength(2);
      const broken = new Error('disk full');
      memberships.failures.push(broken);
      expect(await rejection(service.erase(signedIn.user, PASSWORD, ADDRESS))).toBe(broken);
      expect(transactions.opened).toHaveLength(3);
      expect(store.users.has(sam)).toBe(true);
      expect(published.filter((p) => p.name === 'session.revoked')).toEqual([]);
    });
  });
});
