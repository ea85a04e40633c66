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

/** What the forum channel says: ids only; the screen reads what it may see over HTTP. */
export interface ForumChange {
  groupId: string;
  topicId: string;
  postId: string;
  opening: boolean;
  status?: 'published' | 'held' | 'rejected' | 'removed';
}

export interface ForumHandlers {
  /** A post was published in the group (`opening`: a new topic). */
  onPost?: (change: ForumChange) => void;
  /** A supporter removed a post. */
  onRemoved?: (change: ForumChange) => void;
  /** One of the person's own posts changed status. */
  onMine?: (change: ForumChange) => void;
}

/**
 * Follows a group's forum over the chat connection while a screen is open: joins the group's forum
 * channel (again after every reconnect) and hands each change to the screen (pass effect events, so
 * each reads the screen as it is now).
 */
export function followForum(groupId: string, handlers: ForumHandlers): () => void {
  const s = chatSocket();
  if (!s) return () => undefined;
  const join = () => void emitWithAck('forum:join', { groupId });
  const inGroup = (fn: (c: ForumChange) => void) => (c: ForumChange) => {
    if (c.groupId === groupId) fn(c);
  };
  const onPost = inGroup((c) => handlers.onPost?.(c));
  const onRemoved = inGroup((c) => handlers.onRemoved?.(c));
  const onMine = inGroup((c) => handlers.onMine?.(c));
  s.on('connect', join);
  s.on('forum:post', onPost);
  s.on('forum:post-removed', onRemoved);
  s.on('forum:mine', onMine);
  if (s.connected) join();
  return () => {
    s.off('connect', join);
    s.off('forum:post', onPost);
    s.off('forum:post-removed', onRemoved);
    s.off('forum:mine', onMine);
    // Another screen of the same group may follow it still (a thread opened from its list): leaving is only a saving, so it is left to the socket's end.
  };
}
