jest.mock('argon2', () => {
  const actual = jest.requireActual('argon2');
  return { ...actual, verify: jest.fn(actual.verify) };
});

import * as argon2 from 'argon2';
import { hashToken } from './tokens';
import { UniqueViolation } from './users.repository';
import { identityContext, PASSWORD, rejection, tokenIn } from './identity.spec-kit';

const registration = (overrides: Record<string, unknown> = {}) => ({
  email: 'Robin@Example.test',
  password: PASSWORD,
  displayName: 'Robin',
  dateOfBirth: '1990-01-01',
  consent: true,
  ...overrides,
});

describe('IdentityService (in-memory repositories)', () => {
  describe('register', () => {
    it('makes an unverified account with the consent given, and mails a verification link stored only as its hash', async () => {
      const { identity, store, mails } = identityContext();
      await expect(identity.register(registration(), '203.0.113.1')).resolves.toEqual({ status: 'check-email' });
      const [user] = [...store.users.values()];
      expect(user).toMatchObject({ email: 'Robin@Example.test', emailNormalised: 'robin@example.test', emailVerifiedAt: null, isAdmin: false });
      expect(user!.passwordHash).not.toContain(PASSWORD);
      expect(store.consents).toEqual([expect.objectContaining({ userId: user!.id })]);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to: 'Robin@Example.test', message: { template: 'verify-email' } });
      const token = tokenIn(mails[0]);
      expect(store.tokens).toEqual([expect.objectContaining({ userId: user!.id, purpose: 'verify-email', tokenHash: hashToken(token) })]);
      expect(mails[0]!.messageId).toBe(`verify-${store.tokens[0]!.id}`);
    });

    it('answers a known address the same way: its verified owner is told, an unverified one gets a new link', async () => {
      const { identity, store, mails, member } = identityContext();
      await member('Sam', { email: 'sam@example.test' });
      await member('Ali', { email: 'ali@example.test', verified: false });
      await expect(identity.register(registration({ email: 'SAM@example.test', displayName: 'Someone' }), 'a')).resolves.toEqual({ status: 'check-email' });
      await expect(identity.register(registration({ email: 'ali@example.test', displayName: 'Other' }), 'a')).resolves.toEqual({ status: 'check-email' });
      expect(store.users.size).toBe(2);
      expect(mails.map((m) => [m.to, m.message.template])).toEqual([
        ['sam@example.test', 'already-registered'],
        ['ali@example.test', 'verify-email'],
      ]);
    });

    it('refuses a display name in use, or one that looks like it, whatever the address', async () => {
      const { identity, member } = identityContext();
      await member('Bill');
      expect(await rejection(identity.register(registration({ displayName: ' bill ' }), 'a'))).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('taken'),
      });
      expect(await rejection(identity.register(registration({ displayName: 'BiII' }), 'a'))).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('looks too much like'),
      });
    });

    it('refuses without consent, a weak password or a screened name, before anything is counted or stored', async () => {
      const { identity, store, attempts } = identityContext();
      expect((await rejection(identity.register(registration({ consent: false }), 'a')))?.code).toBe('VALIDATION_FAILED');
      expect((await rejection(identity.register(registration({ password: 'password' }), 'a')))?.code).toBe('VALIDATION_FAILED');
      expect((await rejection(identity.register(registration({ displayName: 'http://me' }), 'a')))?.code).toBe('VALIDATION_FAILED');
      expect(attempts.counted).toEqual([]);
      expect(store.users.size).toBe(0);
    });

    it('counts the mail request first: with the budget spent, nothing is looked up or stored', async () => {
      const { identity, store, attempts, users, mails } = identityContext();
      attempts.exhausted = true;
      const clashes = jest.spyOn(users, 'clashes');
      expect((await rejection(identity.register(registration(), 'a')))?.code).toBe('RATE_LIMITED');
      expect(clashes).not.toHaveBeenCalled();
      expect(store.users.size + mails.length).toBe(0);
    });

    it('two registrations of one address at once: the one the unique index refused still answers check-email', async () => {
      const { identity, users } = identityContext();
      jest.spyOn(users, 'insert').mockRejectedValueOnce(new UniqueViolation('email'));
      await expect(identity.register(registration(), 'a')).resolves.toEqual({ status: 'check-email' });
      jest.spyOn(users, 'insert').mockRejectedValueOnce(new UniqueViolation('display-name-skeleton'));
      expect((await rejection(identity.register(registration({ email: 'x@example.test' }), 'a')))?.code).toBe('CONFLICT');
    });
  });

  describe('login', () => {
    it('opens a session whose token is stored only as its hash, and gives the counted attempt back', async () => {
      const { identity, store, attempts, member } = identityContext();
      const id = await member('Robin', { email: 'robin@example.test' });
      const result = await identity.login(' Robin@Example.test ', PASSWORD, 'a', 'x'.repeat(400));
      expect(result).toMatchObject({ user: { id, displayName: 'Robin' } });
      const token = (result as { token: string }).token;
      expect(store.sessions).toEqual([expect.objectContaining({ userId: id, tokenHash: hashToken(token), userAgent: 'x'.repeat(300) })]);
      expect(attempts.counted).toEqual([]);
      await expect(identity.authenticate(token)).resolves.toMatchObject({ id, displayName: 'Robin', isAdmin: false, sessionId: store.sessions[0]!.id });
    });

    it('refuses a wrong password and an unknown address alike, checking a hash either way, and keeps the attempt counted', async () => {
      const { identity, attempts, member } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const verify = jest.mocked(argon2.verify);
      verify.mockClear();
      const wrong = await rejection(identity.login('robin@example.test', 'not the passphrase', 'a', null));
      const unknown = await rejection(identity.login('nobody@example.test', PASSWORD, 'a', null));
      expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', message: wrong!.message });
      expect(verify).toHaveBeenCalledTimes(2);
      expect(attempts.counted).toEqual(['password:robin@example.test', 'password:nobody@example.test']);
    });

    it('counts the attempt before anything is read: with the budget spent, no account is looked up', async () => {
      const { identity, attempts, users, member } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      attempts.exhausted = true;
      const lookup = jest.spyOn(users, 'credentialsByEmail');
      expect((await rejection(identity.login('robin@example.test', PASSWORD, 'a', null)))?.code).toBe('RATE_LIMITED');
      expect(lookup).not.toHaveBeenCalled();
    });

    it('says the address is unverified only to the right password', async () => {
      const { identity, member, store } = identityContext();
      await member('Robin', { email: 'robin@example.test', verified: false });
      expect((await rejection(identity.login('robin@example.test', 'wrong', 'a', null)))?.code).toBe('UNAUTHENTICATED');
      expect((await rejection(identity.login('robin@example.test', PASSWORD, 'a', null)))?.code).toBe('EMAIL_NOT_VERIFIED');
      expect(store.sessions).toHaveLength(0);
    });

    it('with a second factor, the right password earns a challenge, and the code the session', async () => {
      const { identity, member, store, withSecondFactor } = identityContext();
      const id = await member('Robin', { email: 'robin@example.test' });
      withSecondFactor.add(id);
      const challenge = await identity.login('robin@example.test', PASSWORD, 'a', null);
      expect(challenge).toEqual({ mfaRequired: true, mfaToken: `mfa-${id}` });
      expect(store.sessions).toHaveLength(0);
      await expect(identity.loginWithSecondFactor(`mfa-${id}`, '123456', 'a', null)).resolves.toMatchObject({ user: { id } });
      expect(store.sessions).toHaveLength(1);
    });
  });

  describe('sessions', () => {
    it('a session idle too long or past its lifetime signs nobody in, and is ended', async () => {
      const { identity, store, member, signIn } = identityContext({ idleSeconds: 60, absoluteSeconds: 3600 });
      await member('Robin', { email: 'robin@example.test' });
      const idle = await signIn('robin@example.test');
      const old = await signIn('robin@example.test');
      store.sessions[0]!.lastSeenAt = new Date(Date.now() - 61_000);
      store.sessions[1]!.expiresAt = new Date(Date.now() - 1);
      await expect(identity.authenticate(idle.token)).resolves.toBeNull();
      await expect(identity.authenticate(old.token)).resolves.toBeNull();
      expect(store.sessions.every((s) => s.revokedAt !== null)).toBe(true);
      await expect(identity.authenticate('x'.repeat(201))).resolves.toBeNull();
    });

    it('ends when the earlier of its idle and absolute limits comes; unknown or ended, null', async () => {
      const { identity, store, member, signIn } = identityContext({ idleSeconds: 600, absoluteSeconds: 3600 });
      await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      const session = store.sessions[0]!;
      session.lastSeenAt = new Date(Date.now() - 60_000);
      expect(await identity.sessionEndsAt(user.sessionId)).toEqual(new Date(session.lastSeenAt.getTime() + 600_000));
      session.expiresAt = new Date(Date.now() + 1000);
      expect(await identity.sessionEndsAt(user.sessionId)).toEqual(session.expiresAt);
      await identity.logout(user);
      await expect(identity.sessionEndsAt(user.sessionId)).resolves.toBeNull();
    });

    it('lists only live sessions, marks the current one, and ends only one’s own (404 for another’s)', async () => {
      const { identity, member, signIn, published } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      await member('Sam', { email: 'sam@example.test' });
      const a = await signIn('robin@example.test');
      const b = await signIn('robin@example.test');
      const sam = await signIn('sam@example.test');
      expect((await identity.listSessions(a.user)).map((s) => [s.id, s.current]).sort()).toEqual(
        [
          [a.user.sessionId, true],
          [b.user.sessionId, false],
        ].sort(),
      );
      expect((await rejection(identity.endSession(sam.user, b.user.sessionId)))?.code).toBe('NOT_FOUND');
      await identity.endSession(a.user, b.user.sessionId);
      await expect(identity.authenticate(b.token)).resolves.toBeNull();
      expect(published).toContainEqual({ name: 'session.revoked', payload: { userId: a.user.id, sessionIds: [b.user.sessionId], reason: 'ended' } });
      expect((await rejection(identity.endSession(a.user, b.user.sessionId)))?.code).toBe('NOT_FOUND');
    });

    it('ends every other session, keeping the one asking, and says which ended', async () => {
      const { identity, member, signIn, published } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const a = await signIn('robin@example.test');
      const b = await signIn('robin@example.test');
      await identity.endOtherSessions(a.user);
      await expect(identity.authenticate(a.token)).resolves.not.toBeNull();
      await expect(identity.authenticate(b.token)).resolves.toBeNull();
      expect(published).toEqual([{ name: 'session.revoked', payload: { userId: a.user.id, sessionIds: [b.user.sessionId], reason: 'ended' } }]);
      await identity.endOtherSessions(a.user);
      expect(published).toHaveLength(1);
    });
  });

  describe('display names', () => {
    it('changes to a free name at once, here and in the cache; refuses one taken or looking taken by another', async () => {
      const { identity, member, signIn } = identityContext();
      await member('Bill', { email: 'bill@example.test' });
      const robinId = await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      await expect(identity.displayNames([robinId])).resolves.toEqual(new Map([[robinId, 'Robin']]));
      expect((await rejection(identity.changeDisplayName(user, 'BILL')))?.message).toContain('taken');
      expect((await rejection(identity.changeDisplayName(user, 'BiII')))?.message).toContain('looks too much like');
      await expect(identity.changeDisplayName(user, '  Robin Hood ')).resolves.toEqual({ id: robinId, displayName: 'Robin Hood' });
      await expect(identity.displayNames([robinId])).resolves.toEqual(new Map([[robinId, 'Robin Hood']]));
      await expect(identity.changeDisplayName(user, 'robin hood')).resolves.toMatchObject({ displayName: 'robin hood' });
    });

    it('keeps an about me the screen accepts, refuses (422 at its field) one it does not and saves nothing, and clears an empty one', async () => {
      const { identity, member, signIn } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      await expect(identity.profile(user.id)).resolves.toEqual({ aboutMe: null, showOnline: true });
      await expect(identity.changeAboutMe(user, '  Transplant in 2021.  ')).resolves.toEqual({ aboutMe: 'Transplant in 2021.', showOnline: true });
      const refused = await rejection(identity.changeAboutMe(user, 'Ring 07700 900123'));
      expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', extra: { errors: [{ field: 'aboutMe', message: 'No phone numbers, please.' }] } });
      expect((await rejection(identity.changeAboutMe(user, 'a'.repeat(281))))?.code).toBe('VALIDATION_FAILED');
      await expect(identity.profile(user.id)).resolves.toMatchObject({ aboutMe: 'Transplant in 2021.' });
      await expect(identity.changeAboutMe(user, '   ')).resolves.toEqual({ aboutMe: null, showOnline: true });
    });

    it('turning "show me online" off is kept and announced to the chat service', async () => {
      const { identity, member, signIn, published } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      await expect(identity.setShowOnline(user, false)).resolves.toEqual({ aboutMe: null, showOnline: false });
      await expect(identity.shownOnline([user.id, 'nobody'])).resolves.toEqual([]);
      expect(published).toContainEqual({ name: 'profile.changed', payload: { userId: user.id } });
    });

    it('a name taken at the same moment is the same 409', async () => {
      const { identity, users, member, signIn } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      jest.spyOn(users, 'rename').mockRejectedValueOnce(new UniqueViolation('display-name'));
      expect(await rejection(identity.changeDisplayName(user, 'Someone'))).toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('admins', () => {
    it('creates a verified admin, or promotes the account that has the address', async () => {
      const { identity, store, member } = identityContext();
      const existing = await member('Sam', { email: 'sam@example.test', verified: false });
      await expect(identity.createOrPromoteAdmin({ email: 'SAM@example.test', password: PASSWORD, displayName: 'ignored' })).resolves.toEqual({
        id: existing,
        created: false,
      });
      const made = await identity.createOrPromoteAdmin({ email: 'admin@example.test', password: PASSWORD, displayName: 'Admin Person' });
      expect(made.created).toBe(true);
      for (const id of [existing, made.id]) expect(store.users.get(id)).toMatchObject({ isAdmin: true, emailVerifiedAt: expect.any(Date) });
      expect((await identity.adminIds()).sort()).toEqual([existing, made.id].sort());
    });
  });
});
