import { linkIn, Mailbox, testMailbox } from '../support/mailbox';
import { newRegistration, registerAndLogin } from '../support/people';
import { newPerson, signIn, visited } from './support/browser';
import { startWebStack, WebStack } from './support/web-stack';

/**
 * Accounts by mail in real Chromium: registering and confirming the address, and a forgotten
 * password, each through the mail a person receives (the test mailbox). Every page is checked with axe.
 */
describe('the web app, accounts by mail', () => {
  let stack: WebStack;
  let mailbox: Mailbox;
  const url = (path: string) => `${stack.forum.url}${path}`;

  beforeAll(async () => {
    mailbox = await testMailbox();
    stack = await startWebStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('registers, is told to check the mail, cannot sign in before confirming, confirms through the link, then signs in', async () => {
    const me = newRegistration();
    const { context, page } = await newPerson(stack.browser);
    await page.goto(url('/register'));
    await page.getByLabel('Email address').fill(me.email);
    await page.getByLabel('Password').fill(me.password);
    await page.getByLabel('Display name').fill(me.displayName);
    await page.getByLabel('Date of birth').fill(me.dateOfBirth);
    await page.getByLabel(/I agree that Kindred may keep/).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await page.getByText(me.email).waitFor();
    await visited(page, 'check your email after registering', 'check-your-email');

    // Before confirming, the right password gets a plain explanation, not a sign-in.
    await page.goto(url('/sign-in'));
    await page.getByLabel('Email address').fill(me.email);
    await page.getByLabel('Password').fill(me.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/confirm your email address first/)
      .waitFor();
    await visited(page, 'sign-in refused before the address is confirmed');

    const mail = await mailbox.waitFor(me.email, { subject: /Confirm your email address/ });
    await page.goto(linkIn(mail, 'verify-email').url);
    await page.getByRole('heading', { level: 1, name: 'Confirm your email address' }).waitFor();
    await visited(page, 'verify email', 'verify-email');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your email address is confirmed' }).waitFor();
    await visited(page, 'email confirmed');

    // The link works once.
    await page.goto(linkIn(mail, 'verify-email').url);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page
      .getByRole('alert')
      .getByText(/already been used or has expired/)
      .waitFor();
    await visited(page, 'verify email, link used');

    await signIn(page, stack.forum.url, me.email, me.password);
    await page.getByText(`Signed in as ${me.displayName}`).waitFor();
    await context.close();
  });

  it('asks for a reset link, chooses a new password through it, and signs in with it', async () => {
    const me = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    await page.goto(url('/sign-in'));
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
    await visited(page, 'forgot password', 'forgot-password');
    await page.getByLabel('Email address').fill(me.email);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    await visited(page, 'check your email after asking for a reset');

    const mail = await mailbox.waitFor(me.email, { subject: /Reset your Kindred password/ });
    await page.goto(linkIn(mail, 'reset-password').url);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    // A weak password is refused, with the reason beside the field.
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Save my new password' }).click();
    const field = page.getByLabel('New password');
    await page.locator('.field-error').first().waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await visited(page, 'reset password, weak password refused', 'reset-password');

    const password = 'my new and long pass phrase';
    await field.fill(password);
    await page.getByRole('button', { name: 'Save my new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your password is changed' }).waitFor();
    await visited(page, 'password changed');

    await signIn(page, stack.forum.url, me.email, password);
    await page.getByText(`Signed in as ${me.displayName}`).waitFor();

    // The account page offers the same while signed in.
    await page.goto(url('/my/account'));
    await page.getByRole('heading', { level: 2, name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password').fill('and another long pass phrase');
    await page.getByRole('button', { name: 'Change my password' }).click();
    await page.getByText('That password is not right.').first().waitFor();
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    await visited(page, 'account page, change password refused', 'account-change-password');
    await context.close();
  });
});
