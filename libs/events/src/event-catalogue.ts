/**
 * Every event that crosses a process boundary, with its payload. Payloads carry ids and the
 * minimum a subscriber needs; none carries a password or token.
 */
export interface EventCatalogue {
  /**
   * Sessions ended (logout, ending one from the sessions list, erasure): open sockets must close.
   * `sessionIds` absent = all of the user's. `reason` says why, for the socket's last word to its client.
   */
  'session.revoked': { userId: string; sessionIds?: string[]; reason?: 'ended' | 'erased' };
  /** A person confirmed or turned off their second factor: staff get review alerts only with one. */
  'second-factor.changed': { userId: string; enrolled: boolean };
  /** A person changed a profile setting others see live (whether they are shown as online in chat). */
  'profile.changed': { userId: string };
  /** Someone came into or left a group's chat room: every chat instance sends the room the new "online now" list. */
  'presence.changed': { groupId: string };
  /** A user's standing in a group changed (approval, agreement, mute, ban, supporter role). */
  'membership.changed': { userId: string; groupId: string };
  /** A group published a new agreement version: everyone who has not accepted it stops taking part until they do. */
  'agreement.published': { groupId: string; version: number };
  /** A notice was written for one user. */
  'notice.created': { userId: string; notice: Record<string, unknown> };
  /** A notification was written (or a batched one grew) for one user: chat sends `notification` to their sockets. */
  'notification.created': { userId: string; notification: Record<string, unknown> };
  /** Screening finished for a chat message. */
  'message.screened': {
    id: string;
    groupId: string;
    authorId: string;
    clientMsgId: string | null;
    status: 'published' | 'held' | 'rejected';
    message?: Record<string, unknown>;
    reasons?: Array<{ source: string; detail: string; clauseKey?: string }>;
    rejection?: { clauseKey: string | null; message: string };
  };
  /** A group's watched-word rules changed: compiled matchers must be rebuilt. */
  'rules.changed': { groupId: string };
  /**
   * A forum post changed in a way others (or its author) should see at once: screening or a
   * supporter published it, held or refused it, or a supporter removed it. Ids only: each reader
   * fetches what they may see over HTTP, where every rule is checked.
   */
  'forum.changed': {
    groupId: string;
    topicId: string;
    postId: string;
    authorId: string | null;
    /** Whether the post opens its topic (a new topic in the list). */
    opening: boolean;
    status: 'published' | 'held' | 'rejected' | 'removed';
  };
  /** A moderator removed a chat message. */
  'message.removed': { id: string; groupId: string };
  /** The review queue of a group changed. */
  'review.changed': {
    groupId: string;
    kind: 'review:new' | 'review:updated' | 'review:overdue';
    item: Record<string, unknown>;
    audience: 'supporters' | 'admins';
  };
}

export type EventName = keyof EventCatalogue;

export interface EventEnvelope<K extends EventName = EventName> {
  name: K;
  payload: EventCatalogue[K];
  at: string;
}
