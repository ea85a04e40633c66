import type { NewNotice } from '@kindred/notifications';

/** What a member is told at once when their words suggest they may be in crisis, with the group's crisis resources. */
export const SIGNPOSTING_MESSAGE =
  'It sounds like things might be really hard right now. You are not alone. If your life is at risk, call 999 now. ' +
  'You can talk to Samaritans any time, free, on 116 123, or text SHOUT to 85258. A supporter will read what you wrote soon.';

/** The `signposting` notice for a member whose words (a post, a message, a report note, an appeal) read as a crisis. */
export function signpostingNotice(input: { userId: string; groupId: string; subjectId: string | null; resources: Array<Record<string, unknown>> }): NewNotice {
  return {
    userId: input.userId,
    kind: 'signposting',
    groupId: input.groupId,
    subjectId: input.subjectId,
    // Support, not a finding: no clause is cited, so nothing about it reads like a breach.
    clauseKey: null,
    message: SIGNPOSTING_MESSAGE,
    resources: input.resources,
    appealable: false,
  };
}
