/** A published chat message as every member of the room sees it (API.md, `chat:message`). */
export interface ChatMessageView {
  id: string;
  groupId: string;
  author: { id: string | null; displayName: string };
  body: string;
  createdAt: string;
  clientMsgId: string | null;
}

export interface SendInput {
  groupId: string;
  body: string;
  clientMsgId: string;
}

export interface SendAccepted {
  id: string;
  status: 'screening';
}

export const FORMER_MEMBER = 'Former member';

/** The most a reconnecting client gets back in one catch-up, and the size of a fresh join's history. */
export const CATCH_UP_LIMIT = 500;
export const JOIN_HISTORY_SIZE = 50;
