import { randomUUID } from 'node:crypto';
import type { Tx } from '@kindred/database';
import type { ClaimedDelivery, DeliveriesRepository, DeliveryChannel, DeliveryState } from './deliveries.repository';
import type { NewDelivery, NewNotificationRow, NotificationRow, NotificationsRepository, WrittenDelivery } from './notifications.repository';
import type { PreferencesRepository, StoredPreferences } from './preferences.repository';
import type { PushSubscriptionRow, PushSubscriptionsRepository } from './push-subscriptions.repository';

/** The notifications context's tables kept in memory, with a clock the tests move. */
export class NotificationsStore {
  now = Date.parse('2026-01-10T12:00:00Z');
  notifications: NotificationRow[] = [];
  preferences = new Map<string, StoredPreferences>();
  tokens = new Map<string, { userId: string; kind: string | null; used: boolean }>();
  subscriptions: PushSubscriptionRow[] = [];
  vapid: { publicKey: string; privateKey: string } | null = null;
  /** Accounts, as identity's `display_names` lists them: user id → verified mail address (null: none). */
  people = new Map<string, string | null>();
  deliveries: Array<
    Omit<NewDelivery, 'state'> & {
      notificationId: string;
      id: string;
      state: DeliveryState;
      attempts: number;
      claimedAt: number | null;
      sentTo: string[];
      digestId: string | null;
      lastError: string | null;
    }
  > = [];
}

type Port<T> = { [K in keyof T]: T[K] };

export class FakeNotificationsRepository implements Pick<
  Port<NotificationsRepository>,
  'upsertWithDeliveries' | 'page' | 'unreadCount' | 'markRead' | 'purgeOlderThan'
