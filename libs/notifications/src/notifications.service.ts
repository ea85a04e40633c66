import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions, type Tx } from '@kindred/database';
import { DomainError } from '@kindred/domain';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '@kindred/http';
import { NotificationFanOutJob, OutboxService } from '@kindred/queues';
import type { NotificationEvent } from './notification-event';
import {
  EmailMode,
  isClockTime,
  isNotificationKind,
  isTimeZone,
  KindPreference,
  NOTIFICATION_KINDS,
  NotificationKind,
  NotificationPreferences,
} from './notification-kinds';
import { NotificationsRepository } from './notifications.repository';
import { NotificationView, toPreferences, toView } from './notification-views';
import { PreferencesRepository, StoredPreferences } from './preferences.repository';
import { PushSubscriptionsRepository } from './push-subscriptions.repository';
import { NotificationFanOut } from './delivery/notification-fan-out';
import { VapidKeys } from './delivery/vapid-keys';

export { toPreferences, toView, type NotificationView } from './notification-views';

export type NotificationPage = Page<NotificationView> & { unread: number };

/** A browser's PushSubscription as JSON (`PushSubscription.toJSON()`). */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

const EMAIL_MODES: readonly EmailMode[] = ['off', 'immediate', 'digest'];
/** Notifications `notifyWithin` writes in the caller's transaction, at most; more go through the outbox. */
export const NOTIFY_WITHIN_MAX = 200;
/** Kinds a supporter on cover cannot silence (safeguarding). */
const ALWAYS_LOUD: readonly NotificationKind[] = ['review-urgent'];

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A BullMQ job id for an event id of any spelling: job ids may not hold ':'. */
export function fanOutJobId(eventId: string): string {
  return `fan-out-${createHash('sha256').update(eventId).digest('base64url')}`;
}

/**
 * The notifications context's front door. Other contexts call `notify` when something happens to
 * people; the HTTP layer calls the rest for the signed-in person. Delivery (the in-app row, push,
 * mail, digests, quiet hours) happens in the worker's `notifications` queue (NotificationDelivery).
 */
