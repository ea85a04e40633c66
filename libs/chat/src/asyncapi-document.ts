import { CLIENT_EVENTS, ERROR_ACK, NAMED_SCHEMAS, SERVER_EVENTS } from './socket-events';

/**
 * The AsyncAPI 3 document of the chat service, built from the event catalogue (socket-events.ts)
 * alone, so docs/asyncapi.yaml cannot say anything the typed gateway does not do.
 */

/** `chat:join` from a client → `clientChatJoin`: component keys may not hold a colon, and `chat:typing` goes both ways. */
const key = (from: 'client' | 'server', event: string) => `${from}:${event}`.replace(/[:.-](\w)/g, (_, c: string) => c.toUpperCase());

function add(into: Record<string, unknown>, name: string, value: unknown): void {
  if (name in into) throw new Error(`Two socket events would both be documented as ${name}`);
  into[name] = value;
}

/** Replaces every named schema (by identity) with a $ref to components/schemas, except where it is defined. */
function withRefs(value: unknown, names: Map<object, string>, top = true): unknown {
  if (!top && value !== null && typeof value === 'object' && names.has(value)) return { $ref: `#/components/schemas/${names.get(value)}` };
  if (Array.isArray(value)) return value.map((v) => withRefs(v, names, false));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v, names, false)]));
}

export function asyncApiDocument(): Record<string, unknown> {
  const names = new Map<object, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  const channel = { $ref: '#/channels/chat' };
  const messageRef = (name: string) => ({ $ref: `#/channels/chat/messages/${name}` });
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const [event, spec] of Object.entries(CLIENT_EVENTS)) {
    const name = key('client', event);
    add(messages, name, { name: event, title: event, summary: spec.summary, payload: spec.payload });
    add(messages, `${name}Ack`, {
      name: `${event} ack`,
      title: `${event} ack`,
      summary: `The ack of ${event}: \`{ ok: true, … }\`, or \`{ ok: false, error }\`.`,
      payload: { oneOf: [spec.ack, ERROR_ACK] },
    });
    add(operations, name, {
      action: 'receive',
      channel,
      summary: spec.summary,
      messages: [messageRef(name)],
      reply: { channel, messages: [messageRef(`${name}Ack`)] },
    });
  }
  for (const [event, spec] of Object.entries(SERVER_EVENTS)) {
    const name = key('server', event);
    add(messages, name, { name: event, title: event, summary: spec.summary, description: `To: ${spec.to}`, payload: spec.payload });
    add(operations, name, { action: 'send', channel, summary: `${spec.summary} To: ${spec.to}`, messages: [messageRef(name)] });
  }

  const channelMessages = Object.fromEntries(Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }]));
  return withRefs(
    {
      asyncapi: '3.0.0',
      info: {
        title: 'Kindred chat',
        version: '1',
        description:
          'The chat service’s socket.io events. Connect with `io(url, { auth: { token } })` (the token from `POST /auth/login`); a bad or revoked token fails the connection with `connect_error` and `message === "UNAUTHENTICATED"`. Every client event takes an ack callback. Generated from libs/chat/src/socket-events.ts by `npm run openapi`.',
      },
      defaultContentType: 'application/json',
      servers: {
        local: {
          host: 'localhost:3001',
          protocol: 'ws',
          pathname: '/socket.io',
          description: 'The chat service with its default port (CHAT_PORT), speaking socket.io 4.',
          security: [{ $ref: '#/components/securitySchemes/sessionToken' }],
        },
      },
      channels: {
        chat: {
          address: '/',
          title: 'The default socket.io namespace',
          description: 'One connection per client; group rooms are joined with `chat:join`.',
          messages: channelMessages,
        },
      },
      operations,
      components: {
        schemas: Object.fromEntries([...names].map(([schema, name]) => [name, withRefs(schema, names)])),
        messages,
        securitySchemes: {
          sessionToken: { type: 'http', scheme: 'bearer', description: 'The session token from `POST /auth/login`, sent in the handshake as `auth.token`.' },
        },
      },
    },
    names,
    true,
  ) as Record<string, unknown>;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** YAML for plain JSON data (objects, arrays, strings, numbers, booleans, null), two-space indented. */
export function toYaml(value: unknown, indent = ''): string {
  const isEmpty = (v: unknown) => v !== null && typeof v === 'object' && Object.keys(v).length === 0;
  const inline = (v: unknown) => v === null || typeof v !== 'object' || isEmpty(v);
  const render = (v: unknown) => (Array.isArray(v) ? '[]' : isEmpty(v) ? '{}' : scalar(v));
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (inline(item)) return `${indent}- ${render(item)}\n`;
        const nested = toYaml(item, `${indent}  `);
        return `${indent}- ${nested.slice(indent.length + 2)}`;
      })
      .join('');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => (inline(v) ? `${indent}${scalar(k)}: ${render(v)}\n` : `${indent}${scalar(k)}:\n${toYaml(v, `${indent}  `)}`))
    .join('');
}

/** The document as docs/asyncapi.yaml holds it. */
export function asyncApiYaml(): string {
  return `# Generated from libs/chat/src/socket-events.ts by \`npm run openapi\`: do not edit by hand.\n${toYaml(asyncApiDocument())}`;
}
