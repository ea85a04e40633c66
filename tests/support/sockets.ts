import { io, Socket } from 'socket.io-client';

/** What the chat service answers a socket event with. */
export type Ack = { ok: boolean; error?: { code: string; message: string; [k: string]: unknown }; [k: string]: any };

/** Opens signed-in sockets to the chat service, like the web app does, and closes them all at the end. */
export class SocketClients {
  private readonly sockets: Socket[] = [];

  connect(url: string, person: { token: string }): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = io(url, { auth: { token: person.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
      this.sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.close();
  }
}

export function emit(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<Ack> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload);
}

/** Resolves with the first `event` matching `match`, or rejects after `timeoutMs`. */
export function next<T = any>(socket: Socket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Collects every `event` the socket receives from now on. */
export function record<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Polls `condition` until it holds; a positive signal, so the wait may be long on a loaded machine. */
export async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