@Injectable()
export class NotificationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesRepository,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly vapid: VapidKeys,
    private readonly fanOut: NotificationFanOut,
  ) {}

  /**
   * Notifies the event's recipients: in the app always, by push and mail per each person's
   * preferences. Writes one outbox row (a `notifications.fan-out` job), so the call is cheap
   * whatever the number of recipients and nothing is lost while Redis is down.
   *
   * Inside the caller's transaction (`tx`) the row commits or rolls back with the caller's work;
   * call `dispatch` with the returned id after commit (the outbox relay sends it otherwise within
   * seconds). Without `tx` it is written and dispatched here. Returns the outbox row id, or null
   * when there is nobody to notify.
   */
  notify(event: NotificationEvent, tx?: Tx): Promise<string | null> {
    return this.notifyMany([event], tx);
  }

  /**
   * Several events in one outbox row and one fan-out job (`fan-out-many`), written together: what a
   * batch of published posts owes costs one job, not one per post. Otherwise as `notify`.
   */
  async notifyMany(events: NotificationEvent[], tx?: Tx): Promise<string | null> {
    const payloads = events.map(toPayload).filter((payload) => payload.recipients.length > 0);
    if (payloads.length === 0) return null;
    const on = tx ?? this.transactions.none;
    const id =
      payloads.length === 1
        ? await this.outbox.stage(on, 'notifications', 'fan-out', payloads[0]!, fanOutJobId(jobKey(payloads[0]!)))
        : await this.outbox.stage(on, 'notifications', 'fan-out-many', { events: payloads }, fanOutJobId(payloads.map(jobKey).join('\n')));
    if (!tx) await this.outbox.dispatch([id]);
    return id;
  }

  /**
   * Inside the caller's transaction, for events a producer owes with its own change (the reply
   * and mention notifications of posts screening publishes): a few notifications are written
   * there and then, with their deliveries, so they commit with the change and cost no outbox row
   * or fan-out job; more than NOTIFY_WITHIN_MAX (a post mentioning many people in a large batch)
   * go through the outbox as `notifyMany` would. Returns what to do once the caller has committed
   * (queue the deliveries and tell sockets, or dispatch the outbox row): call it then.
   */
  async notifyWithin(tx: Tx, events: NotificationEvent[]): Promise<() => Promise<void>> {
    const payloads = events.map(toPayload).filter((payload) => payload.recipients.length > 0);
    if (payloads.length === 0) return async () => undefined;
    if (payloads.reduce((n, payload) => n + payload.recipients.length, 0) > NOTIFY_WITHIN_MAX) {
      const id = await this.notifyMany(events, tx);
      return () => this.dispatch([id]);
    }
    const written = await this.fanOut.write(tx, this.fanOut.pairs(payloads));
    return () => this.fanOut.announce([written]);
  }

  /**
   * For events a change owes others, written in the change's own statement: runs the caller's
   * data-modifying statement (see `NotificationsRepository.upsertWithDeliveriesAfter`: a bare
   * `UPDATE … RETURNING` with parameters `$1…$n` that returns a text `notify_key`) and, in that
   * same statement, the notifications of each event whose `key` is the `notify_key` of a row it
   * returned, so they commit with the change in one round trip, or not at all. Who is notified
   * is read first. Returns the statement's rows (JSON objects) and what to do once it committed
   * (queue the deliveries, tell sockets), or null, writing nothing, when the events name more
   * than NOTIFY_WITHIN_MAX people (use a transaction and `notifyWithin` then).
   */
  async notifyWith(
    statement: { sql: string; params: unknown[] },
    owed: Array<{ key: string; event: NotificationEvent }>,
  ): Promise<{ rows: Array<Record<string, unknown>>; afterCommit: () => Promise<void> } | null> {
    const keyed = owed.map(({ key, event }) => ({ key, payload: toPayload(event) })).filter(({ payload }) => payload.recipients.length > 0);
    if (keyed.reduce((n, { payload }) => n + payload.recipients.length, 0) > NOTIFY_WITHIN_MAX) return null;
    const keys = new Map(keyed.map(({ key, payload }) => [payload.eventId, key]));
    const pairs = this.fanOut.pairs(keyed.map(({ payload }) => payload)).map((pair) => ({ ...pair, key: keys.get(pair.job.eventId)! }));
    const { changed, written } = await this.fanOut.writeAfter(statement, pairs);
    return { rows: changed, afterCommit: () => this.fanOut.announce([written]) };
  }

  /** After the transaction that called `notify` committed: hands its rows to the queue now. */
  dispatch(outboxIds: Array<string | null>): Promise<void> {
    return this.outbox.dispatch(outboxIds.filter((id): id is string => id !== null));
  }

  /** The person's notifications, newest first, with how many are unread. */
  async listFor(userId: string, page: PageQuery = {}): Promise<NotificationPage> {
    const limit = pageLimit(page);
    const cursor = decodeCursor(page.cursor, { at: 'time', id: 'uuid' });
    const [rows, unread] = await Promise.all([this.notifications.page(userId, limit + 1, cursor), this.notifications.unreadCount(userId)]);
    return { ...toPage(rows, limit, (n) => ({ at: n.createdAt.toISOString(), id: n.id }), toView), unread };
  }

  async unreadCount(userId: string): Promise<number> {
    return this.notifications.unreadCount(userId);
  }

  /** Marks the person's notifications read: the ids given (anyone else's are ignored), or all. */
  async markRead(userId: string, which: { ids?: string[]; all?: boolean }): Promise<void> {
    if (which.all) await this.notifications.markRead(userId, 'all');
    else if (which.ids && which.ids.length > 0) await this.notifications.markRead(userId, which.ids);
  }

  /** The person's settings, the defaults where they changed nothing. */
  async preferencesOf(userId: string): Promise<NotificationPreferences> {
    return toPreferences(await this.preferences.find(userId));
  }

  /**
   * Replaces the person's settings. Kinds left out keep what they had; an unknown kind, time zone
   * or clock time is refused (422). Urgent review alerts cannot be made quiet.
   */
  async savePreferences(
    userId: string,
    input: { timezone: string; quietHours: { from: string; to: string } | null; kinds?: Record<string, Partial<KindPreference>>; showDetails?: boolean },
  ): Promise<NotificationPreferences> {
    const errors: Array<{ field: string; message: string }> = [];
    if (!isTimeZone(input.timezone)) errors.push({ field: 'timezone', message: 'must be an IANA time zone such as Europe/London' });
    if (input.quietHours !== null && (!isClockTime(input.quietHours?.from) || !isClockTime(input.quietHours?.to))) {
      errors.push({ field: 'quietHours', message: 'must be null or { from: "HH:MM", to: "HH:MM" }' });
    }
    const current = await this.preferences.find(userId);
    const kinds: Partial<Record<string, Partial<KindPreference>>> = { ...(current?.kinds ?? {}) };
    for (const [kind, value] of Object.entries(input.kinds ?? {})) {
      if (!isNotificationKind(kind)) {
        errors.push({ field: `kinds.${kind}`, message: `is not a kind (${NOTIFICATION_KINDS.join(', ')})` });
        continue;
      }
      if (typeof value !== 'object' || value === null) {
        errors.push({ field: `kinds.${kind}`, message: 'must be { push, email }' });
        continue;
      }
      const next: Partial<KindPreference> = { ...(kinds[kind] ?? {}) };
      if (value.push !== undefined) {
        if (typeof value.push !== 'boolean') errors.push({ field: `kinds.${kind}.push`, message: 'must be true or false' });
        else next.push = value.push;
      }
      if (value.email !== undefined) {
        if (!EMAIL_MODES.includes(value.email)) errors.push({ field: `kinds.${kind}.email`, message: 'must be off, immediate or digest' });
        else next.email = value.email;
      }
      if (value.neverQuiet !== undefined) {
        if (typeof value.neverQuiet !== 'boolean') errors.push({ field: `kinds.${kind}.neverQuiet`, message: 'must be true or false' });
        else if (ALWAYS_LOUD.includes(kind) && !value.neverQuiet)
          errors.push({ field: `kinds.${kind}.neverQuiet`, message: 'urgent review alerts are never quiet' });
        else next.neverQuiet = value.neverQuiet;
      }
      kinds[kind] = next;
    }
    if (input.showDetails !== undefined && typeof input.showDetails !== 'boolean') errors.push({ field: 'showDetails', message: 'must be true or false' });
    if (errors.length > 0) throw DomainError.validation(errors);
    const stored: StoredPreferences = {
      userId,
      timezone: input.timezone,
      quietFrom: input.quietHours?.from ?? null,
      quietTo: input.quietHours?.to ?? null,
      kinds,
      showDetails: input.showDetails ?? current?.showDetails ?? false,
    };
    await this.preferences.save(stored);
    return toPreferences(stored);
  }

  /** The VAPID public key browsers subscribe with (made on first start, kept in the database). */
  async vapidPublicKey(): Promise<string> {
    return (await this.vapid.keys()).publicKey;
  }

  /**
   * Registers a browser for push. The endpoint must be https (outside production, http on this
   * machine too, for the test push service), so pushes never go to an internal address.
   */
  async subscribe(userId: string, input: PushSubscriptionInput): Promise<{ id: string }> {
    const errors: Array<{ field: string; message: string }> = [];
    if (!this.acceptableEndpoint(input.endpoint)) errors.push({ field: 'endpoint', message: 'must be an https URL of a push service' });
    if (!isKey(input.keys?.p256dh, 65)) errors.push({ field: 'keys.p256dh', message: 'must be a base64url P-256 public key' });
    if (!isKey(input.keys?.auth, 16)) errors.push({ field: 'keys.auth', message: 'must be a base64url 16-byte secret' });
    if (errors.length > 0) throw DomainError.validation(errors);
    return { id: await this.subscriptions.upsert(userId, { endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth }) };
  }

  async unsubscribeDevice(userId: string, id: string): Promise<void> {
    if (!(await this.subscriptions.remove(userId, id))) throw DomainError.notFound('That push subscription');
  }

  /**
   * One-click unsubscribe from a mail (no session): email off for the kind the mail was about, or
   * for every kind from a digest. Following the link again changes nothing more. Unknown token: 404.
   */
  async unsubscribe(token: string): Promise<void> {
    const found = typeof token === 'string' && token.length >= 20 && token.length <= 200 ? await this.preferences.useToken(hashToken(token)) : null;
    if (!found) throw DomainError.notFound('That unsubscribe link');
    const current = await this.preferences.find(found.userId);
    const base = toPreferences(current);
    const kinds: Partial<Record<string, Partial<KindPreference>>> = { ...(current?.kinds ?? {}) };
    const off = found.kind && isNotificationKind(found.kind) ? [found.kind] : NOTIFICATION_KINDS.filter((k) => base.kinds[k].email !== 'off');
    for (const kind of off) kinds[kind] = { ...(kinds[kind] ?? {}), email: 'off' };
    await this.preferences.save({
      userId: found.userId,
      timezone: base.timezone,
      quietFrom: base.quietHours?.from ?? null,
      quietTo: base.quietHours?.to ?? null,
      kinds,
      showDetails: base.showDetails,
    });
  }

  /** Makes an unsubscribe link's token for a mail to the person (kind null: every kind, for digests). */
  async unsubscribeToken(userId: string, kind: NotificationKind | null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.preferences.insertToken(hashToken(token), userId, kind);
    return token;
  }

  /** Retention: notifications older than `days` go. */
  purgeOlderThan(days: number): Promise<number> {
    return this.notifications.purgeOlderThan(days);
  }

  private acceptableEndpoint(endpoint: unknown): boolean {
    if (typeof endpoint !== 'string' || endpoint.length > 2000) return false;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') return true;
    return this.config.env !== 'production' && url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
  }
}

/** The job's payload for an event: recipients without duplicates, every option spelled out. */
function toPayload(event: NotificationEvent): NotificationFanOutJob {
  if (!isNotificationKind(event.kind)) throw new Error(`unknown notification kind ${String(event.kind)}`);
  return {
    eventId: event.eventId,
    kind: event.kind,
    recipients: [...new Set(event.recipients)],
    groupId: event.groupId ?? null,
    subjectId: event.subjectId ?? null,
    title: event.title ?? null,
    path: event.path ?? null,
    urgent: event.urgent ?? false,
    ignoreQuietHours: (event.ignoreQuietHours ?? false) || (event.urgent ?? false),
    groupName: event.groupName ?? null,
    count: Math.max(1, Math.floor(event.count ?? 1)),
  };
}

/** A batched event is fanned out again at each new count; any other event once. */
function jobKey(payload: NotificationFanOutJob): string {
  return payload.count > 1 ? `${payload.eventId}#${payload.count}` : payload.eventId;
}

function isKey(value: unknown, bytes: number): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64url').length === bytes;
}
