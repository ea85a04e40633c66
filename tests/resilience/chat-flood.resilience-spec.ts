import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { Person } from '../support/people';
import { createGroup, joinedMember, referralCode } from '../support/community';
import { ENTRY, freePort, ServiceProcess } from '../support/processes';
import { adminOf, ProcessStack, startProcessStack } from './stack';

type Message = { id: string };

/**
 * One member floods the room with 300 messages in a minute. The flood is throttled, and the
 * others' messages still arrive about as fast as they did before it started.
 */
describe('a chat flood', () => {
  let stack: ProcessStack;
  let chat: ServiceProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A window roomy enough for an ordinary talker (a message every quarter second), far too small for 300.
    stack = await startProcessStack({ CHAT_MESSAGES_PER_WINDOW: '30', CHAT_RATE_WINDOW_SECONDS: '5' });
    const port = await freePort();
    chat = new ServiceProcess(ENTRY.chat, { ...stack.env, CHAT_PORT: String(port) }, port).start();
    await chat.healthy();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([stack?.stop(), chat?.kill()]);
  });

  async function joined(person: Person, groupId: string): Promise<{ socket: Socket; arrivals: Map<string, number> }> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = io(chat.url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
    const arrivals = new Map<string, number>();
    socket.on('chat:message', (m: Message) => arrivals.set(m.id, performance.now()));
    expect(await socket.timeout(5000).emitWithAck('chat:join', { groupId })).toMatchObject({ ok: true });
    return { socket, arrivals };
  }

  /** Sends `count` messages one after another and returns each one's send→deliver time at the reader. */
  async function latencies(sender: Socket, reader: Map<string, number>, groupId: string, count: number): Promise<number[]> {
    const result: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const ack = await sender.timeout(5000).emitWithAck('chat:send', { groupId, body: `How is everyone doing, ${i}?`, clientMsgId: randomUUID() });
      if (!ack.ok) throw new Error(`message ${i} refused: ${JSON.stringify(ack.error)}`);
      const deadline = Date.now() + 10_000;
      while (!reader.has(ack.id)) {
        if (Date.now() > deadline) throw new Error('a message was not delivered within 10 s');
        await new Promise((r) => setTimeout(r, 2));
      }
      result.push(reader.get(ack.id)! - started);
      await new Promise((r) => setTimeout(r, 250));
    }
    return result;
  }

  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1]!;

  it('throttles the flooder and keeps other members’ p95 latency within 2× of normal', async () => {
    const admin = await adminOf(stack);
    const groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    const code = await referralCode(stack.forum, admin, groupId);
    const [flooder, talker, reader] = await Promise.all([0, 1, 2].map(() => joinedMember(stack.forum, groupId, code)));
    const flood = await joined(flooder!, groupId);
    const talk = await joined(talker!, groupId);
    const read = await joined(reader!, groupId);

    const normal = await latencies(talk.socket, read.arrivals, groupId, 20);

    // 300 messages spread over a minute would take the whole test; the same 300 in 15 s is a harsher flood.
    const acks: Array<Promise<{ ok: boolean; error?: { code: string } }>> = [];
    const flooding = (async () => {
      for (let i = 0; i < 300; i += 1) {
        acks.push(flood.socket.timeout(10_000).emitWithAck('chat:send', { groupId, body: `spam ${i}`, clientMsgId: randomUUID() }));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const underFlood = await latencies(talk.socket, read.arrivals, groupId, 20);
    await flooding;
    const results = await Promise.all(acks);

    const refused = results.filter((a) => !a.ok && a.error?.code === 'RATE_LIMITED').length;
    const accepted = results.filter((a) => a.ok).length;
    expect(refused + accepted).toBe(300);
    // 30 per 5 s lets through at most four windows' worth of the 15 s flood.
    expect(accepted).toBeLessThanOrEqual(120);
    expect(refused).toBeGreaterThanOrEqual(180);
    // Within 2× of normal; small absolute numbers get 25 ms of slack for timer noise.
    expect(p95(underFlood)).toBeLessThanOrEqual(Math.max(2 * p95(normal), p95(normal) + 25));
  });
});
