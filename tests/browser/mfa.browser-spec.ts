import request from 'supertest';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin } from '../support/groups';
import { totpCode } from '../support/mfa';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/** Two-step sign-in in real Chromium: set up from the account page, then used to sign in; staff sent to set it up. */
describe('two-step sign-in in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  const url = (path: string) => `${stack.forum.url}${path}`;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is set up with the key shown on the page, shows the recovery codes once, and asks for a code at the next sign-in', async () => {
    const member = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, member.email, member.password);
    await page.goto(url('/my/account'));
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await page.getByRole('img', { name: 'QR code for adding Kindred to an authenticator app' }).waitFor();
    expect(await page.getByRole('img', { name: /QR code/ }).getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await visited(page, 'account page, setting up two-step sign-in', 'two-step-setup');

    // Scan-free: the setup key is on the page as text; an authenticator app would compute the same code.
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('Code from your app').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes now' }).waitFor();
    const codes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByText('These codes are shown only this once.').waitFor();
    await visited(page, 'account page, recovery codes', 'two-step-recovery-codes');
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByText(/Two-step sign-in is on/).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByText(/^Signed in as /).waitFor({ state: 'detached' });
    await page.goto(url('/sign-in'));
    await page.getByLabel('Email address').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your sign-in code' }).waitFor();
    await visited(page, 'sign-in, second step', 'two-step-sign-in');
    // A code of the step after the one used to confirm: the same code twice is refused as a replay.
    await page.getByRole('textbox', { name: 'Sign-in code' }).fill(await totpCode(secret, 1));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(`Signed in as ${member.displayName}`).waitFor();
    await context.close();
  });

  it('sends a supporter without two-step sign-in from the review queue to set it up, with the reason', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const supporter = await memberOf(stack.forum, group.id, group.code);
    await request(stack.forum.url).put(`/groups/${group.id}/supporters/${supporter.id}`).set(bearer(admin)).expect(204);
    const { context, page } = await newPerson(stack.browser);
    await signIn(page, stack.forum.url, supporter.email, supporter.password);
    await page.goto(url(`/community/${group.id}/review`));
    await page.waitForURL(/\/my\/account\?two-step=required/);
    await page.getByText(/Supporters and admins need two-step sign-in before they can see the review queue/).waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).waitFor();
    await visited(page, 'account page, two-step sign-in required', 'two-step-required');
    await context.close();
  });
});
