import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

/**
 * The Content-Security-Policy for services that serve pages needing inline styles (the API docs,
 * the web app). Pages may connect to their own origin and to the chat service at `chatUrl`, over
 * HTTP (socket.io's polling) and WebSocket, and nowhere else.
 */
export function pagesCsp(chatUrl: string): FastifyHelmetOptions['contentSecurityPolicy'] {
  const chat = new URL(chatUrl);
  const socket = `${chat.protocol === 'https:' ? 'wss:' : 'ws:'}//${chat.host}`;
  return {
    directives: {
      defaultSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      connectSrc: ["'self'", chat.origin, socket],
    },
  };
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
