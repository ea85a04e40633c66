/** The situations the forum refuses with an API code shared by others (each is a 409 CONFLICT on the wire). */
export const ForumConflict = {
  /** Replying to a topic that is not published. */
  TOPIC_CLOSED: 'TOPIC_CLOSED',
  /** Reacting to a post others cannot see. */
  POST_NOT_IN_SIGHT: 'POST_NOT_IN_SIGHT',
  /** Editing a post that was deleted, removed or rejected. */
  POST_FINAL: 'POST_FINAL',
  /** Pinning a topic others cannot see (held, removed, still being checked). */
  TOPIC_NOT_PUBLISHED: 'TOPIC_NOT_PUBLISHED',
} as const;
