import { randomUUID } from 'node:crypto';
import { Locator, Page } from 'playwright-core';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { screened } from '../support/community';
import { createAdmin } from '../support/groups';
import { bearer, Person } from '../support/people';
import { freePort } from '../support/processes';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf, supporterOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

const PHONE = { width: 390, height: 844 };
const CRISIS = 'I can’t cope any more, I want to kill myself';

/**
 * Kindred follows the conversation: a reply appears on an open thread without a reload, marked new;
 * the chat log moves with new messages while the reader is at its end and offers to catch up when
 * they are not; the sender's own held message keeps its status through a reload. Each at desktop
 * and phone sizes, every state checked with axe.
 */
describe('live threads and chat in the web app', () => {
  let stack: WebStack;
  let admin: Person;
  const sockets: Socket[] = [];
  const url = (path: string) => `${stack.forum.url}${path}`;

  beforeAll(async () => {
    const [forumPort, chatPort] = [await freePort(), await freePort()];
    // A burst from one person is the point of the chat journey: the per-person limit is raised for it.
    stack = await startWebStack({
      FORUM_PORT: String(forumPort),
      CHAT_PORT: String(chatPort),
      WORKER_PORT: '0',
      PUBLIC_URL: `http://127.0.0.1:${forumPort}`,
      CHAT_MESSAGES_PER_WINDOW: '100',
    });
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.close();
  });

  /** Another member chatting from outside the browser, over the same socket API the web app uses. */
  async function chatter(person: Person, groupId: string): Promise<(body: string) => Promise<void>> {
    const socket = io(stack.chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const joined = await socket.timeout(5000).emitWithAck('chat:join', { groupId });
    if (!joined.ok) throw new Error(`could not join: ${JSON.stringify(joined)}`);
    return async (body: string) => {
      const ack = await socket.timeout(5000).emitWithAck('chat:send', { groupId, body, clientMsgId: randomUUID() });
      if (!ack.ok) throw new Error(`not sent: ${JSON.stringify(ack)}`);
    };
  }

  /** How far the chat log is from its end, in pixels. */
  const fromEnd = (log: Locator) => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

  async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function openThread(page: Page, groupId: string, title: string) {
    await page.goto(url(`/community/${groupId}`));
    const topic = page.locator('.topics li').filter({ hasText: title });
    // Never opened: marked new in the list, in words as well as the badge.
    await topic.getByText('New', { exact: true }).waitFor();
    await topic.getByRole('link', { name: `${title} (new since your last visit)` }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  it('a reply appears live on an open thread, behind a "new reply" bar, marked new, at desktop and phone sizes', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const [author, reader, phoneReader] = await Promise.all([
      memberOf(stack.forum, group.id, group.code),
      memberOf(stack.forum, group.id, group.code),
      memberOf(stack.forum, group.id, group.code),
    ]);
    const title = 'Fluid allowance in hot weather';
    const opening = await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(author))
      .send({ title, body: 'How do you all manage the fluid limit when it is this hot?' })
      .expect(202);
    await screened(stack.forum, author, opening.body.id);

    const desktop = await newPerson(stack.browser);
    const phone = await newPerson(stack.browser, PHONE);
    await signIn(desktop.page, stack.forum.url, reader.email, reader.password);
    await signIn(phone.page, stack.forum.url, phoneReader.email, phoneReader.password);
    await openThread(desktop.page, group.id, title);
    await visited(desktop.page, 'topic list and thread, before the reply');
    await openThread(phone.page, group.id, title);

    // The author replies from elsewhere; neither reader reloads.
    const replyText = 'Ice cubes from my allowance, and sucking on frozen grapes.';
    const reply = await request(stack.forum.url).post(`/topics/${opening.body.topicId}/posts`).set(bearer(author)).send({ body: replyText }).expect(202);
    await screened(stack.forum, author, reply.body.id);
    for (const { page } of [desktop, phone]) {
      const bar = page.getByRole('status').filter({ hasText: 'There is a new reply.' });
      await bar.waitFor();
      // The page did not move: the reply waits until the reader asks for it.
      expect(await page.getByText(replyText).count()).toBe(0);
      await visited(page, page === phone.page ? 'thread with a new reply waiting, on a phone' : 'thread with a new reply waiting');
      await bar.getByRole('button', { name: 'Show it' }).click();
      const shown = page.getByRole('article').filter({ hasText: replyText });
      await shown.getByText('New', { exact: true }).waitFor();
      // The reader's place moves to the new reply.
      await waitUntil('the new reply has the focus', async () => (await shown.evaluate((el) => el === el.ownerDocument.activeElement)) === true);
      // The opening post was there before (a first visit marks nothing): not new.
      expect(await page.getByRole('article').filter({ hasText: 'How do you all manage' }).getByText('New', { exact: true }).count()).toBe(0);
    }
    await visited(desktop.page, 'thread with a new reply shown', 'thread-new-reply');
    await visited(phone.page, 'thread with a new reply shown, on a phone', 'thread-new-reply-phone');

    // Back in the list, the topic is read.
    await desktop.page.getByRole('link', { name: 'Back to topics' }).click();
    const listed = desktop.page.locator('.topics li').filter({ hasText: title });
    await listed.getByRole('link', { name: title, exact: true }).waitFor();
    expect(await listed.getByText('New', { exact: true }).count()).toBe(0);

    // Another reply while the reader is on the list: the list follows, the topic is new again, and inside only that reply is marked.
    const later = 'Frozen grapes are a lifesaver, thank you!';
    const second = await request(stack.forum.url).post(`/topics/${opening.body.topicId}/posts`).set(bearer(author)).send({ body: later }).expect(202);
    await screened(stack.forum, author, second.body.id);
    await listed.getByText('New', { exact: true }).waitFor();
    await visited(desktop.page, 'topic list with a topic new since the last visit', 'topics-unread');
    await listed.getByRole('link', { name: `${title} (new since your last visit)` }).click();
    await desktop.page.getByRole('article').filter({ hasText: later }).getByText('New', { exact: true }).waitFor();
    expect(await desktop.page.getByRole('article').filter({ hasText: replyText }).getByText('New', { exact: true }).count()).toBe(0);
    await desktop.context.close();
    await phone.context.close();
  });

  it('chat follows the conversation, offers to catch up when scrolled back, and keeps a held message through a reload', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const [member, other] = await Promise.all([memberOf(stack.forum, group.id, group.code), memberOf(stack.forum, group.id, group.code)]);
    const phone = await newPerson(stack.browser, PHONE);
    const desktop = await newPerson(stack.browser);
    await signIn(phone.page, stack.forum.url, member.email, member.password);
    await signIn(desktop.page, stack.forum.url, other.email, other.password);
    await phone.page.goto(url(`/community/${group.id}/chat`));
    await desktop.page.goto(url(`/community/${group.id}/chat`));
    await phone.page.getByText('Connected.').waitFor();
    await desktop.page.getByText('Connected.').waitFor();
    // An empty room says so.
    await phone.page.getByText('No messages yet.', { exact: false }).waitFor();
    await visited(phone.page, 'empty chat room, on a phone');

    // A burst from the other member: the reader at the end of the log stays at the end.
    const say = await chatter(other, group.id);
    for (let i = 1; i <= 15; i += 1) await say(`Burst message ${i} about the new clinic hours`);
    for (const { page } of [phone, desktop]) {
      const log = page.locator('.chat-log');
      await log.getByText('Burst message 15 about the new clinic hours').waitFor();
      await waitUntil('the log follows the burst', async () => (await fromEnd(log)) < 48);
      expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    }
    await visited(desktop.page, 'chat after a burst');

    // Scrolled back to read: new messages are counted, not scrolled to.
    const log = phone.page.locator('.chat-log');
    await log.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    for (let i = 1; i <= 3; i += 1) await say(`Later message ${i}`);
    const catchUp = phone.page.getByRole('button', { name: /^3 new messages/ });
    await catchUp.waitFor();
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
    await visited(phone.page, 'chat with new messages below, on a phone', 'chat-new-messages-phone');
    await catchUp.click();
    await waitUntil('the log is at its end', async () => (await fromEnd(log)) < 48);
    await catchUp.waitFor({ state: 'detached' });

    // The member's own message is held: they see it with its status and the crisis contacts; the other member never sees it.
    await phone.page.getByLabel('Your message').fill(CRISIS);
    await phone.page.getByLabel('Your message').press('Enter');
    const mine = phone.page.locator('.chat-line').filter({ hasText: CRISIS });
    await mine.getByText('Held: only you can see this until a supporter has read it.').waitFor();
    const crisis = phone.page.getByRole('region', { name: 'You don’t have to deal with this alone' });
    await crisis.getByRole('link', { name: 'Call 116 123' }).waitFor();

    // After a reload it is still there, held, with the crisis contacts.
    await phone.page.reload();
    await phone.page.getByText('Connected.').waitFor();
    await phone.page.locator('.chat-line[data-state="held"]').filter({ hasText: CRISIS }).getByText('Held: only you can see this', { exact: false }).waitFor();
    await crisis.getByRole('link', { name: 'Call 116 123' }).waitFor();
    // The log opens at its end, where the held message is.
    await waitUntil('the reloaded log opens at its end', async () => (await fromEnd(log)) < 48);
    await visited(phone.page, 'held chat message after a reload, on a phone', 'chat-held-after-reload-phone');

    await say('Is anyone else going on Thursday?');
    await desktop.page.locator('.chat-log').getByText('Is anyone else going on Thursday?').waitFor();
    expect(await desktop.page.getByText(CRISIS).count()).toBe(0);
    await desktop.page.reload();
    await desktop.page.locator('.chat-log').getByText('Is anyone else going on Thursday?').waitFor();
    expect(await desktop.page.getByText(CRISIS).count()).toBe(0);
    await visited(desktop.page, 'chat after a reload, for another member');
    await phone.context.close();
    await desktop.context.close();
  });

  it('a supporter mutes a member from the thread and opens their history in the group, at desktop and phone sizes', async () => {
    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const supporter = await supporterOf(stack.forum, admin, group.id, group.code);
    const member = await memberOf(stack.forum, group.id, group.code);
    const title = 'Arguing about transplant lists';
    const opening = await request(stack.forum.url)
      .post(`/groups/${group.id}/topics`)
      .set(bearer(member))
      .send({ title, body: 'Anyone who jumps the list should be ashamed of themselves.' })
      .expect(202);
    await screened(stack.forum, member, opening.body.id);

    const desk = await newPerson(stack.browser);
    await signIn(desk.page, stack.forum.url, supporter.email, supporter.password);
    await desk.page.goto(url(`/thread/${opening.body.topicId}`));
    await desk.page.getByRole('heading', { level: 1, name: title }).waitFor();
    const post = desk.page.getByRole('article').filter({ hasText: 'Anyone who jumps the list' });
    await post.getByRole('button', { name: `Supporter tools for this post by ${member.displayName}` }).click();
    const tools = post.getByRole('group', { name: `Supporter tools for this post by ${member.displayName}` });
    // Nothing is chosen for the supporter.
    expect(await tools.getByLabel('Part of the agreement the mute is for').inputValue()).toBe('');
    await visited(desk.page, 'supporter tools on a thread', 'thread-supporter-tools');
    // A mute names its clause: without one, the supporter is told at the field's form.
    await tools.getByRole('button', { name: `Mute ${member.displayName}` }).click();
    await tools.getByText('Please choose the part of the agreement the mute is for.').waitFor();
    await tools.getByLabel('Mute for how many hours').fill('2');
    await tools.getByLabel('Part of the agreement the mute is for').selectOption('respect');
    await tools.getByRole('button', { name: `Mute ${member.displayName}` }).click();
    await tools.getByRole('status').getByText(`${member.displayName} is muted until`, { exact: false }).waitFor();
    await visited(desk.page, 'a member muted from the thread');

    // The member, on a phone, is told next to the message box in chat.
    const phoneMember = await newPerson(stack.browser, PHONE);
    await signIn(phoneMember.page, stack.forum.url, member.email, member.password);
    await phoneMember.page.goto(url(`/community/${group.id}/chat`));
    await phoneMember.page.locator('.chat-form').getByText('You are muted in this group until', { exact: false }).waitFor();
    await visited(phoneMember.page, 'chat while muted, on a phone', 'chat-muted-phone');

    await tools.getByRole('link', { name: `See ${member.displayName}’s history in this group` }).click();
    await desk.page.getByRole('heading', { level: 1, name: `${member.displayName}’s history in this group` }).waitFor();
    const sanctions = desk.page.getByRole('region', { name: 'Removals and sanctions' });
    await sanctions.getByText('Mute', { exact: true }).waitFor();
    await desk.page.getByRole('main').getByText('A member of this group. Muted until', { exact: false }).waitFor();
    await visited(desk.page, 'member history', 'member-history');

    // On a phone, the supporter finds the member on the members page, among those muted now, and opens the same history.
    const phone = await newPerson(stack.browser, PHONE);
    await signIn(phone.page, stack.forum.url, supporter.email, supporter.password);
    await phone.page.goto(url(`/community/${group.id}`));
    await phone.page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Members' }).click();
    await phone.page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    const search = phone.page.getByRole('search', { name: 'Find members' });
    await search.getByLabel('Standing').selectOption('muted');
    await search.getByLabel('Name').fill(member.displayName.slice(2, 10).toUpperCase());
    await search.getByRole('button', { name: 'Find' }).click();
    await phone.page.locator('.members li').first().waitFor();
    expect(await phone.page.locator('.members li').allTextContents()).toEqual([expect.stringContaining(member.displayName)]);
    await visited(phone.page, 'members page on a phone', 'members-phone');
    await phone.page.getByRole('link', { name: member.displayName, exact: true }).click();
    await phone.page.getByRole('region', { name: 'Removals and sanctions' }).getByText('Mute', { exact: true }).waitFor();
    await visited(phone.page, 'member history on a phone', 'member-history-phone');

    // A member cannot see it.
    await phoneMember.page.goto(url(`/community/${group.id}/members/${member.id}`));
    await phoneMember.page.getByText('this member’s history', { exact: false }).waitFor();
    expect(await phoneMember.page.getByRole('region', { name: 'Removals and sanctions' }).count()).toBe(0);
    for (const { context } of [desk, phone, phoneMember]) await context.close();
  });
});
