import { DomainError } from '@kindred/http';

/** A sanction in force on someone in a group. */
export type Sanction = { kind: 'mute'; until: Date } | { kind: 'ban' };

/** 403 MUTED with `until`: a muted member still reads, but nothing they do reaches the others. */
export function mutedError(until: Date): DomainError {
  return new DomainError('MUTED', `You are muted in this group until ${until.toISOString()}. You can still read.`, { until: until.toISOString() });
}

/** 403 BANNED, for someone banned from the group. */
export function bannedError(): DomainError {
  return new DomainError('BANNED', 'You have been banned from this group, so you can no longer take part in it.');
}

/**
 * Every action that reaches the other members (writing, reacting, typing, reporting) passes here
 * after the participation check, which has already refused a ban.
 */
export function assertNotMuted(participant: { mutedUntil: Date | null }): void {
  if (participant.mutedUntil && participant.mutedUntil.getTime() > Date.now()) throw mutedError(participant.mutedUntil);
}
