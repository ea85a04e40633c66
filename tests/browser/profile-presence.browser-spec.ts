import request from 'supertest';
import type { Page } from 'playwright-core';
import { screened } from '../support/community';
import { createAdmin } from '../support/groups';
import { bearer, Person } from '../support/people';
import { checkedAtBothSizes as checkedAtBoth, expectHumaneWords, newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';


/** Every notice, alert, status, hint and field error the app writes on the page, read for raw keys and ISO times. */
const OWN_WORDS = '[role=alert], [role=status], .field-error, .hint:not(.my-post .hint), .my-post .status-word, .my-post .status-note, .my-post time';
const checkedAtBothSizes = (page: Page, where: string, shot?: string) => checkedAtBoth(page, where, OWN_WORDS, shot);

/** A member's own page: their posts with honest statuses, a screened "about me", who is online, and leaving a group. */
describe('a member’s own page in the web app', () => {
  let stack: WebStack;
  let admin: Person;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lists the member’s posts with a held post’s status in words, saves an about me (refusing a phone number at its field), and leaves a group after asking', async () => {
    const held = await groupWith(stack.forum, admin, { mode: 'pre' });
    const open = await groupWith(stack.forum, admin, { mode: 'post' });
    const member = await memberOf(stack.forum, held.id, held.code);
    await request(stack.forum.url)
      .post(`/groups/${open.id}/applications`)
      .set(bearer(member))
      .send({ answers: { diagnosis: 'yes' }, declaration: true, referralCode: open.code })
      .expect(201);
    const agreement = await request(stack.forum.url).get(`/groups/${open.id}/agreement`).expect(200);
    await request(stack.forum.url).post(`/groups/${open.id}/agreement/acceptances`).set(bearer(member)).send({ version: agreement.body.version }).expect(201);
    const waiting = await request(stack.forum.url)
      .post(`/groups/${held.id}/topics`)
      .set(bearer(member))
      .send({ title: 'Salt substitutes', body: 'Are salt substitutes safe for us? I have heard mixed things.' })
      .expect(202);
    expect((await screened(stack.forum, member, waiting.body.id)).status).toBe('held');
    const published = await request(stack.forum.url)
      .post(`/groups/${open.id}/topics`)
      .set(bearer(member))
      .send({ title: 'Morning walks', body: 'Anyone else walking before dialysis?' })
      .expect(202);
    expect((await screened(stack.forum, member, published.body.id)).status).toBe('published');

    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, member.email, member.password);

      // Your posts: reached from the account page; the held topic says so in words, only to its author.
      await page.goto(`${stack.forum.url}/my/account`);
      await page.getByRole('main').getByRole('link', { name: 'Your posts' }).click();
      await page.waitForURL(/\/my\/posts$/);
      const heldCard = page.locator('.my-post', { has: page.getByRole('heading', { name: 'Salt substitutes' }) });
      await heldCard.getByText('Waiting for a supporter', { exact: true }).waitFor();
      await heldCard.getByText('Only you can see it until a supporter has read it.').waitFor();
      await heldCard.getByText(held.name).waitFor();
      const openCard = page.locator('.my-post', { has: page.getByRole('heading', { name: 'Morning walks' }) });
      await openCard.getByText('Published', { exact: true }).waitFor();
      await checkedAtBothSizes(page, 'your posts', 'my-posts');

      // About me: a phone number is refused at the field, and nothing is saved; plain words are.
      await page.goto(`${stack.forum.url}/my/account`);
      const about = page.locator('section', { has: page.getByRole('heading', { name: 'About you' }) });
      await about.getByLabel('About me').fill('Text me on 07700 900123 any time');
      await about.getByRole('button', { name: 'Save about me' }).click();
      await about.locator('textarea[aria-invalid="true"]').waitFor();
      expect(await about.locator('.field-error').count()).toBe(1);
      await expect(about.locator('.field-error').textContent()).resolves.toMatch(/phone number/);
      await expectHumaneWords(page, 'an about me refused', OWN_WORDS);
      await about.getByLabel('About me').fill('On dialysis since 2019. I love crosswords.');
      await about.getByRole('button', { name: 'Save about me' }).click();
      await about.getByText('Saved. Members of your groups can read it.').waitFor();
      expect((await request(stack.forum.url).get('/me').set(bearer(member)).expect(200)).body.aboutMe).toBe('On dialysis since 2019. I love crosswords.');

      // Online in chat: on by default, and turned off here.
      const online = page.getByLabel('Show me in “Online now” when I am in a group chat');
      await expect(online.isChecked()).resolves.toBe(true);
      await online.uncheck();
      await page.getByText('Nobody sees when you are in a group chat now.').waitFor();
      expect((await request(stack.forum.url).get('/me').set(bearer(member)).expect(200)).body.showOnline).toBe(false);
      await checkedAtBothSizes(page, 'the account page with about me and online settings');

      // Leaving a group: asked once more in a dialog; staying changes nothing, leaving ends the membership.
      await page.goto(`${stack.forum.url}/community/${open.id}`);
      await page.getByRole('button', { name: 'Leave this group' }).click();
      const dialog = page.getByRole('dialog', { name: `Leave ${open.name}?` });
      await dialog.waitFor();
      await visited(page, 'the leave-group dialog', 'leave-group');
      await dialog.getByRole('button', { name: 'Stay in the group' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await request(stack.forum.url).get('/me').set(bearer(member)).expect(200)).body.memberships).toHaveLength(2);
      await page.getByRole('button', { name: 'Leave this group' }).click();
      await dialog.getByRole('button', { name: 'Yes, leave this group' }).click();
      await page.getByText('You have left this group. What you wrote here stays. You can apply to join again at any time.').waitFor();
      await page.getByRole('link', { name: 'Apply to join' }).waitFor();
      await checkedAtBothSizes(page, 'a group just left');
      const memberships = (await request(stack.forum.url).get('/me').set(bearer(member)).expect(200)).body.memberships as Array<{ groupId: string }>;
      expect(memberships.map((m) => m.groupId)).toEqual([held.id]);
      await request(stack.forum.url).get(`/groups/${open.id}/topics`).set(bearer(member)).expect(403);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('shows who is online in the chat room, never a member who opted out', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const [reader, present, hidden] = [
      await memberOf(stack.forum, group.id, group.code),
      await memberOf(stack.forum, group.id, group.code),
      await memberOf(stack.forum, group.id, group.code),
    ];
    await request(stack.forum.url).put('/me/presence').set(bearer(hidden)).send({ showOnline: false }).expect(200);
    const others = await Promise.all([newPerson(stack.browser), newPerson(stack.browser)]);
    const { context, page } = await newPerson(stack.browser);
    try {
      // Two others in the room first: one shown, one who opted out.
      await signIn(others[0].page, stack.forum.url, present.email, present.password);
      await others[0].page.goto(`${stack.forum.url}/community/${group.id}/chat`);
      await others[0].page.getByText('Connected.', { exact: false }).waitFor();
      await signIn(others[1].page, stack.forum.url, hidden.email, hidden.password);
      await others[1].page.goto(`${stack.forum.url}/community/${group.id}/chat`);
      await others[1].page.getByText('Connected.', { exact: false }).waitFor();

      await signIn(page, stack.forum.url, reader.email, reader.password);
      await page.goto(`${stack.forum.url}/community/${group.id}/chat`);
      const list = page.getByRole('list', { name: 'Members in the chat now' });
      await list.getByText(present.displayName, { exact: true }).waitFor();
      await list.getByText(`${reader.displayName} (you)`, { exact: true }).waitFor();
      expect(await list.getByText(hidden.displayName).count()).toBe(0);
      await checkedAtBothSizes(page, 'the chat with who is online', 'chat-online');

      // The shown member leaves the chat: the list follows.
      await others[0].page.goto(`${stack.forum.url}/my/account`);
      await list.getByText(present.displayName, { exact: true }).waitFor({ state: 'detached' });
      expect(await list.getByText(hidden.displayName).count()).toBe(0);
    } finally {
      await context.close();
      await Promise.all(others.map((o) => o.context.close()));
    }
  }, 240_000);
});
