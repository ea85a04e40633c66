/**
 * The notifications context: notices (decisions about a person's words, signposting) and
 * notifications, which reach people who are not looking, in the app (always), by web push and by
 * mail, per each person's preferences.
 *
 * For other contexts and the worker:
 * - `NotificationsService.notify(event, tx?)` with a `NotificationEvent` (`eventId`, `kind`,
 *   `recipients`, `groupId`, `subjectId`, optional in-app `title`, `path`, `urgent`,
 *   `ignoreQuietHours`, `groupName`, `count`): one outbox row; the worker fans it out. In a
 *   transaction, call `dispatch([id])` after commit. Idempotent per `eventId` and person.
 *   `notifyMany(events, tx?)`: several events in one outbox row and one fan-out job.
 * - `NotificationsService.notifyWithin(tx, events)`: what a change owes a few people, written in
 *   the change's own transaction (no outbox row, no job); call the function it returns after commit.
 * - `NotificationDelivery` runs the `notifications` queue (fan-out, deliver, tick) in the worker.
 * - `NOTIFICATION_KINDS`, `DEFAULT_KIND_PREFERENCES`: the kinds and their defaults.
 * - Push and mail are discreet: fixed lines per kind ("Kindred: you have a new reply"), never
 *   anything anyone wrote, a condition or a group's name (unless the person opted in, `showDetails`).
 */
export type { NoticeKind } from './notice.entity';
export * from './notices.service';
export * from './notification-event';
export * from './notification-kinds';
export { discreetText, lineFor } from './notification-copy';
export { NotificationsService, hashToken } from './notifications.service';
export type { NotificationView, NotificationPage, PushSubscriptionInput } from './notifications.service';
export { NotificationDelivery, DELIVERY_ATTEMPTS } from './delivery/notification-delivery.service';
export type { PushPayload } from './delivery/push-sender';
export * from './notifications.module';
