import { io, type Socket } from 'socket.io-client';
import { csrfToken } from './api';
import { appConfig } from './app-config';

let socket: Socket | null = null;
let socketToken: string | null = null;

/**
 * One shared connection per signed-in session; a new session gets a new connection. The socket
 * authenticates with the session cookie (sent with the handshake, the page's origin checked by the
 * chat service); the CSRF value only tells sessions apart here.
 */
export function chatSocket(): Socket | null {
  const token = csrfToken();
  // The chat service's address comes from the forum at start (app-config.json); without it there is no chat.
  const url = appConfig()?.chatUrl;
  if (!token || !url) {
    closeChatSocket();
    return null;
  }
  if (socket && socketToken === token) return socket;
  closeChatSocket();
  socketToken = token;
  socket = io(url, { withCredentials: true, transports: ['websocket', 'polling'], reconnectionDelayMax: 10_000 });
  return socket;
}

export function closeChatSocket(): void {
  socket?.disconnect();
  socket = null;
  socketToken = null;
}

export interface Ack {
  ok: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

/** Emits with an ack, and gives up after a while so the screen can say so. */
export function emitWithAck(event: string, payload: unknown, timeoutMs = 8000): Promise<Ack> {
  const s = chatSocket();
  if (!s) return Promise.resolve({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Please sign in.' } });
  return new Promise((resolve) => {
    s.timeout(timeoutMs).emit(event, payload, (err: Error | null, ack: Ack) => {
      if (err) resolve({ ok: false, error: { code: 'TIMEOUT', message: 'The chat service did not answer. Please try again.' } });
      else resolve(ack ?? { ok: false, error: { code: 'UNKNOWN', message: 'No answer from chat.' } });
    });
  });
}
