/** A published chat message as every member of the room sees it (API.md, `chat:message`). */
export interface ChatMessageView {
  id: string;
  groupId: string;
  author: { id: string | null; displayName: string };
  body: string;
  createdAt: string;
  clientMsgId: string | null;
  /**
   * Only on the author's own messages the room has not seen, in the author's own history:
   * `screening` (being checked, or waiting for an earlier one), `held` (a supporter will read it),
   * `rejected` (not sent). Published messages carry no status.
   */
  status?: OwnMessageStatus;
}

export type OwnMessageStatus = 'screening' | 'held' | 'rejected';

/** How many of the author's own unsent messages a history brings back with it. */
export const OWN_UNPUBLISHED_LIMIT = 20;

export interface SendInput {
  groupId: string;
  body: string;
  clientMsgId: string;
}

export interface SendAccepted {
  id: string;
  status: 'screening';
}

/** The most a reconnecting client gets back in one catch-up, and the size of a fresh join's history. */
export const CATCH_UP_LIMIT = 500;
export const JOIN_HISTORY_SIZE = 50;
