import type { NotificationKind } from './notification-kinds';

/**
 * Something that happened, for some people: what a producer (another context, or the worker)
 * hands to `NotificationsService.notify`. It carries ids and, at most, an in-app title; never what
 * anyone wrote. Notifications reads no other context's tables, so the producer names the recipients.
 */
export interface NotificationEvent {
  /**
   * Names the event for good: one notification and at most one push and one mail per event and
   * person, however often it is notified (a retried job, a second worker). Make it from what the
   * event is about, for example `reply:<postId>`, `review-urgent:<itemId>`,
   * `escalation:<itemId>:2`. A batched kind (reactions) reuses one id per batch with a rising `count`.
   */
  eventId: string;
  kind: NotificationKind;
  /** User ids. Duplicates and erased accounts are dropped. */
  recipients: string[];
  groupId?: string | null;
  /** What it is about (a post, a topic, a review item, an application). */
  subjectId?: string | null;
  /**
   * Shown in the app only (behind sign-in), for example a decision citing its clause's title. Push
   * and mail never use it. Without it the in-app title is the kind's fixed line.
   */
  title?: string | null;
  /** Where the app opens for it, a path such as `/groups/<id>/topics/<id>`; `/notifications` by default. */
  path?: string | null;
  /**
   * Safeguarding: sent at once at high push urgency and through quiet hours (an urgent review item
   * for supporters on cover). Implies ignoreQuietHours.
   */
  urgent?: boolean;
  /** Push and mail go out even in the recipient's quiet hours. */
  ignoreQuietHours?: boolean;
  /** The group's name: used in push and mail only for recipients who opted in (showDetails). */
  groupName?: string | null;
  /** For batched kinds: how many so far ("3 people sent support"); the highest count wins. */
  count?: number;
}
