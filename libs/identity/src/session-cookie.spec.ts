import {
  clearedSessionCookies,
  cookieToken,
  CSRF_COOKIE,
  csrfFor,
  csrfMatches,
  isUnsafeMethod,
  secureCookies,
  SESSION_COOKIE,
  sessionCookies,
} from './session-cookie';

const TOKEN = 'a'.repeat(43);

describe('the session cookie', () => {
  it('reads the session token only from its own cookie, and only in the shape of a token', () => {
    expect(cookieToken(`other=1; ${SESSION_COOKIE}=${TOKEN}; ${CSRF_COOKIE}=x`)).toBe(TOKEN);
    expect(cookieToken(`${SESSION_COOKIE}=short`)).toBeUndefined();
    expect(cookieToken(`${SESSION_COOKIE}=${TOKEN};drop table`)).toBe(TOKEN);
    expect(cookieToken(`x${SESSION_COOKIE}=${TOKEN}`)).toBeUndefined();
    expect(cookieToken(undefined)).toBeUndefined();
  });

  it('wants the CSRF header to equal both the readable cookie and the session’s own value', () => {
    const csrf = csrfFor(TOKEN);
    expect(csrfMatches(TOKEN, csrf, `${CSRF_COOKIE}=${csrf}`)).toBe(true);
    expect(csrfMatches(TOKEN, undefined, `${CSRF_COOKIE}=${csrf}`)).toBe(false);
    expect(csrfMatches(TOKEN, csrf, undefined)).toBe(false);
    expect(csrfMatches(TOKEN, csrfFor('b'.repeat(43)), `${CSRF_COOKIE}=${csrfFor('b'.repeat(43))}`)).toBe(false);
    expect(csrfMatches(TOKEN, [csrf, csrf], `${CSRF_COOKIE}=${csrf}`)).toBe(false);
  });

  it('counts every method but GET, HEAD and OPTIONS as unsafe', () => {
    expect(['GET', 'head', 'OPTIONS'].map(isUnsafeMethod)).toEqual([false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isUnsafeMethod)).toEqual([true, true, true, true]);
  });

  it('is Secure everywhere but plain http on loopback', () => {
    expect(secureCookies('https://kindred.example')).toBe(true);
    expect(secureCookies('http://kindred.example')).toBe(true);
    expect(secureCookies('https://localhost:3000')).toBe(true);
    expect(secureCookies('http://localhost:3000')).toBe(false);
    expect(secureCookies('http://127.0.0.1:3000')).toBe(false);
  });

  it('sets an HttpOnly session cookie and a readable CSRF cookie, both SameSite=Strict, and clears both', () => {
    const [session, csrf] = sessionCookies(TOKEN, true);
    expect(session).toBe(`${SESSION_COOKIE}=${TOKEN}; Path=/; SameSite=Strict; HttpOnly; Secure`);
    expect(csrf).toBe(`${CSRF_COOKIE}=${csrfFor(TOKEN)}; Path=/; SameSite=Strict; Secure`);
    expect(clearedSessionCookies(false)).toEqual([
      `${SESSION_COOKIE}=; Path=/; SameSite=Strict; HttpOnly; Max-Age=0`,
      `${CSRF_COOKIE}=; Path=/; SameSite=Strict; Max-Age=0`,
    ]);
  });
});
