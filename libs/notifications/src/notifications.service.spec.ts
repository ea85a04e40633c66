import { DomainError } from '@kindred/domain';
import { hashToken, NOTIFY_WITHIN_MAX } from './notifications.service';
import { notificationsOverFakes } from './notifications.spec-kit';

const p256dh = Buffer.alloc(65, 4).toString('base64url');
const auth = Buffer.alloc(16, 7).toString('base64url');

describe('NotificationsService (in-memory repositories)', () => {
  it('notify writes one outbox job for the event, whatever the number of recipients, deduplicated and named safely', async () => {
    const { service, staged, dispatched } = notificationsOverFakes();
    await service.notify({ eventId: 'reply:p1', kind: 'reply', recipients: ['a', 'b', 'a'], groupId: 'g1', subjectId: 't1' });
    expect(staged).toHaveLength(1);
    expect(staged[0]).toMatchObject({
      queue: 'notifications',
      name: 'fan-out',
      payload: { eventId: 'reply:p1', recipients: ['a', 'b'], urgent: false, count: 1 },
    });
    expect(staged[0]!.jobId).not.toContain(':');
    expect(dispatched).toEqual(['1']);
    // The same event again gets the same job id: BullMQ keeps one.
    await service.notify({ eventId: 'reply:p1', kind: 'reply', recipients: ['a'] });
    expect(staged[1]!.jobId).toBe(staged[0]!.jobId);
    // A batch at a higher count is a new job; urgent implies through quiet hours.
    await service.notify({ eventId: 'reaction:p1', kind: 'reaction', recipients: ['a'], count: 3, urgent: true });
    expect(staged[2]!.payload).toMatchObject({ count: 3, urgent: true, ignoreQuietHours: true });
    expect(await service.notify({ eventId: 'x', kind: 'reply', recipients: [] })).toBeNull();
  });

  it('notifyMany writes several events as one outbox job, one event as a plain fan-out, and nothing when nobody is to be told', async () => {
    const { service, staged, dispatched } = notificationsOverFakes();
    const replies = [
      { eventId: 'reply:p1', kind: 'reply' as const, recipients: ['a', 'a'] },
      { eventId: 'mention:p1', kind: 'mention' as const, recipients: ['b', 'c'] },
      { eventId: 'reply:p2', kind: 'reply' as const, recipients: [] },
    ];
    const id = await service.notifyMany(replies);
    expect(staged).toHaveLength(1);
    expect(staged[0]).toMatchObject({ queue: 'notifications', name: 'fan-out-many' });
    const batch = staged[0]!.payload as unknown as { events: Array<{ eventId: string; recipients: string[] }> };
    expect(batch.events.map((e) => [e.eventId, e.recipients])).toEqual([
      ['reply:p1', ['a']],
      ['mention:p1', ['b', 'c']],
    ]);
    expect(dispatched).toEqual([id]);
    // The same events again are the same job; different ones another.
    await service.notifyMany(replies);
    expect(staged[1]!.jobId).toBe(staged[0]!.jobId);
    await service.notifyMany([replies[0]!, { ...replies[1]!, eventId: 'mention:p9' }]);
    expect(staged[2]!.jobId).not.toBe(staged[0]!.jobId);
    // One event is an ordinary fan-out, with the job id notify would give it.
    await service.notifyMany([replies[0]!]);
    await service.notify(replies[0]!);
    expect(staged.slice(3).map((s) => [s.name, s.jobId])).toEqual([
      ['fan-out', staged[4]!.jobId],
      ['fan-out', staged[4]!.jobId],
    ]);
    expect(await service.notifyMany([replies[2]!])).toBeNull();
    expect(await service.notifyMany([])).toBeNull();
    expect(staged).toHaveLength(5);
  });

  it('notifyWithin writes a few notifications in the caller’s transaction, and queues and announces them only once called after the commit', async () => {
    const kit = notificationsOverFakes();
    kit.people.set('alex', 'alex@example.org');
    kit.people.set('robin', null);
    await kit.service.savePreferences('alex', { timezone: 'UTC', quietHours: null, kinds: { reply: { email: 'immediate' } } });
    const tx = {} as never;
    const then = await kit.service.notifyWithin(tx, [
      { eventId: 'reply:p1', kind: 'reply', recipients: ['alex'], groupId: 'g1', subjectId: 't1' },
      { eventId: 'mention:p1', kind: 'mention', recipients: ['robin', 'erased'], groupId: 'g1', subjectId: 't1' },
    ]);
    expect(kit.store.notifications.map((n) => [n.eventId, n.userId])).toEqual([
      ['reply:p1', 'alex'],
      ['mention:p1', 'robin'],
    ]);
    expect(kit.store.deliveries.map((d) => [d.eventId, d.userId, d.channel, d.mode])).toEqual([
      ['reply:p1', 'alex', 'email', 'immediate'],
      ['mention:p1', 'robin', 'email', 'digest'],
    ]);
    // No outbox row and no fan-out job; nothing queued or told before the commit.
    expect(kit.staged).toEqual([]);
    expect(kit.jobs).toEqual([]);
    expect(kit.published).toEqual([]);
    await then();
    expect(kit.jobs.map((j) => j.opts.jobId)).toEqual([`deliver-${kit.store.deliveries[0]!.id}`]);
    expect(kit.published.map((p) => p.payload.userId)).toEqual(['alex', 'robin']);
  });

  it('notifyWithin sends more than it should write in the caller’s transaction through the outbox, dispatched only once called', async () => {
    const kit = notificationsOverFakes();
    const many = Array.from({ length: NOTIFY_WITHIN_MAX + 1 }, (_, i) => `member-${i}`);
    for (const id of many) kit.people.set(id, null);
    const then = await kit.service.notifyWithin({} as never, [{ eventId: 'mention:p1', kind: 'mention', recipients: many }]);
    expect(kit.store.notifications).toEqual([]);
    expect(kit.staged.map((row) => row.name)).toEqual(['fan-out']);
    expect(kit.dispatched).toEqual([]);
    await then();
    expect(kit.dispatched).toEqual(['1']);
    // Nobody to tell: nothing written, and nothing to do after.
    const none = await kit.service.notifyWithin({} as never, [{ eventId: 'reply:p2', kind: 'reply', recipients: [] }]);
    await none();
    expect(kit.staged).toHaveLength(1);
  });

  it('inside a transaction, leaves dispatch to the caller after commit', async () => {
    const { service, dispatched } = notificationsOverFakes();
    const id = await service.notify({ eventId: 'e', kind: 'sanction', recipients: ['a'] }, {} as never);
    expect(dispatched).toEqual([]);
    await service.dispatch([id, null]);
    expect(dispatched).toEqual([id]);
  });

  it('gives defaults to someone who never chose, keeps kinds left out, and refuses bad settings field by field', async () => {
    const { service } = notificationsOverFakes();
    const defaults = await service.preferencesOf('u1');
    expect(defaults).toMatchObject({ timezone: 'UTC', quietHours: null, showDetails: false });
    expect(defaults.kinds.reply).toEqual({ push: true, email: 'digest', neverQuiet: false });

    await service.savePreferences('u1', { timezone: 'Europe/London', quietHours: { from: '22:00', to: '07:00' }, kinds: { reply: { email: 'immediate' } } });
    const saved = await service.savePreferences('u1', {
      timezone: 'Europe/London',
      quietHours: { from: '22:00', to: '07:00' },
      kinds: { mention: { push: false } },
    });
    expect(saved.kinds.reply.email).toBe('immediate');
    expect(saved.kinds.mention.push).toBe(false);

    const refused = await service
      .savePreferences('u1', {
        timezone: 'Nowhere/Special',
        quietHours: { from: '7pm', to: '07:00' },
        kinds: { gossip: { push: true }, reply: { email: 'weekly' as never }, 'review-urgent': { neverQuiet: false } },
      })
      .catch((e: DomainError) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).extra.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'timezone' }),
        expect.objectContaining({ field: 'quietHours' }),
        expect.objectContaining({ field: 'kinds.gossip' }),
        expect.objectContaining({ field: 'kinds.reply.email' }),
        expect.objectContaining({ field: 'kinds.review-urgent.neverQuiet' }),
      ]),
    );
    expect((await service.preferencesOf('u1')).timezone).toBe('Europe/London');
  });

  it('unsubscribes by a mailed token without a session: that kind, or every kind from a digest; unknown tokens are 404', async () => {
    const { service } = notificationsOverFakes();
    const one = await service.unsubscribeToken('u1', 'reply');
    await service.unsubscribe(one);
    let now = await service.preferencesOf('u1');
    expect(now.kinds.reply.email).toBe('off');
    expect(now.kinds.mention.email).toBe('digest');
    await service.unsubscribe(one);
    const all = await service.unsubscribeToken('u1', null);
    await service.unsubscribe(all);
    now = await service.preferencesOf('u1');
    expect(Object.values(now.kinds).every((k) => k.email === 'off')).toBe(true);
    await expect(service.unsubscribe('not-a-token-we-made-ever-at-all')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.unsubscribe(hashToken(one))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('takes https push endpoints only in production, and local http elsewhere; one endpoint is one device', async () => {
    const production = notificationsOverFakes({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example:25', MFA_ENCRYPTION_KEY: 'a'.repeat(64) });
    await expect(production.service.subscribe('u1', { endpoint: 'http://127.0.0.1:9/push', keys: { p256dh, auth } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const { service, store } = notificationsOverFakes();
    for (const endpoint of ['http://169.254.169.254/latest', 'https://u:p@push.example/x', 'javascript:alert(1)']) {
      await expect(service.subscribe('u1', { endpoint, keys: { p256dh, auth } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(service.subscribe('u1', { endpoint: 'https://push.example/a', keys: { p256dh: auth, auth } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const first = await service.subscribe('u1', { endpoint: 'https://push.example/a', keys: { p256dh, auth } });
    // The same browser, now signed in as someone else, moves to them.
    const again = await service.subscribe('u2', { endpoint: 'https://push.example/a', keys: { p256dh, auth } });
    expect(again.id).toBe(first.id);
    expect(store.subscriptions).toEqual([expect.objectContaining({ userId: 'u2' })]);
    await expect(service.unsubscribeDevice('u1', first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.unsubscribeDevice('u2', first.id);
    expect(store.subscriptions).toEqual([]);
  });

  it('makes the VAPID key pair once and serves its public key', async () => {
    const { service, store } = notificationsOverFakes();
    const key = await service.vapidPublicKey();
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);
    expect(await service.vapidPublicKey()).toBe(key);
    expect(store.vapid?.publicKey).toBe(key);
  });
});
