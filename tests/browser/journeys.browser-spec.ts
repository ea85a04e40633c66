import { Page } from 'playwright-core';
import request from 'supertest';
import { linkIn, testMailbox } from '../support/mailbox';
import { bearer, newRegistration, Person } from '../support/people';
import { createAdmin } from '../support/groups';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/**
 * Journeys through the web app in real Chromium, against the real forum (serving the built app),
 * chat service and moderation worker. Every page visited is checked with axe.
 */
describe('the web app', () => {
  let stack: WebStack;
  let admin: Person;
  const url = (path: string) => `${stack.forum.url}${path}`;
  const person = (viewport?: { width: number; height: number }) => newPerson(stack.browser, viewport);

  beforeAll(async () => {
    stack = await startWebStack();
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function openHelp(page: Page, where: string, shot?: string) {
    await page.getByRole('button', { name: 'Need help now?' }).click();
    const dialog = page.getByRole('dialog', { name: 'Need help now?' });
    await dialog.getByRole('link', { name: 'Call 116 123' }).waitFor();
    await visited(page, where, shot);
    await dialog.getByRole('button', { name: 'Close' }).click();
  }

  /** The directory shows groups a page at a time: asks for more until the group's link is there. */
  async function openGroupFromDirectory(page: Page, name: string) {
    const link = page.getByRole('link', { name, exact: true });
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    await page.locator('.cards li').first().waitFor();
    while (!(await link.isVisible())) {
      // The click returns before the next page arrives: wait for it, or the last page's button is gone for good.
      const before = await page.locator('.cards li h2').count();
      await page.getByRole('button', { name: 'Show more groups' }).click();
      // A locator, not waitForFunction: the app's CSP (script-src 'self') forbids the eval behind a string predicate.
      await page.locator('.cards li h2').nth(before).waitFor();
    }
    await link.click();
  }

  it('lists every group in the directory, a page at a time, and nothing twice', async () => {
    const first = await request(stack.forum.url).get('/groups?limit=100').expect(200);
    for (let i = first.body.items.length; i < 25; i += 1) await groupWith(stack.forum, admin, { mode: 'post' });
    const all: string[] = [];
    for (let cursor: string | null = null, more = true; more;) {
      const answer: request.Response = await request(stack.forum.url)
        .get(`/groups?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .expect(200);
      all.push(...answer.body.items.map((g: { name: string }) => g.name));
      cursor = answer.body.nextCursor;
      more = Boolean(cursor);
    }
    const { context, page } = await person();
    await page.goto(url('/'));
    await page.locator('.cards li').first().waitFor();
    const firstPage = await page.locator('.cards li h2').count();
    expect(firstPage).toBeLessThan(all.length);
    while (await page.getByRole('button', { name: 'Show more groups' }).isVisible()) {
      const before = await page.locator('.cards li h2').count();
      await page.getByRole('button', { name: 'Show more groups' }).click();
      // A locator, not waitForFunction: the app's CSP (script-src 'self') forbids the eval behind a string predicate.
      await page.locator('.cards li h2').nth(before).waitFor();
    }
    expect(await page.locator('.cards li h2').allTextContents()).toEqual(all);
    await visited(page, 'group directory, every page');
    await context.close();
  });

  it('"Need help now?" shows the bundled crisis contacts even when the API cannot be reached', async () => {
    const { context, page } = await person();
    await page.goto(url('/'));
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    await page.route('**/*', (route) => (['fetch', 'xhr'].includes(route.request().resourceType()) ? route.abort() : route.continue()));
    await page.getByRole('link', { name: 'Register' }).click();
    await page.getByText(/could not load the full consent text/).waitFor();
    await page.getByRole('button', { name: 'Need help now?' }).click();
    const dialog = page.getByRole('dialog', { name: 'Need help now?' });
    for (const name of ['Call 999', 'Call 111', 'Call 116 123', 'Text 85258']) await dialog.getByRole('link', { name }).waitFor();
    await visited(page, 'need help now with the API down');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await context.close();
  });

  it('works by keyboard alone: skip link, signing in, and "Need help now?"', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const someone = await memberOf(stack.forum, group.id, group.code);
    const { context, page } = await person();
    await page.goto(url('/sign-in'));
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const focused = () =>
      page.evaluate('document.activeElement && (document.activeElement.labels?.[0]?.textContent || document.activeElement.textContent || "").trim()');
    const tabTo = async (name: string | RegExp) => {
      for (let i = 0; i < 25; i += 1) {
        await page.keyboard.press('Tab');
        const text = String(await focused());
        if (typeof name === 'string' ? text === name : name.test(text)) return;
      }
      throw new Error(`could not reach ${String(name)} with Tab`);
    };
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to main content');
    await tabTo('Email address');
    await page.keyboard.type(someone.email);
    await tabTo('Password');
    await page.keyboard.type(someone.password);
    await page.keyboard.press('Enter');
    await page.getByText(`Signed in as ${someone.displayName}`).waitFor();

    await tabTo('Need help now?');
    // The focused control is visibly marked.
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).not.toBe('none');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Need help now?' });
    await dialog.getByRole('link', { name: 'Call 116 123' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focused()).toBe('Need help now?');
    await context.close();
  });

  it('a member registers, applies, is approved by a supporter, accepts the agreement, posts, and sees the post held, then published', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'first-posts', firstPostsHeld: 1 });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const me = newRegistration();

    const member = await person();
    const { page } = member;
    await page.goto(url('/register'));
    await visited(page, 'register', 'register');
    await page.getByLabel('Email address').fill(me.email);
    await page.getByLabel('Password').fill(me.password);
    await page.getByLabel('Display name').fill(me.displayName);
    await page.getByLabel('Date of birth').fill(me.dateOfBirth);
    await page.getByLabel(/I agree that Kindred may keep/).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
    // The mailed link, followed in the same browser, confirms the address; then the member signs in.
    const verification = await (await testMailbox()).waitFor(me.email, { subject: /Confirm your email address/ });
    await page.goto(linkIn(verification, 'verify-email').url);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your email address is confirmed' }).waitFor();
    await signIn(page, stack.forum.url, me.email, me.password);
    await page.getByText(`Signed in as ${me.displayName}`).waitFor();

    await openGroupFromDirectory(page, group.name);
    await page.getByRole('heading', { level: 1, name: group.name }).waitFor();
    await visited(page, 'group directory entry');
    await openHelp(page, 'need help now', 'need-help-now');
    await page.getByRole('link', { name: 'Apply to join' }).click();
    await page.getByLabel('Do you live with kidney disease?').fill('yes');
    await visited(page, 'apply', 'apply');
    await page.getByLabel(/I declare that/).check();
    await page.getByRole('button', { name: 'Send application' }).click();
    await page.getByText(/waiting for a supporter/).waitFor();
    await visited(page, 'application sent');

    // The supporter, in a second browser context, approves the application.
    const helper = await person();
    await signIn(helper.page, stack.forum.url, supporter.email, supporter.password);
    await helper.page.goto(url(`/community/${group.id}/applications`));
    const application = helper.page.getByTestId('application').filter({ hasText: me.displayName });
    await application.waitFor();
    await visited(helper.page, 'pending applications', 'applications');
    await application.getByLabel(/Reason, shown to/).fill('Welcome, your answers fit the group.');
    await application.getByRole('button', { name: /^Approve/ }).click();
    await helper.page.getByText('Application approved.').waitFor();
    // The decision reaches the member live, as a notice.
    await page.getByRole('link', { name: 'Notices (1 new)' }).waitFor();

    // Back to the member: the group asks for the agreement first.
    await page.goto(url(`/community/${group.id}`));
    await page.waitForURL(/\/agreement/);
    await page.getByRole('heading', { level: 1, name: 'Group agreement' }).waitFor();
    await page.getByRole('button', { name: 'Accept the agreement' }).waitFor();
    await visited(page, 'agreement', 'agreement');
    await page.getByLabel(/I have read the group agreement/).check();
    await page.getByRole('button', { name: 'Accept the agreement' }).click();
    await page.getByRole('heading', { name: 'Topics' }).waitFor();
    await visited(page, 'topics');

    await page.getByRole('link', { name: 'Start a topic' }).click();
    await page.getByLabel('Title').fill('Starting dialysis next month');
    await page.getByLabel('Your post').fill('I start dialysis next month and feel nervous about the first session. How did yours go?');
    await visited(page, 'new topic', 'new-topic');
    await page.getByRole('button', { name: 'Post topic' }).click();
    const progress = page.getByTestId('post-progress');
    await progress.getByText(/^Held — a supporter will look by \d{1,2}:\d\d(\s?[AaPp]\.?[Mm]\.?)?\.$/).waitFor();
    await visited(page, 'post held', 'post-held');

    // The supporter approves it in the review queue.
    await helper.page.goto(url(`/community/${group.id}/review`));
    const item = helper.page.getByTestId('review-item').filter({ hasText: 'I start dialysis next month' });
    await item.waitFor();
    await visited(helper.page, 'review queue', 'review-queue');
    await item.getByLabel('Decision').selectOption('approve');
    await item.getByRole('button', { name: 'Record decision' }).click();
    await helper.page.getByText('Approved. It is now published.').waitFor();

    // The member's page follows the post to published without a reload.
    await progress.getByText('Published.').waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Go to your topic' }).click();
    await page.getByText('I start dialysis next month').waitFor();
    await page.getByRole('button', { name: /^Support/ }).waitFor();
    await page.getByRole('button', { name: /^Support/ }).click();
    await page.locator('.reaction[aria-pressed="true"]').getByText('1').waitFor();
    await page.getByRole('button', { name: `Reply to ${me.displayName}` }).click();
    await page.getByText(`Replying to ${me.displayName}.`).waitFor();
    await page.getByLabel('Your reply').fill('Update: the nurse walked me through it and it was fine.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    // Her first post was held; from now on she is trusted, so the reply is published.
    await page.locator('.post').filter({ hasText: 'the nurse walked me through it' }).getByText(`In reply to ${me.displayName}`).waitFor();
    await page
      .locator('.post')
      .filter({ hasText: 'the nurse walked me through it' })
      .getByRole('button', { name: /^Support/ })
      .waitFor();
    await visited(page, 'thread', 'thread');

    await page.getByRole('link', { name: 'Notices' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your notices' }).waitFor();
    await visited(page, 'notices', 'notices');
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('button', { name: 'Download my data' }).waitFor();
    await visited(page, 'account', 'account');
    await helper.page.goto(url(`/community/${group.id}/metrics`));
    await helper.page.getByRole('heading', { level: 1, name: 'How moderation is going' }).waitFor();
    await helper.page.getByText('Waiting for review').waitFor();
    await visited(helper.page, 'metrics', 'metrics');

    await helper.context.close();
    await member.context.close();
  });

  it('a member edits a reply: the new words are checked again, then the thread shows them, marked edited', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const opener = await memberOf(stack.forum, group.id, group.code);
    const someone = await memberOf(stack.forum, group.id, group.code);
    const topic = await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(opener))
      .send({ title: 'Tips for the first clinic visit', body: 'What do you wish you had asked at your first clinic visit?' })
      .expect(202);

    const member = await person();
    const { page } = member;
    await signIn(page, stack.forum.url, someone.email, someone.password);
    await page.goto(url(`/thread/${topic.body.topicId}`));
    await page.getByText('What do you wish you had asked').waitFor();
    await page.getByLabel('Your reply').fill('Ask about the fistula care, I forgot.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const reply = page.locator('.post').filter({ has: page.getByText(`${someone.displayName} (you)`) });
    await reply.getByRole('button', { name: /^Support/ }).waitFor();

    await reply.getByRole('button', { name: 'Edit your post' }).click();
    const words = reply.getByLabel('Your post');
    expect(await words.inputValue()).toBe('Ask about the fistula care, I forgot.');
    // The form takes the focus, like the reply form does when someone chooses whom to answer.
    const focused = page.locator('textarea:focus');
    await focused.waitFor();
    expect(await focused.inputValue()).toMatch(/^Ask about the fistula/);
    await visited(page, 'edit a post', 'edit-post');
    // Empty words are refused, and the form stays open with what went wrong.
    await words.fill('   ');
    await reply.getByRole('button', { name: 'Save changes' }).click();
    await reply
      .getByRole('alert')
      .getByText(/must not be blank/)
      .first()
      .waitFor();
    await words.fill('Ask about caring for your fistula at home: I forgot, and wished I had.');
    // Screening may decide before the page first looks: hold the post's status until the page shows it being checked.
    const status = /\/posts\/[0-9a-f-]+$/;
    const looks: Array<() => Promise<void>> = [];
    await page.route(status, (route) => (route.request().method() === 'GET' ? void looks.push(() => route.continue()) : route.fallback()));
    await reply.getByRole('button', { name: 'Save changes' }).click();
    await reply.getByTestId('post-progress').getByText('Checking…').waitFor();
    await Promise.all(looks.map((look) => look()));
    await page.unroute(status);

    await reply.getByTestId('post-progress').waitFor({ state: 'detached', timeout: 20_000 });
    await reply.getByText('Ask about caring for your fistula at home: I forgot, and wished I had.').waitFor();
    await reply.getByText(/· edited$/).waitFor();
    expect(await reply.getByText('Ask about the fistula care, I forgot.').count()).toBe(0);
    await reply.getByRole('button', { name: /^Support/ }).waitFor();
    await member.context.close();
  });

  it('two members chat live, with typing indicators', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const ann = await memberOf(stack.forum, group.id, group.code);
    const bea = await memberOf(stack.forum, group.id, group.code);
    const a = await person();
    const b = await person({ width: 390, height: 844 });
    await signIn(a.page, stack.forum.url, ann.email, ann.password);
    await signIn(b.page, stack.forum.url, bea.email, bea.password);
    await a.page.goto(url(`/community/${group.id}/chat`));
    await b.page.goto(url(`/community/${group.id}/chat`));
    await a.page.getByText('Connected.').waitFor();
    await b.page.getByText('Connected.').waitFor();
    await visited(a.page, 'chat');

    await a.page.getByLabel('Your message').pressSequentially('Morning all', { delay: 20 });
    await b.page.getByTestId('typing').getByText(`${ann.displayName} is typing…`).waitFor();
    await a.page.getByLabel('Your message').press('Enter');
    await b.page.locator('.chat-log').getByText('Morning all').waitFor();
    await a.page.locator('.chat-line[data-state="published"]').getByText('Morning all').waitFor();
    // Screen readers hear the latest message once, through the polite announcer.
    await b.page.getByTestId('announcer').getByText(`${ann.displayName} says: Morning all`).waitFor({ timeout: 10_000 });

    // What people write is shown as text: markup arrives as characters and never runs.
    const markup = '<img src=x onerror="window.__kindredXss=1"> <b>bold</b>';
    await a.page.getByLabel('Your message').fill(markup);
    await a.page.getByLabel('Your message').press('Enter');
    await b.page.locator('.chat-log').getByText(markup).waitFor();
    expect(await b.page.locator('.chat-log img, .chat-log b').count()).toBe(0);
    expect(await b.page.evaluate('window.__kindredXss')).toBeUndefined();

    await b.page.getByLabel('Your message').fill('Hi Ann, how did the clinic go?');
    await b.page.getByRole('button', { name: 'Send' }).click();
    await a.page.locator('.chat-log').getByText('Hi Ann, how did the clinic go?').waitFor();
    await visited(a.page, 'chat with messages', 'chat');
    await visited(b.page, 'chat on a phone-sized screen', 'chat-phone');
    // Reflow: on a phone, with text at 200%, nothing needs sideways scrolling.
    await b.page.evaluate("document.documentElement.style.fontSize = '200%'");
    expect(await b.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await b.page.goto(url('/'));
    await b.page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    await b.page.evaluate("document.documentElement.style.fontSize = '200%'");
    expect(await b.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await visited(b.page, 'groups on a phone with text at 200%', 'groups-phone-200-percent-text');

    await a.context.close();
    await b.context.close();
  });

  it('a crisis message shows its author the crisis resources and reaches the supporter’s queue live', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post', urgentSlaMinutes: 10 });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const author = await memberOf(stack.forum, group.id, group.code);

    const helper = await person();
    await signIn(helper.page, stack.forum.url, supporter.email, supporter.password);
    await helper.page.goto(url(`/community/${group.id}/review`));
    await helper.page.getByText('Nothing is waiting. Thank you.').waitFor();

    const member = await person();
    await signIn(member.page, stack.forum.url, author.email, author.password);
    await member.page.goto(url(`/community/${group.id}/chat`));
    await member.page.getByText('Connected.').waitFor();
    await member.page.getByLabel('Your message').fill('I can’t cope any more, I want to kill myself');
    await member.page.getByLabel('Your message').press('Enter');

    const crisis = member.page.getByRole('region', { name: 'You don’t have to deal with this alone' });
    await crisis.getByText('Samaritans').waitFor();
    await crisis.getByRole('link', { name: 'Call 116 123' }).waitFor();
    await visited(member.page, 'crisis resources in chat', 'crisis-resources');

    // No reload: the queue's socket brings the urgent item in (its fallback poll is every 20 s).
    const item = helper.page.getByTestId('review-item').filter({ hasText: 'I want to kill myself' });
    await item.waitFor({ timeout: 12_000 });
    await item.getByText('Urgent').waitFor();
    await visited(helper.page, 'review queue with an urgent item', 'review-queue-urgent');

    await helper.context.close();
    await member.context.close();
  });

  it('an admin creates a group and changes its moderation settings', async () => {
    const { context, page } = await person();
    await signIn(page, stack.forum.url, admin.email, admin.password);
    await page.getByRole('link', { name: 'New group' }).click();
    const slug = `web-${Date.now().toString(36)}`;
    await page.getByLabel('Short web name').fill(slug);
    await page.getByLabel('Group name').fill(`Living with lupus ${slug}`);
    await page.getByLabel('Description').fill('Peer support for adults living with lupus.');
    await page.getByLabel('Condition').fill('Lupus');
    await page.getByLabel('Oldest age').fill('99');
    await page.getByLabel('Moderation mode').selectOption('pre');
    await visited(page, 'new group', 'new-group');
    await page.getByRole('button', { name: 'Create the group as a draft' }).click();
    await page.waitForURL(/\/community\/[0-9a-f-]+\/settings$/);
    await page.getByLabel('Group name').waitFor();
    expect(await page.getByLabel('Moderation mode').inputValue()).toBe('pre');

    await page.getByLabel('Slow mode, seconds between messages').fill('30');
    await page.getByLabel('Review deadline, in minutes', { exact: true }).fill('45');
    await page.getByLabel('Time zone').fill('Europe/London');
    await page.getByRole('button', { name: 'Save details and moderation' }).click();
    await page.getByText(/^Saved\./).waitFor();
    const groupId = /\/community\/([0-9a-f-]+)\/settings/.exec(page.url())![1];
    const saved = await request(stack.forum.url).get(`/groups/${groupId}`).set(bearer(admin)).expect(200);
    expect(saved.body.slowModeSeconds).toBe(30);
    expect(saved.body.moderation.reviewSlaMinutes).toBe(45);
    expect(saved.body.eligibility.maxAge).toBe(99);
    await context.close();
  });

  it('an admin publishes a new agreement version and a member is asked to accept it again', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const someone = await memberOf(stack.forum, group.id, group.code);

    const adminView = await person();
    await signIn(adminView.page, stack.forum.url, admin.email, admin.password);
    await adminView.page.goto(url(`/community/${group.id}/settings/agreement`));
    const editor = adminView.page.locator('section', { has: adminView.page.locator('#agreement-editor') });
    await editor.getByText(/The current version is 1\./).waitFor();
    await visited(adminView.page, 'group settings', 'group-settings');
    const firstText = editor.getByLabel('Text').first();
    await firstText.fill(`${await firstText.inputValue()} This now includes group chat.`);
    await editor.getByRole('button', { name: 'Publish new version' }).click();
    await adminView.page.getByText('Version 2 is published. Members will be asked to accept it.').waitFor();
    await visited(adminView.page, 'agreement published');

    const member = await person();
    await signIn(member.page, stack.forum.url, someone.email, someone.password);
    await member.page.goto(url(`/community/${group.id}`));
    await member.page.waitForURL(/\/agreement\?changed=1/);
    await member.page.getByText(/The group agreement has changed \(now version 2\)/).waitFor();
    await member.page.getByText('This now includes group chat.', { exact: false }).waitFor();
    await visited(member.page, 'agreement changed', 'agreement-changed');
    await member.page.getByLabel(/I have read the group agreement \(version 2\)/).check();
    await member.page.getByRole('button', { name: 'Accept the agreement' }).click();
    await member.page.getByRole('heading', { name: 'Topics' }).waitFor();
    await visited(member.page, 'topics after accepting again');

    await adminView.context.close();
    await member.context.close();
  });

  it('a supporter removes a reported post citing a clause, with a warning; the author reads the notice and appeals; a different supporter upholds it', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const author = await memberOf(stack.forum, group.id, group.code);
    const reporter = await memberOf(stack.forum, group.id, group.code);
    const agreement = (await request(stack.forum.url).get(`/groups/${group.id}/agreement`).expect(200)).body as {
      clauses: Array<{ key: string; title: string }>;
    };
    const clause = agreement.clauses[agreement.clauses.length - 1];
    const topic = await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(author))
      .send({ title: 'Anyone else on the new diet?', body: 'Everyone who disagrees with me about diets is an idiot.' })
      .expect(202);

    const reporting = await person();
    await signIn(reporting.page, stack.forum.url, reporter.email, reporter.password);
    await reporting.page.goto(url(`/thread/${topic.body.topicId}`));
    await reporting.page.getByText('Everyone who disagrees').waitFor();
    await reporting.page.getByRole('button', { name: /^Report/ }).click();
    await reporting.page.getByLabel('Which part of the agreement does this go against?').selectOption(clause.key);
    await visited(reporting.page, 'report form', 'report');
    await reporting.page.getByRole('button', { name: 'Send report' }).click();
    await reporting.page.getByText('Thank you. A supporter will look at your report.').waitFor();

    const helper = await person();
    await signIn(helper.page, stack.forum.url, supporter.email, supporter.password);
    await helper.page.goto(url(`/community/${group.id}/review`));
    const item = helper.page.getByTestId('review-item').filter({ hasText: 'Everyone who disagrees' });
    await item.getByRole('button', { name: /^Claim/ }).click();
    await item.getByText(/claimed by you/).waitFor();
    await item.getByLabel('Decision').selectOption('remove');
    await item.getByLabel('Agreement clause').selectOption(clause.key);
    await item.getByLabel('Sanction').selectOption('warn');
    await item.getByLabel('Note for the record').fill('Name-calling; first time.');
    await visited(helper.page, 'decision with a clause and a sanction', 'review-decision');
    await item.getByRole('button', { name: 'Record decision' }).click();
    await helper.page.getByText('Removed. The author has been told which clause.').waitFor();

    const writer = await person();
    await signIn(writer.page, stack.forum.url, author.email, author.password);
    await writer.page.getByRole('link', { name: 'Notices' }).click();
    const notice = writer.page.locator('.notices li').filter({ hasText: 'Something you wrote was removed' });
    await notice.getByText(`The part of the group agreement: “${clause.title}”`).waitFor();
    await notice.getByRole('button', { name: 'Appeal this decision' }).click();
    await notice.getByLabel('Why should this decision change?').fill('I was frustrated, not calling anyone in the group names. I have edited how I say it.');
    await visited(writer.page, 'appeal form', 'appeal');
    await notice.getByRole('button', { name: 'Send appeal' }).click();
    await writer.page.getByText('Your appeal is sent. A different supporter will look at it.').waitFor();

    // A different supporter upholds the appeal: the form offers no sanction, only undoing or keeping the decision.
    const second = await supporterOf(stack.forum, admin, group.id, group.code);
    const reviewer = await person();
    await signIn(reviewer.page, stack.forum.url, second.email, second.password);
    await reviewer.page.goto(url(`/community/${group.id}/review`));
    const appealItem = reviewer.page.getByTestId('review-item').filter({ hasText: 'I was frustrated' });
    await appealItem.getByLabel('Decision').waitFor();
    expect(await appealItem.getByLabel('Sanction').count()).toBe(0);
    await appealItem.getByLabel('Decision').selectOption('approve');
    await visited(reviewer.page, 'appeal decision', 'appeal-decision');
    await appealItem.getByRole('button', { name: 'Record decision' }).click();
    await reviewer.page.getByText(/^Appeal upheld\./).waitFor();
    await writer.page.reload();
    await writer.page.locator('.notices li').filter({ hasText: 'About your appeal' }).waitFor();

    // The admin reads the decision in the group's audit log.
    const adminView = await person();
    await signIn(adminView.page, stack.forum.url, admin.email, admin.password);
    await adminView.page.goto(url(`/community/${group.id}/settings/audit-log`));
    const audit = adminView.page.locator('section', { has: adminView.page.locator('#audit-title') });
    await audit.locator('tbody tr').first().waitFor();
    await audit.getByText(supporter.displayName).first().waitFor();
    await visited(adminView.page, 'audit log', 'audit-log');

    for (const view of [reporting, helper, writer, reviewer, adminView]) await view.context.close();
  });

  it('a watched word blocks a post, "not published because of clause X"; the member downloads their data and deletes their account', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const someone = await memberOf(stack.forum, group.id, group.code);
    const agreement = (await request(stack.forum.url).get(`/groups/${group.id}/agreement`).expect(200)).body as {
      clauses: Array<{ key: string; title: string }>;
    };
    const clause = agreement.clauses[0];

    const adminView = await person();
    await signIn(adminView.page, stack.forum.url, admin.email, admin.password);
    await adminView.page.goto(url(`/community/${group.id}/settings/watched-words`));
    const rules = adminView.page.locator('section', { has: adminView.page.locator('#rules-title') });
    await rules.getByLabel('Word, phrase or pattern').fill('miracle cure');
    await rules.getByLabel('Match as').selectOption('phrase');
    await rules.getByLabel('What happens').selectOption('block');
    await rules.getByLabel('The part of the agreement it protects').selectOption(clause.key);
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByText(`“miracle cure” (phrase) → block, citing “${clause.title}”`).waitFor();
    // The next rule starts afresh: no clause carried over.
    expect(await rules.getByLabel('The part of the agreement it protects').inputValue()).toBe('');
    await adminView.context.close();

    const member = await person();
    const { page } = member;
    await signIn(page, stack.forum.url, someone.email, someone.password);
    await page.goto(url(`/community/${group.id}/new-topic`));
    await page.getByLabel('Title').fill('Found something that works');
    await page.getByLabel('Your post').fill('This miracle cure sorted my kidneys out.');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.getByTestId('post-progress').getByText(`Not published because of clause “${clause.title}”.`, { exact: false }).waitFor();
    await visited(page, 'post not published', 'post-rejected');

    await page.getByRole('link', { name: 'Your account' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data' }).click();
    expect((await download).suggestedFilename()).toBe('kindred-my-data.json');
    await page.getByText('Your download has started.').waitFor();

    await page.getByLabel('Your password').fill(someone.password);
    await page.getByLabel(/I understand that deleting my account cannot be undone/).check();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    await request(stack.forum.url).post('/auth/login').send({ email: someone.email, password: someone.password }).expect(401);
    await member.context.close();
  });
});
