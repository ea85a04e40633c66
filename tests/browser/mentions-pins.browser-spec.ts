import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bearer, Person, registerAndLogin } from '../support/people';
import { apply, createAdmin } from '../support/groups';
import { screened } from '../support/community';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/** Letters only: a tag with digits can look like a postcode, which a display name may not hold. */
function letters(length: number): string {
  return randomUUID()
    .replace(/-/g, '')
    .slice(0, length)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
}

/** @mentions picked from the composer's suggestions, and a pinned welcome topic new members land on, in real Chromium. */
describe('mentions and pinned topics in the web app', () => {
  let stack: WebStack;
  let admin: Person;

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function topic(author: Person, groupId: string, title: string, body: string): Promise<Record<string, any>> {
    const response = await request(stack.forum.url).post(`/groups/${groupId}/topics`).set(bearer(author)).send({ title, body }).expect(202);
    return screened(stack.forum, author, response.body.id);
  }

  it('a member types @, picks a member with the keyboard and posts; the member mentioned sees the notice', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const tag = `Qx${letters(5)}`;
    const writer = await memberOf(stack.forum, group.id, group.code, { displayName: `${tag} Writer` });
    const robin = await memberOf(stack.forum, group.id, group.code, { displayName: `${tag} Robin` });
    const rowan = await memberOf(stack.forum, group.id, group.code, { displayName: `${tag} Rowan` });
    const opening = await topic(writer, group.id, 'Knitting at clinic', 'Anyone else bring something to do on dialysis days?');

    const { context, page } = await newPerson(stack.browser);
    try {
      await signIn(page, stack.forum.url, writer.email, writer.password);
      await page.goto(`${stack.forum.url}/thread/${opening.topicId}`);
      const reply = page.getByLabel('Your reply');
      await reply.click();
      await reply.pressSequentially(`Thanks @${tag.slice(0, 4).toLowerCase()}`);
      const suggestions = page.getByRole('listbox', { name: 'People to mention' });
      await suggestions.getByRole('option', { name: rowan.displayName }).waitFor();
      expect(await suggestions.getByRole('option').allTextContents()).toEqual([robin.displayName, rowan.displayName]);
      // The first is active; the arrow keys move the active option, which the textarea points to.
      const active = async () => page.locator(`[id="${await reply.getAttribute('aria-activedescendant')}"]`).textContent();
      await expect(active()).resolves.toBe(robin.displayName);
      await reply.press('ArrowDown');
      await expect(active()).resolves.toBe(rowan.displayName);
      expect(await suggestions.getByRole('option', { name: rowan.displayName }).getAttribute('aria-selected')).toBe('true');
      await visited(page, 'mention suggestions', 'mention-suggestions');
      await reply.press('ArrowUp');
      await expect(active()).resolves.toBe(robin.displayName);
      await reply.press('Enter');
      await expect(reply.inputValue()).resolves.toBe(`Thanks @${robin.displayName} `);
      expect(await suggestions.count()).toBe(0);
      await reply.pressSequentially('I will bring the pattern.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.post-body', { hasText: `Thanks @${robin.displayName} I will bring the pattern.` }).waitFor();

      await page.setViewportSize({ width: 390, height: 844 });
      await reply.pressSequentially(`@${tag.slice(0, 4)}`);
      await suggestions.getByRole('option', { name: robin.displayName }).waitFor();
      await visited(page, 'mention suggestions on a phone');
      await reply.press('Escape');
      expect(await suggestions.count()).toBe(0);

      // In chat, Enter picks a name while the suggestions are open, and sends otherwise.
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.goto(`${stack.forum.url}/community/${group.id}/chat`);
      await page.getByText('Connected.').waitFor();
      const draft = page.getByLabel('Your message');
      await draft.click();
      await draft.pressSequentially(`See you @${tag.slice(0, 4)}`);
      await suggestions.getByRole('option', { name: rowan.displayName }).waitFor();
      await draft.press('ArrowDown');
      await draft.press('Enter');
      await expect(draft.inputValue()).resolves.toBe(`See you @${rowan.displayName} `);
      await visited(page, 'mention suggestions in chat');
      await draft.press('Enter');
      await page.locator('.chat-log .preserve', { hasText: `See you @${rowan.displayName}` }).waitFor();
      await expect(draft.inputValue()).resolves.toBe('');
    } finally {
      await context.close();
    }

    // The worker has told Robin (a positive signal through the API), then Robin reads it in the app.
    const deadline = Date.now() + 15_000;
    while (!(await request(stack.forum.url).get('/me/notifications').set(bearer(robin))).body.items.some((n: { kind: string }) => n.kind === 'mention')) {
      if (Date.now() > deadline) throw new Error('Robin was not told of the mention');
      await new Promise((r) => setTimeout(r, 200));
    }
    const mentioned = await newPerson(stack.browser);
    try {
      await signIn(mentioned.page, stack.forum.url, robin.email, robin.password);
      await mentioned.page.goto(`${stack.forum.url}/notifications`);
      const notice = mentioned.page.getByRole('link', { name: 'Someone mentioned you' });
      await notice.waitFor();
      await visited(mentioned.page, 'a mention notice', 'mention-notice');
      await notice.click();
      await mentioned.page.waitForURL(new RegExp(`/thread/${opening.topicId}$`));
      await mentioned.page.locator('.post-body', { hasText: `@${robin.displayName}` }).waitFor();
    } finally {
      await mentioned.context.close();
    }
  });

  it('a supporter pins a welcome topic, and a new member lands on it after accepting the agreement', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const member = await memberOf(stack.forum, group.id, group.code);
    await topic(member, group.id, 'Fatigue tips', 'What helps you on the tired days?');
    const welcome = await topic(supporter, group.id, 'Welcome to the group', 'We are glad you found us. Start by saying hello in the introductions thread.');

    const staff = await newPerson(stack.browser);
    try {
      await signIn(staff.page, stack.forum.url, supporter.email, supporter.password);
      await staff.page.goto(`${stack.forum.url}/thread/${welcome.topicId}`);
      await staff.page.getByRole('button', { name: 'Pin as the welcome topic' }).click();
      await staff.page.getByText('Pinned: welcome').waitFor();
      await visited(staff.page, 'a pinned welcome topic', 'pinned-welcome');
      await staff.page.goto(`${stack.forum.url}/community/${group.id}`);
      const first = staff.page.locator('.topics li').first();
      await first.getByText('Pinned: welcome').waitFor();
      await expect(first.locator('.topic-title').textContent()).resolves.toBe('Welcome to the group');
      await visited(staff.page, 'topics with a pinned one');
    } finally {
      await staff.context.close();
    }

    // A new member: approved with a code, then the agreement in the app, then the group.
    const newcomer = await registerAndLogin(stack.forum.url);
    expect((await apply(stack.forum, newcomer, group.id, { referralCode: group.code }).expect(201)).body.status).toBe('approved');
    const { context, page } = await newPerson(stack.browser, { width: 390, height: 844 });
    try {
      await signIn(page, stack.forum.url, newcomer.email, newcomer.password);
      await page.goto(`${stack.forum.url}/community/${group.id}/agreement`);
      await page.getByLabel(/I have read the group agreement/).check();
      await page.getByRole('button', { name: 'Accept the agreement' }).click();
      await page.waitForURL(new RegExp(`/thread/${welcome.topicId}\\?welcome=1$`));
      await page.getByRole('heading', { level: 1, name: 'Welcome to the group' }).waitFor();
      await page.locator('.welcome-landing').waitFor();
      await page.locator('.post-body', { hasText: 'We are glad you found us.' }).waitFor();
      await visited(page, 'landing on the welcome topic on a phone', 'welcome-landing-phone');

      // Read once, the group's topics open as usual, the welcome first and labelled.
      await page.locator('.welcome-landing').getByRole('link', { name: 'all topics' }).click();
      await page.waitForURL(new RegExp(`/community/${group.id}$`));
      await page.locator('.topics li').first().getByText('Pinned: welcome').waitFor();
      await page.getByRole('link', { name: 'Fatigue tips' }).waitFor();
      expect(page.url()).toMatch(new RegExp(`/community/${group.id}$`));
      await page.setViewportSize({ width: 1100, height: 900 });
      await visited(page, 'topics after the welcome');
    } finally {
      await context.close();
    }
  });
});
