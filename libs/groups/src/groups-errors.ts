/** The situations groups refuse with an API code shared by others (each is a 409 CONFLICT on the wire). */
export const GroupsConflict = {
  SLUG_TAKEN: 'SLUG_TAKEN',
  /** Appointing a supporter who is banned from the group. */
  SUPPORTER_BANNED: 'SUPPORTER_BANNED',
  ALREADY_MEMBER: 'ALREADY_MEMBER',
  APPLICATION_PENDING: 'APPLICATION_PENDING',
  APPLICATION_DECIDED: 'APPLICATION_DECIDED',
  /** The group's only supporter asked to leave it. */
  LAST_SUPPORTER: 'LAST_SUPPORTER',
} as const;
