import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';
import { pagesCsp, securityHeaders } from './security-headers';

/** What a route behind the real plugin answers with, minus the headers fastify adds itself. */
async function headersFromPlugin(options: FastifyHelmetOptions): Promise<Record<string, unknown>> {
  const app = Fastify();
  await app.register(fastifyHelmet, options);
  app.get('/', () => ({ ok: true }));
  const response = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  const headers: Record<string, unknown> = { ...response.headers };
  for (const own of ['content-type', 'content-length', 'date', 'connection', 'keep-alive']) delete headers[own];
  return headers;
}

const PAGES_CSP = pagesCsp('http://localhost:4301');

describe('securityHeaders', () => {
  it.each([
    ['the API', {}],
    ['pages', { contentSecurityPolicy: PAGES_CSP }],
  ])('are exactly what @fastify/helmet sends for %s', async (_what, options: FastifyHelmetOptions) => {
    const precomputed = await securityHeaders(options);
    expect(precomputed).toEqual(await headersFromPlugin(options));
    expect(precomputed['x-content-type-options']).toBe('nosniff');
    expect(precomputed['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('loosens the Content-Security-Policy only for pages', async () => {
    expect((await securityHeaders({}))['content-security-policy']).toContain("script-src 'self';");
    expect((await securityHeaders({ contentSecurityPolicy: PAGES_CSP }))['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('lets pages connect to their own origin and the chat service only', async () => {
    const csp = (await securityHeaders({ contentSecurityPolicy: PAGES_CSP }))['content-security-policy'];
    expect(csp).toContain("connect-src 'self' http://localhost:4301 ws://localhost:4301");
    const secure = (await securityHeaders({ contentSecurityPolicy: pagesCsp('https://chat.kindred.example') }))['content-security-policy'];
    expect(secure).toContain("connect-src 'self' https://chat.kindred.example wss://chat.kindred.example");
  });

  it('refuses per-request nonces, which cannot be precomputed', async () => {
    await expect(securityHeaders({ enableCSPNonces: true })).rejects.toThrow(/nonces/);
  });
});
