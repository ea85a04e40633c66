import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { linkIn, Mailbox, ReceivedMail, testMailbox } from '../support/mailbox';
import { bearer, newRegistration, Person, registerAndLogin } from '../support/people';
import { createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startChat, startForum } from '../support/stack';

/**
 * Verified email, password reset, and changing the password or the address, through the real
 * forum and chat services and a real SMTP server (the test mailbox).
 */
describe('accounts by mail', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;
  let mailbox: Mailbox;

  beforeAll(async () => {
    mailbox = await testMailbox();
    [forum, chat] = await Promise.all([startForum(), startChat()]);
  });
  afterAll(async () => {
    await Promise.all([forum?.close(), chat?.close()]);
  });

  const login = (email: string, password: string) => request(forum.url).post('/auth/login').send({ email, password });

  function connect(person: { token: string }): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  /** Every part a reader sees: subject, text and HTML. */
  const readable = (mail: ReceivedMail) => [mail.subject, mail.text, mail.html].join('\n');

  describe('registration', () => {
    it('answers a new and a known address with byte-identical 202 bodies, and mails each what fits', async () => {
      const known = await registerAndLogin(forum.url);
      const fresh = newRegistration();
      const forFresh = await request(forum.url).post('/auth/register').send(fresh).expect(202);
      const forKnown = await request(forum.url)
        .post('/auth/register')
        .send(newRegistration({ email: known.email }))
        .expect(202);
      expect(forKnown.text).toBe(forFresh.text);
      expect(forKnown.headers['content-type']).toBe(forFresh.headers['content-type']);
      expect(JSON.parse(forFresh.text)).toEqual({ status: 'check-email' });

      const verification = await mailbox.waitFor(fresh.email);
      expect(verification.subject).toBe('Confirm your email address for Kindred');
      expect(linkIn(verification, 'verify-email').url).toMatch(new RegExp(`^${forum.config.publicUrl}/verify-email\\?token=`));
      expect(verification.html).toContain('/verify-email?token=');

      const attempt = await mailbox.waitFor(known.email);
      expect(attempt.subject).toBe('Someone tried to create a Kindred account with your email address');
      expect(attempt.text).toContain(`${forum.config.publicUrl}/sign-in`);
      expect(attempt.text).toContain(`${forum.config.publicUrl}/forgot-password`);
      expect(attempt.text).not.toMatch(/token=/);
    });

    it('keeps an unverified account out (403) with the right password only, and lets it in once the link is followed, which works once', async () => {
      const me = newRegistration();
      await request(forum.url).post('/auth/register').send(me).expect(202);
      await login(me.email, 'not the password at all').expect(401);
      const refused = await login(me.email, me.password).expect(403);
      expect(refused.body).toMatchObject({ status: 403, code: 'EMAIL_NOT_VERIFIED' });

      const { token } = linkIn(await mailbox.waitFor(me.email), 'verify-email');
      await request(forum.url).post('/auth/verify-email').send({ token }).expect(204);
      await login(me.email, me.password).expect(200);
      const again = await request(forum.url).post('/auth/verify-email').send({ token }).expect(410);
      expect(again.body).toMatchObject({ status: 410, code: 'TOKEN_EXPIRED' });
    });

    it('refuses tokens that were never issued with 410 and malformed ones with 422', async () => {
      const unknown = await request(forum.url)
        .post('/auth/verify-email')
        .send({ token: 'x'.repeat(43) })
        .expect(410);
      expect(unknown.body.code).toBe('TOKEN_EXPIRED');
      await request(forum.url)
        .post('/auth/verify-email')
        .send({ token: 'x'.repeat(500) })
        .expect(422);
      await request(forum.url).post('/auth/verify-email').send({}).expect(422);
      await request(forum.url).post('/auth/verify-email').send({ token: 42 }).expect(422);
    });

    it('mails a fresh link when an unverified address registers again, and still refuses a display name in use', async () => {
      const me = newRegistration();
      await request(forum.url).post('/auth/register').send(me).expect(202);
      const first = linkIn(await mailbox.waitFor(me.email), 'verify-email').token;
      // Display names are public: in use is in use, whoever asks, so this tells nothing about the address.
      await request(forum.url).post('/auth/register').send(me).expect(409);
      await request(forum.url)
        .post('/auth/register')
        .send({ ...me, displayName: newRegistration().displayName })
        .expect(202);
      const second = linkIn(await mailbox.waitFor(me.email), 'verify-email').token;
      expect(second).not.toBe(first);
      await request(forum.url).post('/auth/verify-email').send({ token: second }).expect(204);
      // Verifying used up every verification link of the account.
      await request(forum.url).post('/auth/verify-email').send({ token: first }).expect(410);
    });
  });

  describe('password reset', () => {
    it('answers known and unknown addresses alike, and mails only the known one', async () => {
      const me = await registerAndLogin(forum.url);
      const nobody = newRegistration().email;
      const forNobody = await request(forum.url).post('/auth/password-reset').send({ email: nobody }).expect(202);
      const forMe = await request(forum.url).post('/auth/password-reset').send({ email: me.email }).expect(202);
      expect(forMe.text).toBe(forNobody.text);
      expect(forMe.body).toEqual({ status: 'check-email' });
      const mail = await mailbox.waitFor(me.email, { subject: /Reset your Kindred password/ });
      expect(linkIn(mail, 'reset-password').url).toMatch(new RegExp(`^${forum.config.publicUrl}/reset-password\\?token=`));
      expect(mailbox.mailsTo(nobody)).toEqual([]);
    });

    it('sets a new password once, ends every session (open chat sockets too), and tells the owner', async () => {
      const me = await registerAndLogin(forum.url);
      const elsewhere = (await login(me.email, me.password).expect(200)).body.token as string;
      const socket = await connect(me);
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

      await request(forum.url).post('/auth/password-reset').send({ email: me.email }).expect(202);
      const { token } = linkIn(await mailbox.waitFor(me.email, { subject: /Reset your Kindred password/ }), 'reset-password');
      // A weak password is refused and leaves the link usable.
      const weak = await request(forum.url).post('/auth/password-reset/confirm').send({ token, password: 'short' }).expect(422);
      expect(weak.body.errors[0].field).toBe('password');

      const password = 'a brand new and long pass phrase';
      await request(forum.url).post('/auth/password-reset/confirm').send({ token, password }).expect(204);
      await disconnected;
      socket.close();
      await request(forum.url).get('/me').set(bearer(me)).expect(401);
      await request(forum.url)
        .get('/me')
        .set(bearer({ token: elsewhere }))
        .expect(401);
      await login(me.email, me.password).expect(401);
      await login(me.email, password).expect(200);
      const reused = await request(forum.url).post('/auth/password-reset/confirm').send({ token, password: 'yet another long pass phrase' }).expect(410);
      expect(reused.body.code).toBe('TOKEN_EXPIRED');
      const told = await mailbox.waitFor(me.email, { subject: /password was changed/ });
      expect(told.subject).toBe('Your Kindred password was changed');
    });

    it('verifies an account that had not followed its verification link', async () => {
      const me = newRegistration();
      await request(forum.url).post('/auth/register').send(me).expect(202);
      await mailbox.waitFor(me.email, { subject: /Confirm your email/ });
      await request(forum.url).post('/auth/password-reset').send({ email: me.email }).expect(202);
      const { token } = linkIn(await mailbox.waitFor(me.email, { subject: /Reset your Kindred password/ }), 'reset-password');
      await request(forum.url).post('/auth/password-reset/confirm').send({ token, password: 'chosen through the reset link' }).expect(204);
      await login(me.email, 'chosen through the reset link').expect(200);
    });
  });

  describe('signed in', () => {
    it('changes the password after checking the current one, and ends the other sessions only', async () => {
      const me = await registerAndLogin(forum.url);
      const other = (await login(me.email, me.password).expect(200)).body.token as string;
      const wrong = await request(forum.url)
        .post('/me/password')
        .set(bearer(me))
        .send({ currentPassword: 'not my password at all', newPassword: 'a changed and long pass phrase' })
        .expect(422);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      const weak = await request(forum.url).post('/me/password').set(bearer(me)).send({ currentPassword: me.password, newPassword: 'short' }).expect(422);
      expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);
      await request(forum.url)
        .get('/me')
        .set(bearer({ token: other }))
        .expect(200);

      await request(forum.url)
        .post('/me/password')
        .set(bearer(me))
        .send({ currentPassword: me.password, newPassword: 'a changed and long pass phrase' })
        .expect(204);
      await request(forum.url).get('/me').set(bearer(me)).expect(200);
      await request(forum.url)
        .get('/me')
        .set(bearer({ token: other }))
        .expect(401);
      await login(me.email, 'a changed and long pass phrase').expect(200);
      await mailbox.waitFor(me.email, { subject: /password was changed/ });
    });

    it('changes the address only when the new one is verified, and tells the old one', async () => {
      const me = await registerAndLogin(forum.url);
      const newEmail = newRegistration().email;
      const wrong = await request(forum.url).post('/me/email').set(bearer(me)).send({ password: 'not my password at all', newEmail }).expect(422);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      const asked = await request(forum.url).post('/me/email').set(bearer(me)).send({ password: me.password, newEmail }).expect(202);
      expect(asked.body).toEqual({ status: 'check-email' });

      const toOld = await mailbox.waitFor(me.email, { subject: /new email address was asked for/ });
      expect(toOld.text).not.toContain(newEmail);
      const { token } = linkIn(await mailbox.waitFor(newEmail, { subject: /Confirm your new email address/ }), 'verify-email');
      await login(newEmail, me.password).expect(401);
      await login(me.email, me.password).expect(200);

      await request(forum.url).post('/auth/verify-email').send({ token }).expect(204);
      await login(newEmail, me.password).expect(200);
      await login(me.email, me.password).expect(401);
      await request(forum.url).post('/auth/verify-email').send({ token }).expect(410);
    });

    it('answers the same when the new address has an account, and mails its owner instead of a link', async () => {
      const [me, them] = await Promise.all([registerAndLogin(forum.url), registerAndLogin(forum.url)]);
      const asked = await request(forum.url).post('/me/email').set(bearer(me)).send({ password: me.password, newEmail: them.email }).expect(202);
      expect(asked.body).toEqual({ status: 'check-email' });
      const toThem = await mailbox.waitFor(them.email, { subject: /Someone tried to use your email address/ });
      expect(toThem.text).not.toMatch(/token=/);
      const same = await request(forum.url).post('/me/email').set(bearer(me)).send({ password: me.password, newEmail: me.email.toUpperCase() }).expect(422);
      expect(same.body.errors).toEqual([expect.objectContaining({ field: 'newEmail' })]);
    });

    it('refuses all of it without a session', async () => {
      await request(forum.url).post('/me/password').send({ currentPassword: 'a', newPassword: 'b' }).expect(401);
      await request(forum.url).post('/me/email').send({ password: 'a', newEmail: 'a@example.org' }).expect(401);
    });
  });

  it('mails name no group, no display name and nothing a member wrote', async () => {
    const admin = await createAdmin(forum);
    const groupId = await createGroup(forum, admin);
    const group = (await request(forum.url).get(`/groups/${groupId}`).set(bearer(admin)).expect(200)).body as { name: string };
    const member: Person = await joinedMember(forum, groupId, await referralCode(forum, admin, groupId));
    await request(forum.url)
      .post(`/groups/${groupId}/topics`)
      .set(bearer(member))
      .send({ title: 'Dialysis evenings', body: 'Evenings on the machine are long; audiobooks help me.' })
      .expect(202);
    await request(forum.url).post('/auth/password-reset').send({ email: member.email }).expect(202);
    await request(forum.url)
      .post('/me/password')
      .set(bearer(member))
      .send({ currentPassword: member.password, newPassword: 'the second long pass phrase' })
      .expect(204);
    await mailbox.waitFor(member.email, { subject: /Reset your Kindred password/ });
    await mailbox.waitFor(member.email, { subject: /password was changed/ });
    const mails = mailbox.mailsTo(member.email);
    expect(mails.length).toBeGreaterThanOrEqual(3);
    for (const mail of mails) {
      const text = readable(mail);
      expect(mail.subject).toContain('Kindred');
      for (const secret of [group.name, member.displayName, 'Dialysis', 'audiobooks']) expect(text).not.toContain(secret);
    }
  });

  describe('limits', () => {
    let limited: RunningHttpApp;
    beforeAll(async () => {
      // A namespace of its own, so other tests' requests from this address do not count here.
      limited = await startForum({
        REDIS_PREFIX: `kindred-test-mail-limits-${Date.now().toString(36)}`,
        MAIL_REQUESTS_PER_ACCOUNT: '2',
        TOKEN_FAILURES_PER_ADDRESS: '3',
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('limits reset mails per address, known or not, with 429 RATE_LIMITED', async () => {
      const me = await registerAndLogin(limited.url);
      for (const email of [me.email, newRegistration().email]) {
        await request(limited.url).post('/auth/password-reset').send({ email }).expect(202);
        if (email === me.email) {
          // The registration took one mail of this address's budget already.
          const refused = await request(limited.url).post('/auth/password-reset').send({ email }).expect(429);
          expect(refused.body.code).toBe('RATE_LIMITED');
          expect(refused.headers['retry-after']).toMatch(/^\d+$/);
        } else {
          await request(limited.url).post('/auth/password-reset').send({ email }).expect(202);
          const refused = await request(limited.url).post('/auth/password-reset').send({ email }).expect(429);
          expect(refused.body.code).toBe('RATE_LIMITED');
        }
      }
      // Registration counts against the same budget of mails to one address.
      const email = newRegistration().email;
      for (const expected of [202, 202, 429]) {
        await request(limited.url).post('/auth/register').send(newRegistration({ email })).expect(expected);
      }
    });

    it('limits links that do not work per client, before the token is looked up', async () => {
      for (let i = 0; i < 3; i += 1)
        await request(limited.url)
          .post('/auth/verify-email')
          .send({ token: `not-a-token-${i}` })
          .expect(410);
      const refused = await request(limited.url).post('/auth/verify-email').send({ token: 'not-a-token-again' }).expect(429);
      expect(refused.body.code).toBe('RATE_LIMITED');
      await request(limited.url).post('/auth/password-reset/confirm').send({ token: 'not-a-token', password: 'a long enough pass phrase' }).expect(429);
    });
  });
});
