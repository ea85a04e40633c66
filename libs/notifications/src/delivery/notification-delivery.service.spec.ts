import type { NotificationFanOutJob } from '@kindred/queues';
import { notificationsOverFakes } from '../notifications.spec-kit';
import { DELIVERY_ATTEMPTS } from './notification-delivery.service';

const p256dh = Buffer.alloc(65, 4).toString('base64url');
const auth = Buffer.alloc(16, 7).toString('base64url');

function event(overrides: Partial<NotificationFanOutJob> = {}): NotificationFanOutJob {
  return {
    eventId: 'reply:p1',
    kind: 'reply',
    recipients: ['u1'],
    groupId: 'g1',
    subjectId: 't1',
    title: null,
    path: null,
    urgent: false,
    ignoreQuietHours: false,
    groupName: 'Kidney friends',
    count: 1,
    ...overrides,
  };
}

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

describe('NotificationDelivery (in-memory repositories)', () => {
  async function setUp(env: Record<string, string> = {}) {
    const kit = notificationsOverFakes(env);
    kit.people.set('u1', 'u1@example.org');
    kit.people.set('u2', null);
    await kit.service.subscribe('u1', { endpoint: 'https://push.example/u1', keys: { p256dh, auth } });
    kit.store.now = Date.now();
    return kit;
  }

  it('writes each person’s notification once, with push only for those with a device and mail per preference, and tells their sockets', async () => {
    const kit = await setUp();
    await kit.service.savePreferences('u1', { timezone: 'UTC', quietHours: null, kinds: { reply: { email: 'immediate' } } });
    const result = await kit.delivery.fanOut(event({ recipients: ['u1', 'u2', 'erased'] }));
    expect(result).toEqual({ notified: 2, deliveries: 3 });
    expect(kit.store.deliveries.map((d) => [d.userId, d.channel, d.mode, d.state])).toEqual([
      ['u1', 'push', 'immediate', 'pending'],
      ['u1', 'email', 'immediate', 'pending'],
      // u2 has no device, and the default for replies is the digest.
      ['u2', 'email', 'digest', 'pending'],
    ]);
    expect(kit.jobs.map((j) => j.opts.jobId)).toEqual(kit.store.deliveries.slice(0, 2).map((d) => `deliver-${d.id}`));
    expect(kit.published.map((p) => [p.name, p.payload.userId, p.payload.notification.title])).toEqual([
      ['notification.created', 'u1', 'You have a new reply'],
      ['notification.created', 'u2', 'You have a new reply'],
    ]);
    // A repeat of the job (a retry, a second worker) writes and sends nothing more.
    expect(await kit.delivery.fanOut(event({ recipients: ['u1', 'u2'] }))).toEqual({ notified: 0, deliveries: 0 });
  });

  it('fans several events out together: each person told of each event once, and an event named twice at its highest count', async () => {
    const kit = await setUp();
    const result = await kit.delivery.fanOutMany([
      event({ eventId: 'reply:p1', recipients: ['u1', 'erased'] }),
      event({ eventId: 'reply:p2', recipients: ['u1', 'u2', 'u1'] }),
      event({ eventId: 'reaction:p3', kind: 'reaction', recipients: ['u2'], count: 2 }),
      event({ eventId: 'reaction:p3', kind: 'reaction', recipients: ['u2'], count: 4 }),
      event({ eventId: 'odd:p4', kind: 'no-such-kind' as never, recipients: ['u1'] }),
    ]);
    expect(kit.store.notifications.map((n) => [n.eventId, n.userId, n.count]).sort()).toEqual([
      ['reaction:p3', 'u2', 4],
      ['reply:p1', 'u1', 1],
      ['reply:p2', 'u1', 1],
      ['reply:p2', 'u2', 1],
    ]);
    expect(result.notified).toBe(4);
    expect(kit.published.map((p) => [p.payload.userId, p.payload.notification.title]).sort()).toEqual([
      ['u1', 'You have a new reply'],
      ['u1', 'You have a new reply'],
      ['u2', '4 people sent support'],
      ['u2', 'You have a new reply'],
    ]);
    // u1 has a device: a push for each of their two replies.
    expect(kit.store.deliveries.filter((d) => d.channel === 'push').map((d) => [d.eventId, d.userId])).toEqual([
      ['reply:p1', 'u1'],
      ['reply:p2', 'u1'],
    ]);
    // Again (a retry): nothing more.
    expect(await kit.delivery.fanOutMany([event({ eventId: 'reply:p1', recipients: ['u1'] }), event({ eventId: 'reply:p2', recipients: ['u2'] })])).toEqual({
      notified: 0,
      deliveries: 0,
    });
  });

  it('holds push and mail in quiet hours until they end, except never-quiet kinds and urgent events', async () => {
    const kit = await setUp();
    const now = Date.now();
    await kit.service.savePreferences('u1', {
      timezone: 'UTC',
      quietHours: { from: hhmm(now - 3600_000), to: hhmm(now + 3600_000) },
      kinds: { reply: { email: 'immediate' }, mention: { neverQuiet: true } },
    });
    await kit.delivery.fanOut(event());
    const held = kit.store.deliveries.filter((d) => d.eventId === 'reply:p1');
    expect(held.map((d) => d.state)).toEqual(['held', 'held']);
    expect(held[0]!.dueAt.getTime()).toBeGreaterThan(now + 3000_000);
    expect(kit.jobs[0]!.opts.delay).toBeGreaterThan(3000_000);
    // Not sent before it is due.
    expect(await kit.delivery.deliver(held[0]!.id, 1)).toBe('not-due');
    expect(kit.pushes).toEqual([]);

    await kit.delivery.fanOut(event({ eventId: 'mention:p2', kind: 'mention' }));
    await kit.delivery.fanOut(event({ eventId: 'urgent:i1', kind: 'review-urgent', urgent: true, ignoreQuietHours: true }));
    expect(kit.store.deliveries.filter((d) => d.eventId !== 'reply:p1').map((d) => [d.eventId, d.channel, d.state])).toEqual([
      ['mention:p2', 'push', 'pending'],
      ['mention:p2', 'email', 'pending'],
      ['urgent:i1', 'push', 'pending'],
      ['urgent:i1', 'email', 'pending'],
    ]);
  });

  it('sends a push once, discreetly, and the mail with its unsubscribe link; a repeat of the job sends nothing', async () => {
    const kit = await setUp();
    await kit.service.savePreferences('u1', { timezone: 'UTC', quietHours: null, kinds: { reply: { email: 'immediate' } } });
    await kit.delivery.fanOut(event());
    const [push, mail] = kit.store.deliveries;
    expect(await kit.delivery.deliver(push!.id, 1)).toBe('sent');
    expect(await kit.delivery.deliver(push!.id, 1)).toBe('done');
    expect(kit.pushes).toHaveLength(1);
    expect(kit.pushes[0]!.payload).toMatchObject({ kind: 'reply', title: 'Kindred: you have a new reply', body: 'Open Kindred to see it.' });
    expect(JSON.stringify(kit.pushes[0])).not.toContain('Kidney');

    expect(await kit.delivery.deliver(mail!.id, 1)).toBe('sent');
    expect(await kit.delivery.deliver(mail!.id, 2)).toBe('done');
    expect(kit.mails).toHaveLength(1);
    expect(kit.mails[0]).toMatchObject({
      messageId: `notification-${mail!.id}`,
      to: 'u1@example.org',
      message: { template: 'notification', lines: ['you have a new reply'] },
    });
    const unsubscribe = new URL(kit.mails[0]!.message.links.unsubscribe!);
    await kit.service.unsubscribe(unsubscribe.searchParams.get('token')!);
    expect((await kit.service.preferencesOf('u1')).kinds.reply.email).toBe('off');
    expect(kit.store.deliveries.map((d) => d.state)).toEqual(['sent', 'sent']);
  });

  it('retries a failed send, then records it as failed after the last attempt; a device the push service dropped is forgotten', async () => {
    const kit = await setUp();
    await kit.service.savePreferences('u1', { timezone: 'UTC', quietHours: null, kinds: { reply: { email: 'immediate' } } });
    await kit.delivery.fanOut(event());
    const [push, mail] = kit.store.deliveries;
    kit.mailer.failNext = DELIVERY_ATTEMPTS;
    await expect(kit.delivery.deliver(mail!.id, 1)).rejects.toThrow('SMTP down');
    expect(kit.store.deliveries[1]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'SMTP down' });
    await expect(kit.delivery.deliver(mail!.id, DELIVERY_ATTEMPTS)).rejects.toThrow('SMTP down');
    expect(kit.store.deliveries[1]).toMatchObject({ state: 'failed', attempts: 2 });

    kit.pushService.answers.set('https://push.example/u1', 'gone');
    expect(await kit.delivery.deliver(push!.id, 1)).toBe('skipped');
    expect(kit.store.subscriptions).toEqual([]);
  });

  it('a sender that died mid-send is taken over only once its claim runs out; devices already reached are skipped', async () => {
    const kit = await setUp({ NOTIFICATIONS_CLAIM_SECONDS: '30' });
    await kit.service.subscribe('u1', { endpoint: 'https://push.example/u1-phone', keys: { p256dh, auth } });
    await kit.delivery.fanOut(event());
    const push = kit.store.deliveries[0]!;
    // The first device answers, the second fails: the retry sends only to the second.
    kit.pushService.answers.set('https://push.example/u1-phone', 'fail');
    await expect(kit.delivery.deliver(push.id, 1)).rejects.toThrow('503');
    kit.pushService.answers.clear();
    expect(await kit.delivery.deliver(push.id, 2)).toBe('sent');
    expect(kit.pushes.map((p) => p.endpoint)).toEqual(['https://push.example/u1', 'https://push.example/u1-phone']);

    await kit.delivery.fanOut(event({ eventId: 'reply:p9' }));
    const next = kit.store.deliveries.find((d) => d.eventId === 'reply:p9')!;
    // Claimed by a sender that then died.
    Object.assign(next, { state: 'sending', claimedAt: kit.store.now, attempts: 1 });
    await expect(kit.delivery.deliver(next.id, 2)).rejects.toThrow('being sent by another attempt');
    kit.store.now += 31_000;
    expect(await kit.delivery.deliver(next.id, 3)).toBe('sent');
    expect(kit.pushes).toHaveLength(4);
  });

  it('gathers a person’s due digest items into one mail on the tick, and two ticks send it once', async () => {
    const kit = await setUp();
    await kit.service.savePreferences('u1', {
      timezone: 'UTC',
      quietHours: null,
      kinds: { reply: { push: false, email: 'digest' }, mention: { push: false } },
    });
    await kit.delivery.fanOut(event({ eventId: 'reply:a' }));
    await kit.delivery.fanOut(event({ eventId: 'reply:b' }));
    await kit.delivery.fanOut(event({ eventId: 'mention:c', kind: 'mention' }));
    expect(await kit.delivery.tick()).toEqual({ requeued: 0, digests: 0 });
    kit.store.now += 25 * 3600_000;
    const [first, second] = await Promise.all([kit.delivery.tick(), kit.delivery.tick()]);
    expect(first.digests + second.digests).toBe(1);
    expect(kit.mails).toHaveLength(1);
    expect(kit.mails[0]!.message).toMatchObject({ template: 'notification-digest', lines: ['2 new replies', 'Someone mentioned you'] });
    expect(new Set(kit.store.deliveries.map((d) => d.digestId)).size).toBe(1);
    expect(kit.store.deliveries.every((d) => d.state === 'sent')).toBe(true);
  });

  it('requeues deliveries whose job was lost', async () => {
    const kit = await setUp();
    await kit.delivery.fanOut(event());
    kit.jobs.length = 0;
    kit.store.now += 120_000;
    expect(await kit.delivery.tick()).toEqual({ requeued: 1, digests: 0 });
    expect(kit.jobs.map((j) => j.name)).toEqual(['deliver']);
  });
});
