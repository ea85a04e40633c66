/** The situations moderation refuses with an API code shared by others (each is a 409 CONFLICT on the wire). */
export const ModerationConflict = {
  /** A decision or claim on an item someone has already decided. */
  ITEM_DECIDED: 'ITEM_DECIDED',
  /** Another moderator's claim on the item is still running. */
  ITEM_CLAIMED: 'ITEM_CLAIMED',
  /** The notice is not about a decision that can be appealed. */
  NOT_APPEALABLE: 'NOT_APPEALABLE',
  /** What the notice was about no longer exists. */
  SUBJECT_GONE: 'SUBJECT_GONE',
  ALREADY_APPEALED: 'ALREADY_APPEALED',
  ALREADY_REPORTED: 'ALREADY_REPORTED',
} as const;