> {
  constructor(private readonly store: NotificationsStore) {}
  async upsertWithDeliveries(rows: NewNotificationRow[], deliveries: NewDelivery[], _tx?: Tx) {
    const written: NotificationRow[] = [];
    for (const row of rows) {
      const existing = this.store.notifications.find((n) => n.eventId === row.eventId && n.userId === row.userId);
      if (!existing) {
        const created = { ...row, id: randomUUID(), createdAt: new Date((this.store.now += 1)), readAt: null };
        this.store.notifications.push(created);
        written.push(created);
      } else if (existing.count < row.count) {
        Object.assign(existing, { count: row.count, title: row.title, readAt: null });
        written.push(existing);
      }
    }
    const delivered: WrittenDelivery[] = [];
    for (const row of written) {
      for (const d of deliveries.filter((d) => d.eventId === row.eventId && d.userId === row.userId)) {
        if (this.store.deliveries.some((x) => x.eventId === d.eventId && x.userId === d.userId && x.channel === d.channel)) continue;
        const id = randomUUID();
        this.store.deliveries.push({ ...d, notificationId: row.id, id, attempts: 0, claimedAt: null, sentTo: [], digestId: null, lastError: null });
        delivered.push({ id, mode: d.mode, dueAt: d.dueAt });
      }
    }
    return { rows: written, deliveries: delivered };
  }
  async page(userId: string, limit: number) {
    return this.store.notifications
      .filter((n) => n.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }
  async unreadCount(userId: string) {
    return this.store.notifications.filter((n) => n.userId === userId && !n.readAt).length;
  }
  async markRead(userId: string, ids: string[] | 'all') {
    let n = 0;
    for (const row of this.store.notifications) {
      if (row.userId === userId && !row.readAt && (ids === 'all' || ids.includes(row.id))) {
        row.readAt = new Date(this.store.now);
        n += 1;
      }
    }
    return n;
  }
  async purgeOlderThan() {
    return 0;
  }
}

export class FakePreferencesRepository implements Pick<
  Port<PreferencesRepository>,
  'find' | 'recipients' | 'save' | 'useToken' | 'insertToken' | 'pruneTokens'
> {
  constructor(private readonly store: NotificationsStore) {}
  async find(userId: string) {
    const p = this.store.preferences.get(userId);
    return p ? structuredClone(p) : null;
  }
  async recipients(userIds: string[], _tx?: Tx) {
    return userIds
      .filter((id) => this.store.people.has(id))
      .map((userId) => ({
        userId,
        preferences: this.store.preferences.has(userId) ? structuredClone(this.store.preferences.get(userId)!) : null,
        hasDevice: this.store.subscriptions.some((s) => s.userId === userId),
      }));
  }
  async save(p: StoredPreferences) {
    this.store.preferences.set(p.userId, structuredClone(p));
  }
  async useToken(tokenHash: string) {
    const token = this.store.tokens.get(tokenHash);
    if (!token) return null;
    token.used = true;
    return { userId: token.userId, kind: token.kind };
  }
  async pruneTokens() {
    return 0;
  }
  async insertToken(tokenHash: string, userId: string, kind: string | null) {
    this.store.tokens.set(tokenHash, { userId, kind, used: false });
  }
}

export class FakePushSubscriptionsRepository implements Pick<
  Port<PushSubscriptionsRepository>,
  'upsert' | 'remove' | 'forget' | 'forUser' | 'touch' | 'vapidKeys'
> {
  constructor(private readonly store: NotificationsStore) {}
  async upsert(userId: string, sub: { endpoint: string; p256dh: string; auth: string }) {
    const existing = this.store.subscriptions.find((s) => s.endpoint === sub.endpoint);
    if (existing) {
      Object.assign(existing, { userId, ...sub });
      return existing.id;
    }
    const id = randomUUID();
    this.store.subscriptions.push({ id, userId, ...sub });
    return id;
  }
  async remove(userId: string, id: string) {
    const before = this.store.subscriptions.length;
    this.store.subscriptions = this.store.subscriptions.filter((s) => !(s.id === id && s.userId === userId));
    return this.store.subscriptions.length < before;
  }
  async forget(id: string) {
    this.store.subscriptions = this.store.subscriptions.filter((s) => s.id !== id);
  }
  async forUser(userId: string) {
    return this.store.subscriptions.filter((s) => s.userId === userId);
  }
  async touch() {}
  async vapidKeys(make: () => { publicKey: string; privateKey: string }) {
    this.store.vapid ??= make();
    return this.store.vapid;
  }
}

/** The deliveries' claims as the SQL makes them: due, or abandoned `claimSeconds` ago. */
export class FakeDeliveriesRepository implements Pick<
  Port<DeliveriesRepository>,
  'claim' | 'stateOf' | 'reached' | 'finish' | 'release' | 'overdue' | 'dueDigests' | 'claimDigest' | 'reclaimDigest' | 'finishDigest' | 'releaseDigest'
> {
  constructor(private readonly store: NotificationsStore) {}
  private notification(id: string) {
    return this.store.notifications.find((n) => n.id === id)!;
  }
  async claim(id: string, claimSeconds: number): Promise<ClaimedDelivery | null> {
    const d = this.store.deliveries.find((r) => r.id === id);
    if (!d || d.mode !== 'immediate') return null;
    const due = (d.state === 'pending' || d.state === 'held') && d.dueAt.getTime() <= this.store.now + 1000;
    const abandoned = d.state === 'sending' && d.claimedAt !== null && d.claimedAt < this.store.now - claimSeconds * 1000;
    if (!due && !abandoned) return null;
    Object.assign(d, { state: 'sending', claimedAt: this.store.now, attempts: d.attempts + 1 });
    const n = this.notification(d.notificationId);
    return {
      id: d.id,
      notificationId: d.notificationId,
      userId: d.userId,
      channel: d.channel as DeliveryChannel,
      urgent: d.urgent,
      attempts: d.attempts,
      sentTo: [...d.sentTo],
      kind: n.kind,
      count: n.count,
      groupId: n.groupId,
      subjectId: n.subjectId,
    };
  }
  async stateOf(id: string) {
    const d = this.store.deliveries.find((r) => r.id === id);
    return d ? { state: d.state, dueAt: d.dueAt } : null;
  }
  async reached(id: string, subscriptionId: string) {
    this.store.deliveries.find((r) => r.id === id)!.sentTo.push(subscriptionId);
  }
  async finish(id: string, state: 'sent' | 'failed' | 'skipped', error: string | null = null) {
    const d = this.store.deliveries.find((r) => r.id === id)!;
    if (d.state === 'sending') Object.assign(d, { state, lastError: error });
  }
  async release(id: string, error: string) {
    const d = this.store.deliveries.find((r) => r.id === id)!;
    if (d.state === 'sending') Object.assign(d, { state: 'pending', claimedAt: null, lastError: error });
  }
  async overdue(graceSeconds: number, claimSeconds: number) {
    return this.store.deliveries
      .filter(
        (d) =>
          d.mode === 'immediate' &&
          (((d.state === 'pending' || d.state === 'held') && d.dueAt.getTime() <= this.store.now - graceSeconds * 1000) ||
            (d.state === 'sending' && d.claimedAt! < this.store.now - claimSeconds * 1000)),
      )
      .map((d) => ({ id: d.id, attempts: d.attempts }));
  }
  async dueDigests(claimSeconds: number) {
    const due = this.store.deliveries.filter((d) => d.mode === 'digest' && d.state === 'pending' && d.dueAt.getTime() <= this.store.now);
    const stale = this.store.deliveries.filter((d) => d.mode === 'digest' && d.state === 'sending' && d.claimedAt! < this.store.now - claimSeconds * 1000);
    return {
      users: [...new Set(due.map((d) => d.userId))],
      stale: [...new Map(stale.map((d) => [d.digestId!, { digestId: d.digestId!, userId: d.userId }])).values()],
    };
  }
  async claimDigest(userId: string, digestId: string) {
    const rows = this.store.deliveries.filter(
      (d) => d.userId === userId && d.mode === 'digest' && d.state === 'pending' && d.dueAt.getTime() <= this.store.now,
    );
    for (const d of rows) Object.assign(d, { state: 'sending', digestId, claimedAt: this.store.now, attempts: d.attempts + 1 });
    return rows.map((d) => ({ kind: this.notification(d.notificationId).kind, count: this.notification(d.notificationId).count }));
  }
  async reclaimDigest(digestId: string, claimSeconds: number) {
    const rows = this.store.deliveries.filter((d) => d.digestId === digestId && d.state === 'sending' && d.claimedAt! < this.store.now - claimSeconds * 1000);
    for (const d of rows) Object.assign(d, { claimedAt: this.store.now, attempts: d.attempts + 1 });
    return rows.map((d) => ({ kind: this.notification(d.notificationId).kind, count: this.notification(d.notificationId).count }));
  }
  async finishDigest(digestId: string, state: 'sent' | 'failed' | 'skipped', error: string | null = null) {
    for (const d of this.store.deliveries) if (d.digestId === digestId && d.state === 'sending') Object.assign(d, { state, lastError: error });
  }
  async pruneFinished() {
    return 0;
  }
  async releaseDigest(digestId: string, error: string, maxAttempts: number) {
    for (const d of this.store.deliveries) {
      if (d.digestId === digestId && d.state === 'sending')
        Object.assign(d, { state: d.attempts >= maxAttempts ? 'failed' : 'pending', digestId: null, claimedAt: null, lastError: error });
    }
  }
}
