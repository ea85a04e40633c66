import type { NotificationKind } from './notification-kinds';

/**
 * What push and mail say about each kind. A phone's lock screen or a shared inbox shows these, so
 * they say only that something happened and never what anyone wrote, a display name, the
 * condition or the group: "Kindred: you have a new reply". The group's name is added only for a
 * person who opted in (showDetails) and when the producer gave it.
 */
const LINES: Record<NotificationKind, { one: string; many: (n: number) => string }> = {
  reply: { one: 'you have a new reply', many: (n) => `${n} new replies` },
  mention: { one: 'someone mentioned you', many: (n) => `${n} mentions` },
  moderation: { one: 'there is news about something you posted', many: (n) => `${n} updates about things you posted` },
  application: { one: 'there is news about your application', many: (n) => `${n} updates about applications` },
  agreement: { one: 'there is a new agreement to accept', many: (n) => `${n} new agreements to accept` },
  sanction: { one: 'there is a notice about your account', many: (n) => `${n} notices about your account` },
  'report-outcome': { one: 'there is news about a report you made', many: (n) => `${n} updates about reports you made` },
  'review-urgent': { one: 'an urgent item needs a supporter now', many: (n) => `${n} urgent items need a supporter` },
  'review-overdue': { one: 'an item in the review queue is past its deadline', many: (n) => `${n} review items past their deadline` },
  mentoring: { one: 'there is news from mentoring', many: (n) => `${n} mentoring updates` },
  reaction: { one: 'someone sent support', many: (n) => `${n} people sent support` },
  signposting: { one: 'support is there if you need it now', many: () => 'support is there if you need it now' },
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "You have a new reply", or "3 people sent support" for a batch. */
export function lineFor(kind: NotificationKind, count = 1): string {
  const line = LINES[kind];
  return capitalise(count > 1 ? line.many(count) : line.one);
}

/** The in-app title when the producer gives none. */
export function defaultTitle(kind: NotificationKind, count = 1): string {
  return lineFor(kind, count);
}

/** The push notification a lock screen shows, and the mail subject: "Kindred: you have a new reply". */
export function discreetText(kind: NotificationKind, count = 1, groupName?: string | null): { title: string; body: string } {
  const line = count > 1 ? LINES[kind].many(count) : LINES[kind].one;
  return {
    title: groupName ? `Kindred: ${line} (${groupName})` : `Kindred: ${line}`,
    body: kind === 'signposting' ? 'Open Kindred to see who you can contact, at any hour.' : 'Open Kindred to see it.',
  };
}

/** A digest's lines: one per kind with its count, in the order kinds are listed. */
export function digestLines(counts: Partial<Record<NotificationKind, number>>): string[] {
  return (Object.keys(LINES) as NotificationKind[])
    .filter((k) => (counts[k] ?? 0) > 0)
    .map((k) => capitalise(counts[k]! > 1 ? LINES[k].many(counts[k]!) : LINES[k].one));
}
