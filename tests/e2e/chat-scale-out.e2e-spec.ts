import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { Person } from '../support/people';
import { createAdmin, createGroup, joinedMember, referralCode } from '../support/community';
import { RunningHttpApp, startChat, startForum, startWorker } from '../support/stack';
import type { WorkerApp } from '../../apps/moderation-worker/src/worker-app';

type Ack = { ok: boolean; error?: { code: string }; [k: string]: any };
type Message = { id: string; body: string; clientMsgId: string };

/** Two chat instances on different ports, sharing rooms through the Redis adapter. */
describe('chat across two instances', () => {
  let forum: RunningHttpApp;
  let chatA: RunningHttpApp;
  let chatB: RunningHttpApp;
  let worker: WorkerApp;
  let groupId: string;
  let code: string;
  const sockets: Socket[] = [];

  function connect(person: Person, url: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  const emit = (socket: Socket, event: string, payload: unknown): Promise<Ack> => socket.timeout(5000).emitWithAck(event, payload);

  function record(socket: Socket): Message[] {
    const seen: Message[] = [];
    socket.on('chat:message', (m: Message) => seen.push(m));
    return seen;
  }

  async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    [forum, chatA, chatB, worker] = await Promise.all([startForum(), startChat(), startChat(), startWorker()]);
    expect(chatA.url).not.toBe(chatB.url);
    const admin = await createAdmin(forum);
    groupId = await createGroup(forum, admin, { mode: 'post' });
    code = await referralCode(forum, admin, groupId);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([forum?.close(), chatA?.close(), chatB?.close(), worker?.close()]);
  });

  it('delivers a message sent on B to a member on A, exactly once each', async () => {
    const [onA, onB] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const [socketA, socketB] = await Promise.all([connect(onA, chatA.url), connect(onB, chatB.url)]);
    expect(await emit(socketA, 'chat:join', { groupId })).toMatchObject({ ok: true });
    expect(await emit(socketB, 'chat:join', { groupId })).toMatchObject({ ok: true });
    const seenOnA = record(socketA);
    const seenOnB = record(socketB);
    const ack = await emit(socketB, 'chat:send', { groupId, body: 'Hello from the other instance', clientMsgId: randomUUID() });
    expect(ack).toMatchObject({ ok: true, status: 'screening' });
    await until(() => seenOnA.some((m) => m.id === ack.id) && seenOnB.some((m) => m.id === ack.id));
    await new Promise((r) => setTimeout(r, 300));
    expect(seenOnA.filter((m) => m.id === ack.id)).toHaveLength(1);
    expect(seenOnB.filter((m) => m.id === ack.id)).toHaveLength(1);

    // Typing goes through the adapter too.
    const typing = new Promise((resolve) => socketA.once('chat:typing', resolve));
    expect(await emit(socketB, 'chat:typing', { groupId })).toEqual({ ok: true });
    expect(await typing).toMatchObject({ groupId, user: { id: onB.id } });
  });

  it('lets a client cut off from A catch up on B with chat:join { after }: no gaps, no duplicates', async () => {
    const [reader, writer] = await Promise.all([joinedMember(forum, groupId, code), joinedMember(forum, groupId, code)]);
    const writerSocket = await connect(writer, chatB.url);
    await emit(writerSocket, 'chat:join', { groupId });
    const writerSaw = record(writerSocket);
    const readerOnA = await connect(reader, chatA.url);
    await emit(readerOnA, 'chat:join', { groupId });
    const seenBefore = record(readerOnA);

    const sendAll = async (bodies: string[]): Promise<string[]> => {
      const ids: string[] = [];
      for (const body of bodies) ids.push((await emit(writerSocket, 'chat:send', { groupId, body, clientMsgId: randomUUID() })).id);
      return ids;
    };
    const before = await sendAll(['one', 'two', 'three']);
    await until(() => before.every((id) => seenBefore.some((m) => m.id === id)));
    const lastSeen = seenBefore[seenBefore.length - 1]!.id;

    readerOnA.disconnect();
    const whileAway = await sendAll(['four', 'five', 'six', 'seven']);
    // Wait until every one of them is published, as a member still connected sees it.
    await until(() => whileAway.every((id) => writerSaw.some((m) => m.id === id)));

    const readerOnB = await connect(reader, chatB.url);
    const caughtUp = await emit(readerOnB, 'chat:join', { groupId, after: lastSeen });
    expect(caughtUp.ok).toBe(true);
    const ids = (caughtUp.history as Message[]).map((m) => m.id);
    // Exactly what was published while away, in the order the room received it.
    const deliveredOrder = writerSaw.map((m) => m.id).filter((id) => whileAway.includes(id));
    expect(ids).toEqual(deliveredOrder);
    expect([...ids].sort()).toEqual([...whileAway].sort());
    expect(new Set([...seenBefore.map((m) => m.id), ...ids]).size).toBe(seenBefore.length + ids.length);

    // And it keeps receiving live messages on B.
    const live = record(readerOnB);
    const [after] = await sendAll(['eight']);
    await until(() => live.some((m) => m.id === after));
  });
});
