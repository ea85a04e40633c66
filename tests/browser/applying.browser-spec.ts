import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { testMailbox } from '../support/mailbox';
import { bearer, Person, registerAndLogin } from '../support/people';
import { createAdmin } from '../support/groups';
import { screened } from '../support/community';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/**
 * Applying without a loop, and a report that is heard back from, in real Chromium at desktop and
 * phone sizes: the group page shows the application waiting, and the reporter reads the outcome.
 */
describe('applying and reporting in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  let group: { id: string; name: string; code: string };

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
    group = await groupWith(stack.forum, admin, { mode: 'post' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows an applicant that their application is waiting, with when it was sent, instead of offering to apply again', async () => {
    const applicant = await registerAndLogin(stack.forum.url);
    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, applicant.email, applicant.password);
      await page.goto(`${stack.forum.url}/community/${group.id}`);
      await page.getByRole('link', { name: 'Apply to join' }).click();
      await page.getByLabel('Do you live with kidney disease?').fill('yes');
      await page.getByLabel(/I declare that I live with/).check();
      await page.getByRole('button', { name: 'Send application' }).click();
      await page.getByText(/Your application is waiting for a supporter/).waitFor();

      await page.goto(`${stack.forum.url}/community/${group.id}`);
      const status = page.locator('.application-status[data-status="pending"]');
      await status.getByRole('heading', { name: 'Your application is waiting' }).waitFor();
      await expect(status.textContent()).resolves.toMatch(/You sent it today, \d{1,2}:\d\d/);
      await expect(status.textContent()).resolves.toMatch(/A supporter will look at it by /);
      expect(await page.getByRole('link', { name: 'Apply to join' }).count()).toBe(0);
      await visited(page, 'the group page with an application waiting', 'application-waiting');
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'the group page with an application waiting, on a phone');
    } finally {
      await context.close();
    }
  });

  it('tells the member who reported a post what became of it, in plain words', async () => {
    const [author, reporter] = await Promise.all([memberOf(stack.forum, group.id, group.code), memberOf(stack.forum, group.id, group.code)]);
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const accepted = (
      await request(stack.forum.url)
        .post(`/groups/${group.id}/topics`)
        .set(bearer(author))
        .send({ title: 'Ward 5', body: 'The nurses there are hopeless.' })
        .expect(202)
    ).body;
    expect((await screened(stack.forum, author, accepted.id)).status).toBe('published');
    await request(stack.forum.url).post(`/posts/${accepted.id}/reports`).set(bearer(reporter)).send({ clauseKey: 'respect' }).expect(201);
    const queue = (await request(stack.forum.url).get(`/groups/${group.id}/review-items?status=open`).set(bearer(supporter)).expect(200)).body.items;
    const item = queue.find((i: { subject?: { id: string } }) => i.subject?.id === accepted.id);
    await request(stack.forum.url)
      .post(`/review-items/${item.id}/decision`)
      .set(bearer(supporter))
      .send({ action: 'remove', clauseKey: 'respect', sanction: { kind: 'warn' } })
      .expect(200);

    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, reporter.email, reporter.password);
      await page.goto(`${stack.forum.url}/my/notices`);
      const notice = page.locator('.notice-report-outcome');
      await notice.getByRole('heading', { name: 'About something you reported' }).waitFor();
      const words = (await notice.textContent()) ?? '';
      expect(words).toContain('Thank you for reporting a post.');
      expect(words).toContain('taken down');
      expect(words).not.toMatch(/warn|mute|ban/i);
      expect(words).not.toContain(supporter.displayName);
      await visited(page, 'the outcome of a report', 'report-outcome');
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'the outcome of a report, on a phone');
    } finally {
      await context.close();
    }
  });

  it('lets an admin invite a supporter who has no account, and revoke an invitation; the invitee accepts from the mailed link', async () => {
    const kept = `volunteer-${randomUUID().slice(0, 8)}@example.org`;
    const withdrawn = `withdrawn-${randomUUID().slice(0, 8)}@example.org`;
    const admins = await newPerson(stack.browser);
    try {
      const page = admins.page;
      await signIn(page, stack.forum.url, admin.email, admin.password);
      await page.goto(`${stack.forum.url}/community/${group.id}/settings/supporters`);
      for (const address of [withdrawn, kept]) {
        await page.getByLabel('Their email address').fill(address);
        await page.getByRole('button', { name: 'Appoint as supporter' }).click();
        await page.getByText(`No confirmed Kindred account uses ${address}.`).waitFor();
        await page.getByRole('button', { name: 'Send an invitation' }).click();
        await page.getByText(`An invitation is on its way to ${address}.`).waitFor();
      }
      const invitations = page.locator('.invitations li');
      await invitations
        .filter({ hasText: kept })
        .getByText(/waiting, the link works until/)
        .waitFor();
      await visited(page, 'supporter invitations', 'supporter-invitations');
      await invitations
        .filter({ hasText: withdrawn })
        .getByRole('button', { name: /Revoke/ })
        .click();
      await page.getByText(`The invitation to ${withdrawn} is revoked: its link no longer works.`).waitFor();
      await invitations
        .filter({ hasText: withdrawn })
        .getByText(/revoked/)
        .waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      await visited(page, 'supporter invitations, on a phone');
    } finally {
      await admins.context.close();
    }

    const mail = await (await testMailbox()).waitFor(kept, { subject: /invited to volunteer/ });
    const link = /https?:\/\/\S+\/supporter-invitation\?token=[A-Za-z0-9_%-]+/.exec(mail.text)![0];
    const invitee = await registerAndLogin(stack.forum.url, { email: kept });
    const { context, page } = await newPerson(stack.browser);
    try {
      await page.goto(link.replace(/^https?:\/\/[^/]+/, stack.forum.url));
      await page.getByRole('heading', { level: 1, name: 'Volunteer as a supporter' }).waitFor();
      await page.locator('ol').getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Email address').fill(invitee.email);
      await page.getByLabel('Password').fill(invitee.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Accept the invitation' }).click();
      await page.waitForURL(new RegExp(`/community/${group.id}/agreement$`));
      await page.getByText(/Welcome\. Please read the group agreement/).waitFor();
      await visited(page, 'a new supporter’s first agreement');
      const me = (await request(stack.forum.url).get('/me').set(bearer(invitee)).expect(200)).body;
      expect(me.memberships).toEqual([expect.objectContaining({ groupId: group.id, role: 'supporter' })]);
    } finally {
      await context.close();
    }
  });
});
