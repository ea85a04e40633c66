import request from 'supertest';
import type { Page } from 'playwright-core';
import { screened } from '../support/community';
import { createAdmin, inDirectory, issueReferralCode } from '../support/groups';
import { bearer, newRegistration, Person, registerAndLogin } from '../support/people';
import { checkedAtBothSizes as checkedAtBoth, expectHumaneWords, newPerson, signIn } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';


/** Every notice, alert, status, hint and field error the app writes on the page, read for raw keys and ISO times. */
const OWN_WORDS = '[role=alert], [role=status], .message, .field-error, .notices li, .hint';
const checkedAtBothSizes = (page: Page, where: string, shot?: string) => checkedAtBoth(page, where, OWN_WORDS, shot);

describe('a community people come back to, in the web app', () => {
  let stack: WebStack;
  let admin: Person;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('keeps a member signed in in a new tab, by a cookie the page cannot read, and signs them out of every tab', async () => {
    const member = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, member.email, member.password);
      const cookies = await context.cookies(stack.forum.url);
      expect(cookies.find((c) => c.name === 'kindred_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate<string>('document.cookie')).not.toContain('kindred_session');

      const tab = await context.newPage();
      await tab.goto(`${stack.forum.url}/my/account`);
      await tab.getByText(`Signed in as ${member.displayName}`, { exact: true }).waitFor();
      await checkedAtBothSizes(tab, 'the account page in a new tab');

      await tab.getByRole('button', { name: 'Sign out', exact: true }).click();
      await tab.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
      await page.goto(`${stack.forum.url}/my/account`);
      await page
        .getByText('Please sign in first.')
        .or(page.getByRole('link', { name: 'sign in' }))
        .first()
        .waitFor();
      expect((await context.cookies(stack.forum.url)).some((c) => c.name === 'kindred_session')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('screens a change of display name at its field, then says a wrong password on "Delete my account" at the field, once, and keeps the person signed in', async () => {
    const member = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, member.email, member.password);
      await page.goto(`${stack.forum.url}/my/account`);

      // A new display name is screened: a phone number is refused at the field; a bracketed role of one's own is fine.
      const naming = page.locator('section', { has: page.getByRole('heading', { name: 'Your display name' }) });
      await naming.getByLabel('New display name').fill('Sam 07700 900123');
      await naming.getByRole('button', { name: 'Change my display name' }).click();
      await naming.locator('input[aria-invalid="true"]').waitFor();
      expect(await naming.locator('.field-error').count()).toBe(1);
      await expectHumaneWords(page, 'a display name refused', OWN_WORDS);
      const newName = `Sam (volunteer) ${member.displayName.split(' ').pop()}`;
      await naming.getByLabel('New display name').fill(newName);
      await naming.getByRole('button', { name: 'Change my display name' }).click();
      await naming.getByText(`Your display name is now ${newName}.`).waitFor();
      await page.getByText(`Signed in as ${newName}`, { exact: true }).waitFor();
      member.displayName = newName;

      const section = page.locator('section', { has: page.getByRole('heading', { name: 'Delete your account' }) });
      await section.getByLabel('Your password').fill('not my password at all');
      await section.getByLabel('I understand that deleting my account cannot be undone.').check();
      await section.getByRole('button', { name: 'Delete my account' }).click();
      const field = section.getByLabel('Your password');
      await section.locator('input[aria-invalid="true"]').waitFor();
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy = (await field.getAttribute('aria-describedby'))!;
      await expect(page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).resolves.toMatch(/not right, so nothing was deleted/);
      // Said once: at the field, and the summary only points there.
      expect(await section.getByText(/not right, so nothing was deleted/).count()).toBe(1);
      await section.getByText('Please check the answer marked below.').waitFor();
      await expect(page.getByText(`Signed in as ${member.displayName}`, { exact: true }).isVisible()).resolves.toBe(true);
      await checkedAtBothSizes(page, 'a wrong password on deleting the account', 'account-humane');
    } finally {
      await context.close();
    }
  }, 240_000);

  it('takes "Sam (volunteer)" as a name, and says at the field, in words, why a role in brackets is refused', async () => {
    const { context, page } = await newPerson(stack.browser);
    try {
      await page.goto(`${stack.forum.url}/register`);
      const registration = newRegistration();
      await page.getByLabel('Email address').fill(String(registration.email));
      await page.getByLabel('Password', { exact: true }).fill(String(registration.password));
      await page.getByLabel('Display name').fill('Sam (supporter)');
      await page.getByLabel('Date of birth').fill('2000-05-17');
      await page.getByLabel(/I agree that Kindred may keep/).check();
      await page.getByRole('button', { name: 'Create account' }).click();
      const name = page.getByLabel('Display name');
      await page.locator('input[aria-invalid="true"]').waitFor();
      await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
      expect(await page.getByText(/does not say you are an admin, supporter/).count()).toBe(1);
      await checkedAtBothSizes(page, 'a display name claiming a role');

      await name.fill(`Sam (volunteer) ${String(registration.displayName).split(' ').pop()}`);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('tells the author in plain words which part of the agreement their post went against, quotes it, and offers an appeal', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const agreement = (await request(stack.forum.url).get(`/groups/${group.id}/agreement`).expect(200)).body;
    const clause = agreement.clauses.find((c: { key: string }) => c.key === 'respect');
    await request(stack.forum.url)
      .post(`/groups/${group.id}/rules`)
      .set(bearer(admin))
      .send({ pattern: 'numpty', match: 'word', action: 'block', clauseKey: 'respect' })
      .expect(201);
    const member = await memberOf(stack.forum, group.id, group.code);
    const posted = await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(member))
      .send({ title: 'Clinic today', body: 'The receptionist was a numpty again.' })
      .expect(202);
    expect((await screened(stack.forum, member, posted.body.id)).status).toBe('rejected');

    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, member.email, member.password);
      await page.goto(`${stack.forum.url}/my/notices`);
      const notice = page.locator('.notices li').first();
      await notice.getByRole('heading', { name: 'Something you wrote was not published' }).waitFor();
      await notice.getByText(`The part of the group agreement: “${clause.title}”`).waitFor();
      await expect(notice.locator('blockquote').textContent()).resolves.toContain('The receptionist was a numpty again.');
      await notice.getByRole('button', { name: 'Appeal this decision' }).waitFor();
      expect(await notice.textContent()).not.toContain('respect"');
      await checkedAtBothSizes(page, 'a notice about a post that was not published', 'notice-humane');
    } finally {
      await context.close();
    }
  });

  it('lets an admin create a draft group, appoint a supporter who never applied, revoke a referral code, open the group and read it all in the audit log', async () => {
    const volunteer = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, admin.email, admin.password);
      await page.goto(`${stack.forum.url}/admin/new-group`);
      const slug = `draft-${Date.now().toString(36)}`;
      await page.getByLabel('Short web name').fill(slug);
      await page.getByLabel('Group name').fill(`Draft group ${slug}`);
      await page.getByLabel('Description', { exact: true }).fill('Peer support for people on home dialysis.');
      await page.getByLabel('Condition', { exact: true }).fill('Kidney failure');
      await page.getByRole('button', { name: 'Create the group as a draft' }).click();
      await page.waitForURL(/\/community\/[0-9a-f-]+\/settings$/);
      const groupId = page.url().split('/community/')[1]!.split('/')[0]!;
      await page.getByText('This group is a draft.').waitFor();
      expect(await inDirectory(stack.forum, groupId)).toBe(false);
      await checkedAtBothSizes(page, 'a draft group’s settings', 'admin-settings-details');

      // Supporters: by email, without an application.
      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Supporters' }).click();
      await page.getByLabel('Their email address').fill(volunteer.email);
      await page.getByRole('button', { name: 'Appoint as supporter' }).click();
      await page.getByText(`The account with ${volunteer.email} is now a supporter of this group.`).waitFor();
      await page.getByRole('cell', { name: volunteer.displayName, exact: true }).waitFor();
      await checkedAtBothSizes(page, 'appointing a supporter by email');

      // Referral codes: listed with uses, and revocable.
      const code = await issueReferralCode(stack.forum, admin, groupId, 10);
      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Referral codes' }).click();
      await page.getByRole('cell', { name: code }).waitFor();
      await page.getByRole('cell', { name: '0 of 10' }).waitFor();
      await page.getByRole('button', { name: 'Revoke the code for Leeds renal unit' }).click();
      await page.getByText('The code for Leeds renal unit is revoked: it lets nobody in from now on.').waitFor();
      await page.getByText(/^Revoked /).waitFor();
      await checkedAtBothSizes(page, 'referral codes with one revoked', 'admin-referral-codes');

      // Open the group when ready.
      await page.getByRole('button', { name: 'Open the group' }).click();
      await page.getByText('The group is open: it is in the directory and people can apply.').waitFor();

      await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Audit log' }).click();
      for (const action of ['Created the group', 'Appointed a supporter', 'Revoked a referral code', 'Opened the group']) {
        await page.getByRole('cell', { name: action, exact: true }).first().waitFor();
      }
      await page.getByText(/revoked: false → true/).waitFor();
      await checkedAtBothSizes(page, 'the audit log', 'admin-audit-log');
      expect(await inDirectory(stack.forum, groupId)).toBe(true);
    } finally {
      await context.close();
    }
    // Seven pages, each checked with axe at two sizes.
  }, 300_000);
});
