import { Injectable } from '@nestjs/common';
import type { Tx } from '@kindred/database';

/** A setting's value as the audit log keeps it (JSON). */
export type TrailValue = string | number | boolean | null | TrailValue[] | { [key: string]: TrailValue };

/** One configuration change: who, which group, what, and the settings before and after. */
export interface ConfigurationChange {
  actorId: string;
  groupId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: Record<string, TrailValue> | null;
  after: Record<string, TrailValue> | null;
}

export type ConfigurationRecorder = (tx: Tx, change: ConfigurationChange) => Promise<void>;

/**
 * Every change to a group's configuration (settings, opening a draft, the agreement, supporters,
 * referral codes, resources) goes into the audit log with what it was before and after, in the
 * transaction that makes the change. The audit context depends on groups, so it registers its
 * recorder here at start-up; without one, a change is refused rather than made unrecorded.
 */
@Injectable()
export class ConfigurationTrail {
  private recorder: ConfigurationRecorder | null = null;

  use(recorder: ConfigurationRecorder): void {
    this.recorder = recorder;
  }

  record(tx: Tx, change: ConfigurationChange): Promise<void> {
    if (!this.recorder) throw new Error('No configuration recorder is registered: import the audit module, or register one with ConfigurationTrail.use()');
    return this.recorder(tx, change);
  }
}

/** Only the keys that differ, as before/after pairs: what an admin reading the log needs to see. */
export function changedKeys(
  before: Record<string, TrailValue>,
  after: Record<string, TrailValue>,
): { before: Record<string, TrailValue>; after: Record<string, TrailValue> } {
  const out = { before: {} as Record<string, TrailValue>, after: {} as Record<string, TrailValue> };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      out.before[key] = before[key] ?? null;
      out.after[key] = after[key] ?? null;
    }
  }
  return out;
}
