import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { CSRF_COOKIE, csrfFor, SESSION_COOKIE } from '@kindred/identity';
import { bearer, newRegistration, registerAndLogin } from '../support/people';
import { RunningHttpApp, startChat, startForum } from '../support/stack';

/** The cookies a response sets, by name: the whole Set-Cookie line of each. */
function setCookies(response: request.Response): Map<string, string> {
  const lines = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return new Map(lines.map((line) => [line.split('=')[0]!, line]));
}

const valueOf = (line: string | undefined) => line?.split(';')[0]!.split('=').slice(1).join('=') ?? '';

/** A browser's cookie jar, as far as these tests need one: the values the forum set. */
async function signInWithCookies(forumUrl: string, overrides: Record<string, unknown> = {}) {
  const person = await registerAndLogin(forumUrl, overrides);
  const login = await request(forumUrl).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
  const cookies = setCookies(login);
  const session = valueOf(cookies.get(SESSION_COOKIE));
  const csrf = valueOf(cookies.get(CSRF_COOKIE));
  return { person, login, cookies, session, csrf, cookie: `${SESSION_COOKIE}=${session}; ${CSRF_COOKIE}=${csrf}` };
}

function connect(url: string, options: Parameters<typeof io>[1]): Promise<{ outcome: string; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...options });
    socket.on('connect', () => resolve({ outcome: 'connected', socket }));
    socket.on('connect_error', (error) => resolve({ outcome: error.message, socket }));
  });
}

describe('the web app’s session cookie', () => {
  let forum: RunningHttpApp;
  let chat: RunningHttpApp;

  beforeAll(async () => {
    [forum, chat] = await Promise.all([startForum(), startChat()]);
  });
  afterAll(async () => {
    await Promise.all([forum?.close(), chat?.close()]);
  });

  it('is set at sign-in: HttpOnly, SameSite=Strict, for the whole site, with a readable CSRF companion bound to the session', async () => {
    const { login, cookies, session, csrf } = await signInWithCookies(forum.url);
    const sessionLine = cookies.get(SESSION_COOKIE)!;
    expect(sessionLine).toMatch(/; HttpOnly/);
    expect(sessionLine).toMatch(/; SameSite=Strict/);
    expect(sessionLine).toMatch(/; Path=\//);
    // Until the browser closes: no Max-Age or Expires (the server's idle and absolute limits still apply).
    expect(sessionLine).not.toMatch(/Max-Age|Expires/i);
    // The tests serve plain http on loopback, the one place Secure is left off (session-cookie.ts).
    expect(sessionLine).not.toMatch(/Secure/);
    expect(session).toBe(login.body.token);
    const csrfLine = cookies.get(CSRF_COOKIE)!;
    expect(csrfLine).not.toMatch(/HttpOnly/);
    expect(csrfLine).toMatch(/; SameSite=Strict/);
    expect(csrf).toBe(csrfFor(session));
    expect(csrf).not.toContain(session);
  });

  it('marks both cookies Secure when Kindred is served at any address but plain-http loopback', async () => {
    const secure = await startForum({ PUBLIC_URL: 'https://kindred.example' });
    try {
      const person = await registerAndLogin(secure.url);
      const login = await request(secure.url).post('/auth/login').send({ email: person.email, password: person.password }).expect(200);
      for (const line of setCookies(login).values()) expect(line).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  });

  it('signs in a new tab: a request with only the cookie (no Authorization header) reads as the person', async () => {
    const { person, cookie } = await signInWithCookies(forum.url);
    const me = await request(forum.url).get('/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ id: person.id, displayName: person.displayName });
  });

  it('refuses 403 an unsafe request by cookie without the CSRF token, with a wrong one, or with a header but no cookie to match', async () => {
    const { cookie, csrf, session } = await signInWithCookies(forum.url);
    // A cross-site form or fetch: the browser sends the cookie, but the other site cannot read or send the token.
    const forged = await request(forum.url)
      .patch('/me')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .send({ displayName: 'Taken Over' })
      .expect(403);
    expect(forged.body.code).toBe('FORBIDDEN');
    expect(forged.body.detail).toMatch(/did not come from a Kindred page/);
    await request(forum.url).post('/auth/logout').set('Cookie', cookie).expect(403);
    await request(forum.url).patch('/me').set('Cookie', cookie).set('X-CSRF-Token', csrfFor('another session')).send({ displayName: 'Taken Over' }).expect(403);
    // The header alone is not enough either: it must equal the cookie the page could read.
    await request(forum.url)
      .patch('/me')
      .set('Cookie', `${SESSION_COOKIE}=${session}`)
      .set('X-CSRF-Token', csrf)
      .send({ displayName: 'Taken Over' })
      .expect(403);
    // Nothing changed, and the session still works.
    const me = await request(forum.url).get('/me').set('Cookie', cookie).expect(200);
    expect(me.body.displayName).not.toBe('Taken Over');
  });

  it('accepts an unsafe request by cookie with the page’s CSRF token', async () => {
    const { cookie, csrf } = await signInWithCookies(forum.url);
    const name = newRegistration().displayName as string;
    const renamed = await request(forum.url).patch('/me').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ displayName: name }).expect(200);
    expect(renamed.body.displayName).toBe(name);
  });

  it('leaves bearer clients as they were: the token alone works, with no CSRF token and whatever cookie comes along', async () => {
    const person = await registerAndLogin(forum.url);
    const other = await signInWithCookies(forum.url);
    const name = newRegistration().displayName as string;
    await request(forum.url).patch('/me').set(bearer(person)).send({ displayName: name }).expect(200);
    // The Bearer header decides alone: another person's cookie on the same request changes nothing.
    const me = await request(forum.url).get('/me').set(bearer(person)).set('Cookie', other.cookie).expect(200);
    expect(me.body.id).toBe(person.id);
    await request(forum.url).post('/auth/logout').set(bearer(person)).expect(204);
    await request(forum.url).get('/me').set(bearer(person)).expect(401);
  });

  it('logout by cookie ends the session and clears both cookies; a stale cookie is cleared on its next use', async () => {
    const { cookie, csrf } = await signInWithCookies(forum.url);
    const out = await request(forum.url).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    const cleared = setCookies(out);
    for (const name of [SESSION_COOKIE, CSRF_COOKIE]) {
      expect(cleared.get(name)).toMatch(new RegExp(`^${name}=;`));
      expect(cleared.get(name)).toMatch(/Max-Age=0/);
    }
    const stale = await request(forum.url).get('/me').set('Cookie', cookie).expect(401);
    expect(setCookies(stale).get(SESSION_COOKIE)).toMatch(/Max-Age=0/);
  });

  it('opens a chat socket from an allowed page by the cookie, but never from another site or without an Origin', async () => {
    const { cookie } = await signInWithCookies(forum.url);
    const page = await connect(chat.url, { extraHeaders: { Cookie: cookie, Origin: 'http://localhost:3000' } });
    expect(page.outcome).toBe('connected');
    page.socket.close();
    const evil = await connect(chat.url, { extraHeaders: { Cookie: cookie, Origin: 'https://evil.example' } });
    expect(evil.outcome).not.toBe('connected');
    evil.socket.close();
    const noOrigin = await connect(chat.url, { extraHeaders: { Cookie: cookie } });
    expect(noOrigin.outcome).toBe('UNAUTHENTICATED');
    noOrigin.socket.close();
  });
});
