import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail as a person would read it. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string | undefined;
  /** Every header as it arrived, by lower-case name (the last of repeated ones). */
  headers: Record<string, string>;
}

export interface WaitOptions {
  /** Only a mail whose subject matches. */
  subject?: RegExp;
  timeoutMs?: number;
}

/**
 * A real SMTP server on a free port that keeps every mail it is given, parsed with mailparser.
 * `waitFor` resolves as soon as a mail to the address arrives (or has arrived), each mail once.
 */
export class Mailbox {
  readonly received: ReceivedMail[] = [];
  private readonly taken = new Set<ReceivedMail>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: SMTPServer) {}

  static async start(): Promise<Mailbox> {
    // The server needs its handler before the mailbox that receives can exist.
    const holder: { box?: Mailbox } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onClose(session) {
        holder.box?.closed(session.id);
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (parsed) => {
            // Held: accepted only when released; a client that goes away first has sent nothing.
            if (!(await holder.box!.waitWhileHeld(session.id))) return callback(new Error('client went away'));
            const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
            holder.box!.deliver({
              to: recipients,
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId,
              headers: Object.fromEntries(parsed.headerLines.map((h) => [h.key.toLowerCase(), h.line.slice(h.line.indexOf(':') + 1).trim()])),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    // A sender killed mid-session (the crash tests do that) resets its connection; smtp-server
    // re-emits that on the server, and with no listener it would fail the test run with ECONNRESET.
    server.on('error', () => undefined);
    const box = new Mailbox(server);
    holder.box = box;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return box;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** Every mail to the address so far. */
  mailsTo(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  /** The next mail to the address not returned by an earlier wait: resolves when it arrives, fails after the timeout. */
  async waitFor(address: string, options: WaitOptions = {}): Promise<ReceivedMail> {
    const { subject, timeoutMs = 15_000 } = options;
    const find = () => this.mailsTo(address).find((mail) => !this.taken.has(mail) && (!subject || subject.test(mail.subject)));
    const found = await new Promise<ReceivedMail | undefined>((resolve) => {
      const check = () => {
        const mail = find();
        if (!mail) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(mail);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
    if (!found) throw new Error(`no mail to ${address}${subject ? ` with a subject like ${subject}` : ''} within ${timeoutMs} ms`);
    this.taken.add(found);
    return found;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private held: Array<() => void> | null = null;
  private readonly closedSessions = new Map<string, () => void>();
  /** Mails waiting, unanswered, while held. */
  holding = 0;
  /** Mails whose sender went away while they were held. */
  aborted = 0;

  /** From now on the server answers no mail (they wait, unaccepted) until release(). */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = null;
    for (const go of waiting) go();
  }

  /** True to accept the mail (not held, or released); false when its connection closed first. */
  async waitWhileHeld(sessionId: string): Promise<boolean> {
    if (!this.held) return true;
    this.holding += 1;
    this.wake();
    const accepted = await new Promise<boolean>((resolve) => {
      this.held!.push(() => resolve(true));
      this.closedSessions.set(sessionId, () => resolve(false));
    });
    this.closedSessions.delete(sessionId);
    this.holding -= 1;
    if (!accepted) this.aborted += 1;
    this.wake();
    return accepted;
  }

  closed(sessionId: string): void {
    this.closedSessions.get(sessionId)?.();
  }

  /** Resolves once `test` holds, checked on every change (or at once). */
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
        reject(new Error(`mailbox condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private deliver(mail: ReceivedMail): void {
    this.received.push(mail);
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The link in a mail that starts with `<base>/<page>?token=`, and its token. */
export function linkIn(mail: ReceivedMail, page: 'verify-email' | 'reset-password'): { url: string; token: string } {
  const match = new RegExp(`https?://\\S+/${page}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in the mail "${mail.subject}"`);
  return { url: match[0], token: decodeURIComponent(match[1]!) };
}

let shared: Promise<Mailbox> | undefined;

/**
 * This test file's mailbox, which every service it starts sends to: the setup file starts it
 * before the file's own hooks and puts its address in KINDRED_TEST_SMTP_URL (see testEnv).
 */
export function testMailbox(): Promise<Mailbox> {
  shared ??= Mailbox.start();
  return shared;
}

export async function closeTestMailbox(): Promise<void> {
  const box = shared;
  shared = undefined;
  if (box) await (await box).close();
}
