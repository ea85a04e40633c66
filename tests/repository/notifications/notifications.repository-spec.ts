import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertUser, inTransaction, noTransaction, repositoryDataSource } from '../../setup/repository-db';
import { NewDelivery, NewNotificationRow, NotificationsRepository } from '../../../libs/notifications/src/notifications.repository';
import { PreferencesRepository } from '../../../libs/notifications/src/preferences.repository';
import { PushSubscriptionsRepository } from '../../../libs/notifications/src/push-subscriptions.repository';

describe('NotificationsRepository and PreferencesRepository on PostgreSQL (what a fan-out writes and reads)', () => {
  let dataSource: DataSource;
  let notifications: NotificationsRepository;
  let preferences: PreferencesRepository;
  let subscriptions: PushSubscriptionsRepository;

  beforeAll(async () => {
    dataSource = await repositoryDataSource([]);
    notifications = new NotificationsRepository(dataSource);
    preferences = new PreferencesRepository(dataSource);
    subscriptions = new PushSubscriptionsRepository(dataSource);
  });
  afterAll(() => dataSource.destroy());

  const notification = (eventId: string, userId: string, count = 1): NewNotificationRow => ({
    eventId,
    userId,
    kind: count > 1 ? 'reaction' : 'reply',
    groupId: null,
    subjectId: randomUUID(),
    title: `title ${count}`,
    count,
  });
  const delivery = (eventId: string, userId: string, channel: 'push' | 'email', mode: 'immediate' | 'digest' = 'immediate'): NewDelivery => ({
    eventId,
    userId,
    channel,
    mode,
    state: 'pending',
    urgent: false,
    dueAt: new Date(Date.UTC(2026, 0, 1, 9)),
  });
  const stored = (eventId: string) =>
    dataSource.query(
      `SELECT n.user_id AS "userId", n.count, d.channel, d.mode, d.notification_id = n.id AS linked
         FROM notifications n LEFT JOIN notification_deliveries d ON d.event_id = n.event_id AND d.user_id = n.user_id
        WHERE n.event_id = $1 ORDER BY n.user_id, d.channel`,
      [eventId],
    ) as Promise<Array<{ userId: string; count: number; channel: string | null; mode: string | null; linked: boolean | null }>>;

  it('writes notifications and the deliveries they want in one statement, each linked to its notification, and nothing twice', async () => {
    const [a, b] = [await insertUser(dataSource), await insertUser(dataSource)];
    const event = `reply:${randomUUID()}`;
    const first = await notifications.upsertWithDeliveries(
      [notification(event, a), notification(event, b)],
      [delivery(event, a, 'push'), delivery(event, a, 'email'), delivery(event, b, 'email', 'digest')],
      noTransaction(dataSource),
    );
    expect(first.rows.map((r) => r.userId).sort()).toEqual([a, b].sort());
    expect(first.deliveries).toHaveLength(3);
    expect(first.deliveries.every((d) => d.dueAt instanceof Date && d.dueAt.getTime() === Date.UTC(2026, 0, 1, 9))).toBe(true);
    expect((await stored(event)).every((row) => row.linked)).toBe(true);
    expect((await stored(event)).map((row) => `${row.userId === a ? 'a' : 'b'} ${row.channel} ${row.mode}`).sort()).toEqual([
      'a email immediate',
      'a push immediate',
      'b email digest',
    ]);
    // The same event again (a retried job, a second worker): nothing written, no delivery twice.
    const again = await notifications.upsertWithDeliveries([notification(event, a)], [delivery(event, a, 'push')]);
    expect(again).toEqual({ rows: [], deliveries: [] });
    expect(await stored(event)).toHaveLength(3);
  });

  it('keeps a batched event’s highest count, unread again, without a second delivery per channel', async () => {
    const user = await insertUser(dataSource);
    const event = `reaction:${randomUUID()}`;
    await notifications.upsertWithDeliveries([notification(event, user, 2)], [delivery(event, user, 'email', 'digest')]);
    await notifications.markRead(user, 'all');
    const higher = await inTransaction(dataSource, (tx) =>
      notifications.upsertWithDeliveries([notification(event, user, 5)], [delivery(event, user, 'email', 'digest'), delivery(event, user, 'push')], tx),
    );
    expect(higher.rows).toEqual([expect.objectContaining({ count: 5, readAt: null })]);
    // Only the channel it had not been delivered on yet.
    expect(higher.deliveries).toHaveLength(1);
    const lower = await notifications.upsertWithDeliveries([notification(event, user, 3)], [delivery(event, user, 'push')]);
    expect(lower).toEqual({ rows: [], deliveries: [] });
    expect((await stored(event)).map((row) => [row.count, row.channel])).toEqual([
      [5, 'email'],
      [5, 'push'],
    ]);
  });

  it('writes no delivery for a notification the statement did not write', async () => {
    const user = await insertUser(dataSource);
    const event = `reply:${randomUUID()}`;
    const result = await notifications.upsertWithDeliveries([notification(event, user)], [delivery(`reply:${randomUUID()}`, user, 'push')]);
    expect(result.rows).toHaveLength(1);
    expect(result.deliveries).toEqual([]);
  });

  it('reads who is still an account, with their settings (or none) and whether push reaches them, in one statement', async () => {
    const [chose, never, erased] = [await insertUser(dataSource), await insertUser(dataSource), await insertUser(dataSource)];
    await preferences.save({
      userId: chose,
      timezone: 'Europe/London',
      quietFrom: '22:00',
      quietTo: '07:00',
      kinds: { reply: { email: 'off' } },
      showDetails: true,
    });
    await subscriptions.upsert(never, { endpoint: `https://push.example/${randomUUID()}`, p256dh: 'key', auth: 'secret' });
    await dataSource.query(`DELETE FROM users WHERE id = $1`, [erased]);
    const found = await inTransaction(dataSource, (tx) => preferences.recipients([chose, never, erased, randomUUID()], tx));
    const byId = new Map(found.map((r) => [r.userId, r]));
    expect([...byId.keys()].sort()).toEqual([chose, never].sort());
    expect(byId.get(chose)).toEqual({
      userId: chose,
      preferences: { userId: chose, timezone: 'Europe/London', quietFrom: '22:00', quietTo: '07:00', kinds: { reply: { email: 'off' } }, showDetails: true },
      hasDevice: false,
    });
    expect(byId.get(never)).toEqual({ userId: never, preferences: null, hasDevice: true });
    await expect(preferences.recipients([])).resolves.toEqual([]);
  });

  describe('upsertWithDeliveriesAfter (a change and what it owes, one statement)', () => {
    // A stand-in for another context's table: the statement is the caller's, whatever it changes.
    beforeAll(() => dataSource.query(`CREATE TABLE IF NOT EXISTS notify_probe (id uuid PRIMARY KEY, state text NOT NULL, visible boolean NOT NULL)`));
    afterAll(() => dataSource.query(`DROP TABLE IF EXISTS notify_probe`));

    const probe = async (rows: Array<{ id: string; visible: boolean }>) => {
      for (const row of rows) await dataSource.query(`INSERT INTO notify_probe (id, state, visible) VALUES ($1, 'waiting', $2)`, [row.id, row.visible]);
    };
    /** Marks the waiting rows done; a row owes its notifications only if it is visible. */
    const markDone = (ids: string[]) => ({
      sql: `UPDATE notify_probe SET state = 'done' WHERE id = ANY($1::uuid[]) AND state = 'waiting'
            RETURNING id, state, CASE WHEN visible THEN id::text END AS notify_key`,
      params: [ids],
    });
    const keyed = (eventId: string, userId: string, key: string) => ({ ...notification(eventId, userId), key });

    it('writes the notifications and deliveries of the rows the statement changed and owes, and returns those rows', async () => {
      const user = await insertUser(dataSource);
      const [shown, hidden, gone] = [randomUUID(), randomUUID(), randomUUID()];
      await probe([
        { id: shown, visible: true },
        { id: hidden, visible: false },
      ]);
      const result = await notifications.upsertWithDeliveriesAfter(
        markDone([shown, hidden, gone]),
        [keyed(`reply:${shown}`, user, shown), keyed(`reply:${hidden}`, user, hidden), keyed(`reply:${gone}`, user, gone)],
        [delivery(`reply:${shown}`, user, 'email', 'digest'), delivery(`reply:${hidden}`, user, 'email', 'digest'), delivery(`reply:${gone}`, user, 'push')],
      );
      expect(result.changed.map((row) => row.id).sort()).toEqual([shown, hidden].sort());
      expect(result.changed.every((row) => row.state === 'done' && !('notify_key' in row))).toBe(true);
      expect(result.rows).toEqual([expect.objectContaining({ eventId: `reply:${shown}`, userId: user, readAt: null, createdAt: expect.any(Date) })]);
      expect(result.deliveries).toEqual([{ id: expect.any(String), mode: 'digest', dueAt: new Date(Date.UTC(2026, 0, 1, 9)) }]);
      expect(await stored(`reply:${shown}`)).toEqual([{ userId: user, count: 1, channel: 'email', mode: 'digest', linked: true }]);
      // Changed but not owed (reports keep it hidden), and not changed at all (gone): nothing written.
      expect(await stored(`reply:${hidden}`)).toEqual([]);
      expect(await stored(`reply:${gone}`)).toEqual([]);
    });

    it('writes nothing when the statement changes nothing, as when the batch was published already', async () => {
      const user = await insertUser(dataSource);
      const id = randomUUID();
      await probe([{ id, visible: true }]);
      await notifications.upsertWithDeliveriesAfter(markDone([id]), [], []);
      const again = await notifications.upsertWithDeliveriesAfter(markDone([id]), [keyed(`reply:${id}`, user, id)], [delivery(`reply:${id}`, user, 'push')]);
      expect(again).toEqual({ changed: [], rows: [], deliveries: [] });
      expect(await stored(`reply:${id}`)).toEqual([]);
    });

    it('is one statement: when the notifications cannot be written, the change is not made either', async () => {
      const id = randomUUID();
      await probe([{ id, visible: true }]);
      // A recipient who is no account at all breaks the notifications' foreign key.
      await expect(notifications.upsertWithDeliveriesAfter(markDone([id]), [keyed(`reply:${id}`, randomUUID(), id)], [])).rejects.toThrow();
      expect(await dataSource.query(`SELECT state FROM notify_probe WHERE id = $1`, [id])).toEqual([{ state: 'waiting' }]);
    });
  });
});
