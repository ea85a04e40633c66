import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The web app's session travels in a cookie, so it survives a new tab and a reload, and script on
 * the page can never read it: `kindred_session` is HttpOnly, SameSite=Strict, Path=/, Secure, and
 * lives until the browser closes (its server-side idle and absolute limits still apply). API
 * clients keep sending `Authorization: Bearer`; a request with a Bearer header is judged by it alone.
 *
 * A cookie is sent by the browser whatever page asks, so a request authenticated by it must also
 * prove it comes from Kindred's own page: for every unsafe method it carries `X-CSRF-Token` equal to
 * the `kindred_csrf` cookie (readable by the page, SameSite=Strict too). Another site can neither
 * read that cookie nor set the header on a cross-site request (the API sends no CORS headers), so a
 * forged form or fetch is refused 403. The CSRF value is a hash of the session token, so it is bound
 * to the session, needs no storage, and tells nothing about the token.
 *
 * `Secure` is left off only when Kindred itself is served over plain http on a loopback address
 * (a developer's machine, the browser tests on 127.0.0.1), where there is no TLS to require and some
 * browsers drop Secure cookies set over http; every other address gets Secure.
 */
export const SESSION_COOKIE = 'kindred_session';
export const CSRF_COOKIE = 'kindred_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

/** The cookies a request carries, by name (first value wins). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

/** The session token from the session cookie, when it has the shape of one. */
export function cookieToken(header: string | string[] | undefined): string | undefined {
  const value = parseCookies(header).get(SESSION_COOKIE);
  return value && /^[A-Za-z0-9_-]{20,200}$/.test(value) ? value : undefined;
}

/** The CSRF value that goes with a session token. */
export function csrfFor(token: string): string {
  return createHash('sha256').update(`kindred-csrf:${token}`).digest('base64url');
}

/** Whether a request authenticated by the cookie proves it comes from Kindred's page (header = cookie = the session's value). */
export function csrfMatches(token: string, header: string | string[] | undefined, cookies: string | string[] | undefined): boolean {
  const expected = Buffer.from(csrfFor(token));
  const sent = typeof header === 'string' ? Buffer.from(header) : null;
  const cookie = parseCookies(cookies).get(CSRF_COOKIE);
  if (!sent || !cookie || sent.length !== expected.length || cookie !== header) return false;
  return timingSafeEqual(sent, expected);
}

/** Whether cookies set for `publicUrl` may be marked Secure (everywhere but plain http on loopback). */
export function secureCookies(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  return !(url.protocol === 'http:' && loopback);
}

function cookie(name: string, value: string, options: { httpOnly: boolean; secure: boolean; clear?: boolean }): string {
  return [
    `${name}=${options.clear ? '' : value}`,
    'Path=/',
    'SameSite=Strict',
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
    ...(options.clear ? ['Max-Age=0'] : []),
  ].join('; ');
}

/** `Set-Cookie` values that start a web session. */
export function sessionCookies(token: string, secure: boolean): string[] {
  return [cookie(SESSION_COOKIE, token, { httpOnly: true, secure }), cookie(CSRF_COOKIE, csrfFor(token), { httpOnly: false, secure })];
}

/** `Set-Cookie` values that end it. */
export function clearedSessionCookies(secure: boolean): string[] {
  return [cookie(SESSION_COOKIE, '', { httpOnly: true, secure, clear: true }), cookie(CSRF_COOKIE, '', { httpOnly: false, secure, clear: true })];
}
