import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';
import { chatOrigins, helmetOptions, SecurityHeaderConfig, securityHeaders } from './security-headers';

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

const CONFIG: SecurityHeaderConfig = {
  chat: { publicUrl: 'http://localhost:3001', allowedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'] } as SecurityHeaderConfig['chat'],
  ports: { forum: 3000, chat: 3001, worker: 3002 },
  http: { bodyLimitBytes: 1024, trustProxy: false, httpsOnly: false },
};
const HTTPS: SecurityHeaderConfig = { ...CONFIG, http: { ...CONFIG.http, httpsOnly: true } };

/** The CSP's directives by name. */
function directives(csp: string | undefined): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('securityHeaders', () => {
  it.each([
    ['the API', helmetOptions(CONFIG, false)],
    ['pages', helmetOptions(CONFIG, true)],
    ['pages over HTTPS', helmetOptions(HTTPS, true)],
  ])('are exactly what @fastify/helmet sends for %s', async (_what, options: FastifyHelmetOptions) => {
    const precomputed = await securityHeaders(options);
    expect(precomputed).toEqual(await headersFromPlugin(options));
    expect(precomputed['x-content-type-options']).toBe('nosniff');
  });

  it('allows no inline script on pages, and connections only to this origin and the chat service', async () => {
    const csp = directives((await securityHeaders(helmetOptions(CONFIG, true)))['content-security-policy']);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('script-src-attr')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", ...chatOrigins(CONFIG)]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
  });

  it('lets pages show images from data: URLs (the two-step sign-in QR code) but from no other origin', async () => {
    const csp = directives((await securityHeaders(helmetOptions(CONFIG, true)))['content-security-policy']);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('sends HSTS and upgrade-insecure-requests only when served over HTTPS', async () => {
    for (const servesPages of [false, true]) {
      const plain = await securityHeaders(helmetOptions(CONFIG, servesPages));
      expect(plain['strict-transport-security']).toBeUndefined();
      expect(directives(plain['content-security-policy']).has('upgrade-insecure-requests')).toBe(false);
      const https = await securityHeaders(helmetOptions(HTTPS, servesPages));
      expect(https['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(directives(https['content-security-policy']).has('upgrade-insecure-requests')).toBe(true);
    }
  });

  it('refuses per-request nonces, which cannot be precomputed', async () => {
    await expect(securityHeaders({ enableCSPNonces: true })).rejects.toThrow(/nonces/);
  });
});

describe('chatOrigins', () => {
  it('is the chat address the web app is told, over http and ws', () => {
    expect(chatOrigins(CONFIG)).toEqual(['http://localhost:3001', 'ws://localhost:3001']);
  });

  it('is wss for a chat service behind HTTPS', () => {
    expect(chatOrigins({ chat: { ...CONFIG.chat, publicUrl: 'https://chat.kindred.example' } })).toEqual([
      'https://chat.kindred.example',
      'wss://chat.kindred.example',
    ]);
  });
});
