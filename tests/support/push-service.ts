import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// http_ece is the Encrypted Content-Encoding (RFC 8188) implementation web-push itself uses.
const ece = require('http_ece') as { decrypt(buffer: Buffer, params: Record<string, unknown>): Buffer };

/** One push as the browser would read it: decrypted with the subscription's own keys. */
export interface ReceivedPush {
  subscriptionId: string;
  payload: { id: string; kind: string; title: string; body: string; url: string } & Record<string, unknown>;
  /** The decrypted text, exactly as it arrived. */
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A subscription as a browser makes one: a P-256 key pair and a 16-byte auth secret (RFC 8291), and the push service's endpoint. */
export interface StubSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * A push service on a free port, standing where a browser vendor's would: it receives each
 * encrypted web push (aes128gcm, VAPID-signed), decrypts it with the keys of the subscription it
 * was sent to, keeps it, and answers 201. `hold()` makes it keep requests waiting (no answer) until
 * `release()`; a request whose sender went away before the answer is not counted as delivered.
 */
export class PushService {
  readonly received: ReceivedPush[] = [];
  /** Requests that arrived but whose connection closed before they were answered. */
  aborted = 0;
  private readonly keys = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  private readonly taken = new Set<ReceivedPush>();
  private readonly waiters = new Set<() => void>();
  private held: Array<() => void> | null = null;
  /** Requests waiting on hold now. */
  holding = 0;
  gone = new Set<string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<PushService> {
    const holder: { service?: PushService } = {};
    // A sender killed mid-request (the crash tests do that) resets its connection: a real push
    // service drops that request, and so does this one, instead of failing the test run with ECONNRESET.
    const server = createServer((request, response) => void holder.service!.handle(request, response).catch(() => response.destroy()));
    const service = new PushService(server);
    holder.service = service;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new browser subscription at this push service. */
  subscription(): StubSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.keys.set(id, { ecdh, auth });
    return { id, endpoint: `${this.url}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  }

  pushesTo(subscriptionId: string): ReceivedPush[] {
    return this.received.filter((p) => p.subscriptionId === subscriptionId);
  }

  /** The next push to the subscription not returned by an earlier wait. */
  async waitFor(subscriptionId: string, timeoutMs = 15_000, match: (p: ReceivedPush) => boolean = () => true): Promise<ReceivedPush> {
    const find = () => this.pushesTo(subscriptionId).find((p) => !this.taken.has(p) && match(p));
    const found = await new Promise<ReceivedPush | undefined>((resolve) => {
      const check = () => {
        const push = find();
        if (!push) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(push);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
    if (!found) throw new Error(`no push to ${subscriptionId} within ${timeoutMs} ms`);
    this.taken.add(found);
    return found;
  }

  /** Resolves once `test` holds, checking on every push (or at once). */
  async until(test: () => boolean, timeoutMs = 30_000): Promise<void> {
    if (test()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`push service condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const id = /^\/push\/([0-9a-f-]+)$/.exec(request.url ?? '')?.[1];
    const keys = id ? this.keys.get(id) : undefined;
    if (!id || !keys || this.gone.has(id)) {
      response.writeHead(410).end();
      return;
    }
    if (request.method !== 'POST' || request.headers['content-encoding'] !== 'aes128gcm' || !/^vapid t=.+, k=.+$/.test(String(request.headers.authorization))) {
      response.writeHead(400).end();
      return;
    }
    const text = ece
      .decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth.toString('base64url') })
      .toString('utf8');
    if (this.held) {
      this.holding += 1;
      this.wake();
      const closed = await new Promise<boolean>((resolve) => {
        this.held!.push(() => resolve(false));
        response.once('close', () => resolve(true));
      });
      this.holding -= 1;
      this.wake();
      if (closed || response.destroyed) {
        this.aborted += 1;
        return;
      }
    }
    response.writeHead(201).end();
    this.received.push({ subscriptionId: id, payload: JSON.parse(text) as ReceivedPush['payload'], text, headers: request.headers });
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
