import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';
import type { KindredConfig } from '@kindred/config';

/** What the CSP and HSTS depend on. */
export type SecurityHeaderConfig = Pick<KindredConfig, 'chat' | 'ports' | 'http'>;

/**
 * The origins a Kindred page may open the chat socket to (socket.io: HTTP long-polling and
 * WebSocket): the chat service's public URL, the one the web app is told (CHAT_PUBLIC_URL, by
 * default PUBLIC_URL's host on CHAT_PORT), over http(s) and ws(s).
 */
export function chatOrigins(config: Pick<KindredConfig, 'chat'>): string[] {
  const chat = new URL(config.chat.publicUrl);
  return [chat.origin, `${chat.protocol === 'https:' ? 'wss:' : 'ws:'}//${chat.host}`];
}

/**
 * HSTS and `upgrade-insecure-requests` only when browsers reach Kindred over HTTPS: sent over plain
 * HTTP they make a browser rewrite every asset to https:// and show a blank page.
 */
function transport(config: SecurityHeaderConfig): Pick<FastifyHelmetOptions, 'strictTransportSecurity'> & { upgradeInsecureRequests: [] | null } {
  return config.http.httpsOnly
    ? { strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: true }, upgradeInsecureRequests: [] }
    : { strictTransportSecurity: false, upgradeInsecureRequests: null };
}

/**
 * Helmet's options for a service: helmet's defaults, and for services that serve pages (the web
 * app, the API docs) a policy with no inline or remote script and connections only to this origin
 * and the chat service. Inline styles stay allowed (React's style attributes, Swagger UI).
 */
export function helmetOptions(config: SecurityHeaderConfig, servesPages: boolean): FastifyHelmetOptions {
  const { strictTransportSecurity, upgradeInsecureRequests } = transport(config);
  const directives: Record<string, string[] | null> = { upgradeInsecureRequests };
  if (servesPages) {
    Object.assign(directives, {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      // data: for images drawn in the page, such as the QR code that sets up two-step sign-in.
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", ...chatOrigins(config)],
    });
  }
  return { strictTransportSecurity, contentSecurityPolicy: { directives } };
}

/**
 * The security headers @fastify/helmet sets for these options, worked out once at boot by asking
 * the plugin itself. The plugin builds a new helmet middleware for every request, although without
 * CSP nonces the headers are the same every time; a request now only copies this object.
 */
export async function securityHeaders(options: FastifyHelmetOptions = {}): Promise<Readonly<Record<string, string>>> {
  if (options.enableCSPNonces) throw new Error('CSP nonces differ per request: they cannot be precomputed');
  const probe = Fastify();
  try {
    await probe.register(fastifyHelmet, options);
    // helmet writes its headers onto the raw response before the handler runs; fastify's own come later.
    probe.get('/', (_request, reply) => reply.send(reply.raw.getHeaders()));
    const response = await probe.inject({ method: 'GET', url: '/' });
    const headers = response.json<Record<string, unknown>>();
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') throw new Error(`helmet header ${name} is not a single string`);
      out[name] = value;
    }
    return Object.freeze(out);
  } finally {
    await probe.close();
  }
}
