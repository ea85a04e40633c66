import request from 'supertest';
import { Person } from '../support/people';
import { createAdmin } from '../support/groups';
import { newPerson, signIn, visited } from './support/browser';
import { groupWith, memberOf } from './support/community';
import { startWebStack, WebStack } from './support/web-stack';

/** Exactly the ports and public address a deployment might choose: nothing about them is built into the web app. */
const ENV = { FORUM_PORT: '4300', CHAT_PORT: '4301', WORKER_PORT: '4302', PUBLIC_URL: 'http://localhost:4300' };

describe(`the web app started with ${Object.entries(ENV)
  .map(([k, v]) => `${k}=${v}`)
  .join(' ')}`, () => {
  let stack: WebStack;
  let admin: Person;

  beforeAll(async () => {
    stack = await startWebStack(ENV);
    admin = await createAdmin(stack.forum);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is told at run time where chat is, and chats through port 4301', async () => {
    const config = await request('http://localhost:4300').get('/app-config.json').expect(200);
    expect(config.body).toEqual({ chatUrl: 'http://localhost:4301', publicUrl: 'http://localhost:4300', features: [] });

    const group = await groupWith(stack.forum, admin, { mode: 'post' });
    const ann = await memberOf(stack.forum, group.id, group.code);
    const bea = await memberOf(stack.forum, group.id, group.code);
    const a = await newPerson(stack.browser);
    const b = await newPerson(stack.browser);
    const sockets: string[] = [];
    a.page.on('websocket', (socket) => sockets.push(socket.url()));
    await signIn(a.page, ENV.PUBLIC_URL, ann.email, ann.password);
    await signIn(b.page, ENV.PUBLIC_URL, bea.email, bea.password);

    await a.page.goto(`${ENV.PUBLIC_URL}/community/${group.id}`);
    await a.page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Chat' }).click();
    await b.page.goto(`${ENV.PUBLIC_URL}/community/${group.id}/chat`);
    await a.page.getByText('Connected.').waitFor();
    await b.page.getByText('Connected.').waitFor();
    await visited(a.page, 'chat on port 4301');

    await a.page.getByLabel('Your message').fill('Hello from port 4300');
    await a.page.getByLabel('Your message').press('Enter');
    await b.page.locator('.chat-log').getByText('Hello from port 4300').waitFor();
    await a.page.locator('.chat-line[data-state="published"]').getByText('Hello from port 4300').waitFor();

    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((socket) => socket.startsWith('ws://localhost:4301/socket.io/'))).toBe(true);
    await a.context.close();
    await b.context.close();
  });
});
