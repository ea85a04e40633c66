import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { Person } from '../support/people';
import { createGroup, joinedMember, referralCode } from '../support/community';
import { ENTRY, freePort, ServiceProcess } from '../support/processes';
import { adminOf, ProcessStack, startProcessStack } from './stack';

type Message = { id: string; clientMsgId: string };

/**
 * Two chat services as separate real processes on different ports, sharing rooms through Redis.
 * One is killed outright; its clients move to the other and catch up from PostgreSQL.
 */
describe('chat across two real processes', () => {
  let stack: ProcessStack;
  let chatA: ServiceProcess;
  let chatB: ServiceProcess;
  let groupId: string;
  let code: string;
  const sockets: Socket[] = [];

  async function startChat(): Promise<ServiceProcess> {
    const port = await freePort();
    const chat = new ServiceProcess(ENTRY.chat, { ...stack.env, CHAT_PORT: String(port) }, port).start();
    await chat.healthy();
    return chat;
  }

  function connect(person: Person, url: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  async function joinedSocket(person: Person, url: string): Promise<{ socket: Socket; seen: Message[] }> {
    const socket = await connect(person, url);
    const seen: Message[] = [];
    socket.on('chat:message', (m: Message) => seen.push(m));
    const ack = await socket.timeout(5000).emitWithAck('chat:join', { groupId });
    expect(ack.ok).toBe(true);
    return { socket, seen };
  }

  async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    stack = await startProcessStack();
    [chatA, chatB] = await Promise.all([startChat(), startChat()]);
    const admin = await adminOf(stack);
    groupId = await createGroup(stack.forum, admin, { mode: 'post' });
    code = await referralCode(stack.forum, admin, groupId);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([stack?.stop(), chatA?.kill(), chatB?.kill()]);
  });

  it('delivers to a member on A what a member on B sent, and catches a client up on B after A dies', async () => {
    const [reader, writer] = await Promise.all([joinedMember(stack.forum, groupId, code), joinedMember(stack.forum, groupId, code)]);
    const onA = await joinedSocket(reader, chatA.url);
    const onB = await joinedSocket(writer, chatB.url);
    const send = async (body: string): Promise<string> =>
      (await onB.socket.timeout(5000).emitWithAck('chat:send', { groupId, body, clientMsgId: randomUUID() })).id;

    const before = [await send('one'), await send('two')];
    await until(() => before.every((id) => onA.seen.some((m) => m.id === id)));
    expect(onA.seen.filter((m) => before.includes(m.id))).toHaveLength(2);
    const lastSeen = onA.seen[onA.seen.length - 1]!.id;

    await chatA.kill('SIGKILL');
    const whileAway = [await send('three'), await send('four'), await send('five')];
    await until(() => whileAway.every((id) => onB.seen.some((m) => m.id === id)));

    const moved = await joinedSocket(reader, chatB.url);
    const ack = await moved.socket.timeout(5000).emitWithAck('chat:join', { groupId, after: lastSeen });
    const delivered = onB.seen.map((m) => m.id).filter((id) => whileAway.includes(id));
    expect((ack.history as Message[]).map((m) => m.id)).toEqual(delivered);
  });

  it('delivers a message sent while the worker was down once a worker is back', async () => {
    const [reader, writer] = await Promise.all([joinedMember(stack.forum, groupId, code), joinedMember(stack.forum, groupId, code)]);
    const readerSide = await joinedSocket(reader, chatB.url);
    const writerSide = await joinedSocket(writer, chatB.url);
    await stack.worker.kill('SIGKILL');
    const ack = await writerSide.socket.timeout(5000).emitWithAck('chat:send', { groupId, body: 'Is anyone around tonight?', clientMsgId: randomUUID() });
    expect(ack).toMatchObject({ ok: true, status: 'screening' });
    await new Promise((r) => setTimeout(r, 500));
    expect(readerSide.seen.map((m) => m.id)).not.toContain(ack.id);
    stack.worker = await stack.newWorker();
    await until(() => readerSide.seen.some((m) => m.id === ack.id), 30_000);
  });
});
