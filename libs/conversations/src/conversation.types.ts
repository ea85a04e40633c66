/**
 * `check-in`: a supporter opens it with a member from a review item; the group's supporters and
 * admins read it too, and the member can reply or decline. `mentoring`: a mentor and a mentee, and
 * nobody else. `supervision`: one per group, for its supporters, admins and approved mentors.
 */
export type ConversationKind = 'check-in' | 'mentoring' | 'supervision';
export type ConversationStatus = 'open' | 'closed' | 'declined';
export type ParticipantRole = 'member' | 'supporter' | 'mentor' | 'mentee' | 'staff';
export type ConversationMessageStatus = 'screening' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';

export interface ConversationParticipantView {
  id: string;
  displayName: string;
  role: ParticipantRole;
}

export interface ConversationView {
  id: string;
  groupId: string;
  kind: ConversationKind;
  status: ConversationStatus;
  participants: ConversationParticipantView[];
  createdAt: Date;
  closedAt: Date | null;
  /** Whether the caller may write in it now. */
  canWrite: boolean;
  /** Whether the caller may decline it (the member of an open check-in). */
  canDecline: boolean;
}

/** A message as a reader sees it: published ones, and the caller's own in any state. */
export interface ConversationMessageView {
  id: string;
  conversationId: string;
  author: { id: string | null; displayName: string };
  body: string;
  status: ConversationMessageStatus;
  createdAt: Date;
  clientMsgId: string | null;
  /** Crisis contacts shown to the author of words that raised an urgent review. */
  signposting: unknown[] | null;
}

export interface SendConversationMessage {
  body: string;
  clientMsgId: string;
}
