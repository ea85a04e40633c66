import { hashToken } from './tokens';
import { identityContext, PASSWORD, rejection, tokenIn } from './identity.spec-kit';

const NEW_PASSWORD = 'another quite unusual passphrase';

describe('AccountService (in-memory repositories)', () => {
  describe('verifyEmail', () => {
    it('a registration’s link verifies the account once; it and any older link then answer TOKEN_EXPIRED', async () => {
      const { identity, account, store, mails } = identityContext();
      await identity.register({ email: 'robin@example.test', password: PASSWORD, displayName: 'Robin', dateOfBirth: '1990-01-01', consent: true }, 'a');
      await identity.register({ email: 'robin@example.test', password: PASSWORD, displayName: 'Robin2', dateOfBirth: '1990-01-01', consent: true }, 'a');
      const [older, newer] = mails.map(tokenIn);
      await account.verifyEmail(newer!, 'a');
      expect([...store.users.values()][0]!.emailVerifiedAt).toBeInstanceOf(Date);
      expect((await rejection(account.verifyEmail(newer!, 'a')))?.code).toBe('TOKEN_EXPIRED');
      expect((await rejection(account.verifyEmail(older!, 'a')))?.code).toBe('TOKEN_EXPIRED');
    });

    it('counts a link before it is looked up: with the budget spent, even a good one is not used', async () => {
      const { identity, account, attempts, store, mails } = identityContext();
      await identity.register({ email: 'robin@example.test', password: PASSWORD, displayName: 'Robin', dateOfBirth: '1990-01-01', consent: true }, 'a');
      attempts.exhausted = true;
      expect((await rejection(account.verifyEmail(tokenIn(mails[0]), 'a')))?.code).toBe('RATE_LIMITED');
      expect(store.tokens[0]!.usedAt).toBeNull();
    });

    it('a change of email’s link moves the account, unless another account took the address since', async () => {
      const { account, store, mails, member, signIn } = identityContext();
      const id = await member('Robin', { email: 'robin@example.test' });
      const { user } = await signIn('robin@example.test');
      await account.requestEmailChange(user, PASSWORD, 'New@Example.test', 'a');
      await account.requestEmailChange(user, PASSWORD, 'taken@example.test', 'a');
      const [toNew, toTaken] = mails.filter((m) => m.message.template === 'confirm-new-email').map(tokenIn);
      await member('Taker', { email: 'taken@example.test' });
      expect((await rejection(account.verifyEmail(toTaken!, 'a')))?.code).toBe('TOKEN_EXPIRED');
      expect(store.users.get(id)!.email).toBe('robin@example.test');
      await account.verifyEmail(toNew!, 'a');
      expect(store.users.get(id)).toMatchObject({ email: 'New@Example.test', emailNormalised: 'new@example.test' });
    });
  });

  describe('password reset', () => {
    it('mails a link only to a known address, answering both the same, and counts both', async () => {
      const { account, mails, attempts, member } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      await expect(account.requestPasswordReset('nobody@example.test', 'a')).resolves.toEqual({ status: 'check-email' });
      await expect(account.requestPasswordReset('ROBIN@example.test', 'a')).resolves.toEqual({ status: 'check-email' });
      expect(mails.map((m) => [m.to, m.message.template])).toEqual([['robin@example.test', 'password-reset']]);
      expect(attempts.counted).toEqual(['mail:nobody@example.test', 'mail:robin@example.test']);
    });

    it('a good link sets the password, verifies the address, ends every session and forgets the lockout; once', async () => {
      const { account, identity, store, mails, attempts, member, signIn } = identityContext();
      const id = await member('Robin', { email: 'robin@example.test' });
      const { token: session } = await signIn('robin@example.test');
      // As if the address had never been verified: the link proves it.
      store.users.get(id)!.emailVerifiedAt = null;
      await account.requestPasswordReset('robin@example.test', 'a');
      const token = tokenIn(mails[0]);
      expect((await rejection(account.confirmPasswordReset(token, 'password', 'a')))?.code).toBe('VALIDATION_FAILED');
      await account.confirmPasswordReset(token, NEW_PASSWORD, 'a');
      expect(store.users.get(id)!.emailVerifiedAt).toBeInstanceOf(Date);
      await expect(identity.authenticate(session)).resolves.toBeNull();
      await expect(identity.login('robin@example.test', NEW_PASSWORD, 'a', null)).resolves.toHaveProperty('token');
      expect(attempts.forgotten).toEqual(['robin@example.test']);
      expect(mails.at(-1)).toMatchObject({ to: 'robin@example.test', message: { template: 'password-changed' } });
      expect((await rejection(account.confirmPasswordReset(token, NEW_PASSWORD, 'a')))?.code).toBe('TOKEN_EXPIRED');
    });

    it('an unknown or run-out link is TOKEN_EXPIRED', async () => {
      const { account, store, mails, member } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      expect((await rejection(account.confirmPasswordReset('no-such-token', NEW_PASSWORD, 'a')))?.code).toBe('TOKEN_EXPIRED');
      await account.requestPasswordReset('robin@example.test', 'a');
      const token = tokenIn(mails[0]);
      store.tokens.find((t) => t.tokenHash === hashToken(token))!.expiresAt = new Date(Date.now() - 1);
      expect((await rejection(account.confirmPasswordReset(token, NEW_PASSWORD, 'a')))?.code).toBe('TOKEN_EXPIRED');
    });
  });

  describe('signed in', () => {
    it('changing the password needs the current one (a 422 on its field) and ends every other session', async () => {
      const { account, identity, mails, member, signIn } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      const here = await signIn('robin@example.test');
      const there = await signIn('robin@example.test');
      const wrong = await rejection(account.changePassword(here.user, 'not it', NEW_PASSWORD, 'a'));
      expect(wrong).toMatchObject({ code: 'VALIDATION_FAILED', extra: { errors: [{ field: 'currentPassword', message: 'That password is not right.' }] } });
      expect((await rejection(account.changePassword(here.user, PASSWORD, 'password', 'a')))?.extra).toMatchObject({ errors: [{ field: 'newPassword' }] });
      await account.changePassword(here.user, PASSWORD, NEW_PASSWORD, 'a');
      await expect(identity.authenticate(here.token)).resolves.not.toBeNull();
      await expect(identity.authenticate(there.token)).resolves.toBeNull();
      expect(mails.map((m) => m.message.template)).toEqual(['password-changed']);
    });

    it('a change of email to an address in use tells that address’s owner, not the asker; the old address hears either way', async () => {
      const { account, store, mails, member, signIn } = identityContext();
      await member('Robin', { email: 'robin@example.test' });
      await member('Sam', { email: 'sam@example.test' });
      const { user } = await signIn('robin@example.test');
      expect((await rejection(account.requestEmailChange(user, PASSWORD, ' ROBIN@example.test', 'a')))?.code).toBe('VALIDATION_FAILED');
      expect((await rejection(account.requestEmailChange(user, 'wrong', 'new@example.test', 'a')))?.extra).toMatchObject({ errors: [{ field: 'password' }] });
      await expect(account.requestEmailChange(user, PASSWORD, 'Sam@example.test', 'a')).resolves.toEqual({ status: 'check-email' });
      expect(store.tokens).toHaveLength(0);
      await expect(account.requestEmailChange(user, PASSWORD, 'new@example.test', 'a')).resolves.toEqual({ status: 'check-email' });
      expect(store.tokens).toEqual([expect.objectContaining({ purpose: 'change-email', newEmail: 'new@example.test' })]);
      expect(mails.map((m) => [m.to, m.message.template])).toEqual([
        ['Sam@example.test', 'address-in-use'],
        ['robin@example.test', 'email-change-requested'],
        ['new@example.test', 'confirm-new-email'],
        ['robin@example.test', 'email-change-requested'],
      ]);
    });
  });
});
