import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertUser, inTransaction, repositoryDataSource } from '../../setup/repository-db';
import { AccountToken } from '../../../libs/identity/src/account-token.entity';
import { AccountTokensRepository } from '../../../libs/identity/src/account-tokens.repository';
import { ConsentRecord } from '../../../libs/identity/src/consent-record.entity';
import { ConsentRecordsRepository } from '../../../libs/identity/src/consent-records.repository';
import { Session } from '../../../libs/identity/src/session.entity';
import { SessionsRepository } from '../../../libs/identity/src/sessions.repository';
import { User } from '../../../libs/identity/src/user.entity';
import { UniqueViolation, UsersRepository } from '../../../libs/identity/src/users.repository';

describe('identity repositories on PostgreSQL', () => {
  let dataSource: DataSource;
  let users: UsersRepository;
  let sessions: SessionsRepository;
  let consents: ConsentRecordsRepository;
  let tokens: AccountTokensRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([User, Session, ConsentRecord, AccountToken]);
    users = new UsersRepository(dataSource);
    sessions = new SessionsRepository(dataSource);
    consents = new ConsentRecordsRepository(dataSource);
    tokens = new AccountTokensRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  function newUser() {
    const tag = randomUUID().slice(0, 8);
    return {
      email: `Person-${tag}@Example.test`,
      emailNormalised: `person-${tag}@example.test`,
      passwordHash: 'hash',
      displayName: `Person ${tag}`,
      displayNameNormalised: `person ${tag}`,
      displayNameSkeleton: `person ${tag}`,
      dateOfBirth: '1990-01-01',
      emailVerifiedAt: null,
    };
  }

  it('inserts an account, finds it by address and id, and names what a later registration would clash with', async () => {
    const values = newUser();
    const created = await inTransaction(dataSource, (tx) => users.insert(tx, values));
    expect(created).toEqual({ id: expect.any(String), email: values.email, displayName: values.displayName });
    await expect(users.find(created.id)).resolves.toMatchObject({ id: created.id, email: values.email, isAdmin: false, dateOfBirth: '1990-01-01' });
    await expect(users.credentialsByEmail(values.emailNormalised)).resolves.toEqual({
      id: created.id,
      email: values.email,
      emailNormalised: values.emailNormalised,
      displayName: values.displayName,
      passwordHash: 'hash',
      emailVerifiedAt: null,
    });
    await expect(users.findByEmail(values.emailNormalised)).resolves.toEqual({ id: created.id, email: values.email });
    const clash = await inTransaction(dataSource, (tx) =>
      users.clashes(tx, { emailNormalised: values.emailNormalised, displayNameNormalised: 'someone else', skeleton: values.displayNameSkeleton }),
    );
    expect(clash).toEqual([{ id: created.id, email: values.email, verified: false, emailTaken: true, nameTaken: false, skeletonTaken: true }]);
    await expect(users.find(randomUUID())).resolves.toBeNull();
  });

  it('turns a unique index’s refusal into a UniqueViolation naming the field', async () => {
    const first = newUser();
    await inTransaction(dataSource, (tx) => users.insert(tx, first));
    const again = { ...newUser(), emailNormalised: first.emailNormalised };
    await expect(inTransaction(dataSource, (tx) => users.insert(tx, again))).rejects.toEqual(new UniqueViolation('email'));
    const other = await inTransaction(dataSource, (tx) => users.insert(tx, newUser()));
    await expect(
      users.rename(other.id, { displayName: 'x', displayNameNormalised: first.displayNameNormalised, skeleton: 'unique-skeleton' }),
    ).rejects.toMatchObject({
      field: 'display-name',
    });
    await expect(inTransaction(dataSource, (tx) => users.moveToEmail(tx, other.id, 'x', first.emailNormalised))).rejects.toMatchObject({ field: 'email' });
  });

  it('renames, changes passwords, verifies and promotes', async () => {
    const { id } = await inTransaction(dataSource, (tx) => users.insert(tx, newUser()));
    const name = `Renamed ${id.slice(0, 8)}`;
    await expect(users.nameClashes(id, name.toLowerCase(), name.toLowerCase())).resolves.toEqual([]);
    await users.rename(id, { displayName: name, displayNameNormalised: name.toLowerCase(), skeleton: name.toLowerCase() });
    await expect(users.displayNames([id, randomUUID()])).resolves.toEqual([{ id, displayName: name }]);
    await users.setPassword(id, 'second');
    expect((await users.credentialsById(id))!.passwordHash).toBe('second');
    await inTransaction(dataSource, (tx) => users.resetPassword(tx, id, 'third'));
    const reset = (await users.credentialsById(id))!;
    expect(reset).toMatchObject({ passwordHash: 'third', emailVerifiedAt: expect.any(Date) });
    await inTransaction(dataSource, (tx) => users.markVerified(tx, id));
    expect((await users.credentialsById(id))!.emailVerifiedAt).toEqual(reset.emailVerifiedAt);
    await users.makeAdmin(id);
    await expect(users.adminIds()).resolves.toContain(id);
  });

  it('sessions: found by token hash with their account, touched, listed, ended one, all but one, or all', async () => {
    const userId = await insertUser(dataSource);
    const expiresAt = new Date(Date.now() + 3600_000);
    for (const hash of ['a', 'b', 'c']) {
      await sessions.insert({ userId, tokenHash: `${userId}-${hash}`, userAgent: 'jest', lastSeenAt: new Date(Date.now() - 120_000), expiresAt });
    }
    const a = (await sessions.findByTokenHash(`${userId}-a`))!;
    expect(a).toMatchObject({ user: { id: userId, isAdmin: false, sessionId: expect.any(String) }, expiresAt });
    await sessions.touch(a.user.sessionId);
    expect((await sessions.activity(a.user.sessionId))!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const b = (await sessions.findByTokenHash(`${userId}-b`))!.user.sessionId;
    await expect(sessions.openOf(userId)).resolves.toHaveLength(3);
    await expect(sessions.endOne(randomUUID(), b)).resolves.toBe(false);
    await expect(sessions.endOne(userId, b)).resolves.toBe(true);
    await expect(sessions.endOne(userId, b)).resolves.toBe(false);
    await expect(sessions.findByTokenHash(`${userId}-b`)).resolves.toBeNull();
    const ended = await sessions.endAllBut(userId, a.user.sessionId);
    expect(ended).toHaveLength(1);
    await expect(sessions.openOf(userId)).resolves.toEqual([expect.objectContaining({ id: a.user.sessionId, userAgent: 'jest', revokedAt: null })]);
    await sessions.end(userId, [a.user.sessionId]);
    await expect(sessions.activity(a.user.sessionId)).resolves.toBeNull();
    expect((await sessions.allOf(userId)).map((s) => s.revokedAt)).toEqual([expect.any(Date), expect.any(Date), expect.any(Date)]);
  });

  it('sessions: one that ran out is ended; those ended over a week ago are pruned', async () => {
    const userId = await insertUser(dataSource);
    await sessions.insert({ userId, tokenHash: `${userId}-old`, userAgent: null, lastSeenAt: new Date(), expiresAt: new Date(Date.now() - 8 * 86_400_000) });
    await sessions.insert({ userId, tokenHash: `${userId}-new`, userAgent: null, lastSeenAt: new Date(), expiresAt: new Date(Date.now() + 3600_000) });
    const fresh = (await sessions.findByTokenHash(`${userId}-new`))!.user.sessionId;
    await sessions.endExpired(fresh);
    await expect(sessions.pruneEnded()).resolves.toBeGreaterThanOrEqual(1);
    expect((await sessions.allOf(userId)).map((s) => s.id)).toEqual([fresh]);
    await sessions.end(userId);
  });

  it('consent records, oldest first; the account’s deletion takes them and its sessions with it', async () => {
    const { id } = await inTransaction(dataSource, (tx) => users.insert(tx, newUser()));
    await inTransaction(dataSource, async (tx) => {
      await consents.record(tx, id, '2', new Date('2025-02-01T00:00:00Z'));
      await consents.record(tx, id, '1', new Date('2025-01-01T00:00:00Z'));
    });
    expect((await consents.allOf(id)).map((c) => c.consentVersion)).toEqual(['1', '2']);
    await sessions.insert({ userId: id, tokenHash: `${id}-s`, userAgent: null, lastSeenAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
    await inTransaction(dataSource, (tx) => users.delete(tx, id));
    await expect(users.find(id)).resolves.toBeNull();
    await expect(consents.allOf(id)).resolves.toEqual([]);
    await expect(sessions.allOf(id)).resolves.toEqual([]);
  });

  it('account tokens: an email link is used once, with every other of its purpose; a reset link names its owner', async () => {
    const userId = await insertUser(dataSource);
    const first = await tokens.insert({ userId, purpose: 'verify-email', tokenHash: `${userId}-v1`, newEmail: null, lifetimeSeconds: 60 });
    await inTransaction(dataSource, (tx) =>
      tokens.insert({ userId, purpose: 'change-email', tokenHash: `${userId}-c`, newEmail: 'n@example.test', lifetimeSeconds: 60 }, tx),
    );
    expect(first).toEqual(expect.any(String));
    await tokens.insert({ userId, purpose: 'verify-email', tokenHash: `${userId}-v2`, newEmail: null, lifetimeSeconds: 60 });
    await expect(inTransaction(dataSource, (tx) => tokens.useEmailLink(tx, `${userId}-c`))).resolves.toEqual({
      userId,
      purpose: 'change-email',
      newEmail: 'n@example.test',
    });
    await expect(inTransaction(dataSource, (tx) => tokens.useEmailLink(tx, `${userId}-c`))).resolves.toBeNull();
    await inTransaction(dataSource, (tx) => tokens.useAllOf(tx, userId, 'verify-email'));
    await expect(inTransaction(dataSource, (tx) => tokens.useEmailLink(tx, `${userId}-v2`))).resolves.toBeNull();

    const reset = await tokens.insert({ userId, purpose: 'reset-password', tokenHash: `${userId}-r`, newEmail: null, lifetimeSeconds: 60 });
    await expect(tokens.findResetOwner(`${userId}-v1`)).resolves.toBeNull();
    await expect(tokens.findResetOwner(`${userId}-r`)).resolves.toMatchObject({ tokenId: reset, userId, email: `${userId}@example.test` });
    await expect(inTransaction(dataSource, (tx) => tokens.use(tx, reset))).resolves.toBe(true);
    await expect(inTransaction(dataSource, (tx) => tokens.use(tx, reset))).resolves.toBe(false);
    await expect(tokens.findResetOwner(`${userId}-r`)).resolves.toBeNull();
  });

  it('account tokens: a link run out does not work, and goes a week later', async () => {
    const userId = await insertUser(dataSource);
    const gone = await tokens.insert({ userId, purpose: 'reset-password', tokenHash: `${userId}-gone`, newEmail: null, lifetimeSeconds: -8 * 86_400 });
    await expect(tokens.findResetOwner(`${userId}-gone`)).resolves.toBeNull();
    await expect(inTransaction(dataSource, (tx) => tokens.use(tx, gone))).resolves.toBe(false);
    await expect(tokens.pruneSpent()).resolves.toBeGreaterThanOrEqual(1);
    await expect(dataSource.query(`SELECT 1 FROM account_tokens WHERE id = $1`, [gone])).resolves.toEqual([]);
  });
});
