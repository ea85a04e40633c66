/**
 * Deadline arithmetic for review items and pending applications (DESIGN.md, "Timeliness").
 * An item is overdue at its dueAt and escalates to admins at twice its SLA.
 */

const MINUTE_MS = 60_000;

export type DeadlineStage = 'on-time' | 'overdue' | 'escalated';

function assertValidDate(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

/** When an item created at `createdAt` must have been decided: createdAt + slaMinutes. */
export function dueAt(createdAt: Date, slaMinutes: number): Date {
  assertValidDate(createdAt, 'createdAt');
  if (!Number.isFinite(slaMinutes) || slaMinutes < 0) {
    throw new RangeError('slaMinutes must be a finite number of minutes, zero or more');
  }
  return new Date(createdAt.getTime() + slaMinutes * MINUTE_MS);
}

/**
 * 'overdue' from dueAt, 'escalated' from createdAt + 2 × (dueAt − createdAt), otherwise 'on-time'.
 * A dueAt before createdAt (bad data) counts as a zero-length SLA, so it escalates at once.
 */
export function deadlineStage(createdAt: Date, dueAt: Date, now: Date): DeadlineStage {
  assertValidDate(createdAt, 'createdAt');
  assertValidDate(dueAt, 'dueAt');
  assertValidDate(now, 'now');
  const slaMs = Math.max(0, dueAt.getTime() - createdAt.getTime());
  if (now.getTime() >= createdAt.getTime() + 2 * slaMs) return 'escalated';
  if (now.getTime() >= dueAt.getTime()) return 'overdue';
  return 'on-time';
}

/**
 * Nearest-rank percentile: the smallest value with at least p% of the values at or below it.
 * `p` is a percentage from 0 to 100 (95 for p95, not 0.95); p = 0 gives the minimum.
 * The input is not modified and need not be sorted; NaN values are ignored. null when empty.
 */
export function percentile(sortedOrUnsorted: number[], p: number): number | null {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RangeError('p must be a percentage from 0 to 100');
  const values = sortedOrUnsorted.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (values.length === 0) return null;
  // Multiply before dividing so whole-number ranks stay exact (7 / 100 × 100 is 7.000000000000001).
  const rank = Math.max(1, Math.ceil((p * values.length) / 100));
  return values[rank - 1] ?? null;
}
