import { Logger } from '@nestjs/common';
import type { AuditLogService, NewAuditEntry } from '@kindred/audit';
import type { Transactions } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { ApplicationsService, GroupsService } from '@kindred/groups';
import type { ReviewItem } from '../review/review-item.entity';
import type { ReviewItemsRepository } from '../review/review-items.repository';
import type { ReviewItemsService } from '../review/review-items.service';
import type { NotificationsService } from '@kindred/notifications';
import { CountingTransactions, FakeModerationAlertsRepository, FakeReviewItemsRepository, RecordingNotifications } from '../review/review.fakes';
import { SafeguardingAlerts } from './safeguarding-alerts';
import { DeadlinesService } from './deadlines.service';
import type { ModerationAlertsRepository } from './moderation-alerts.repository';

Logger.overrideLogger(false);

const T0 = Date.UTC(2026, 0, 1, 12);
const minutes = (n: number) => new Date(T0 + n * 60_000);

/** DeadlinesService over in-memory review items and alerts; the clock is the `now` given to tick. */
function deadlines(options: { supporters?: Record<string, string[]> } = {}) {
  const items = new FakeReviewItemsRepository();
  const alerts = new FakeModerationAlertsRepository();
  const groups = {
    getSettings: async () => null,
    supporterIds: async (groupId: string) => options.supporters?.[groupId] ?? ['s1', 's2'],
    adminIds: async () => ['admin'],
  } as unknown as GroupsService;
  const pending: Array<{ id: string; groupId: string; createdAt: Date; dueAt: Date }> = [];
  const applications = { pendingPastDue: async (now: Date) => pending.filter((a) => a.dueAt <= now) } as unknown as ApplicationsService;
  const reviewItems = { views: async (rows: ReviewItem[]) => rows.map((r) => ({ id: r.id })) } as unknown as ReviewItemsService;
  const audited: NewAuditEntry[] = [];
  const audit = { record: async (_tx: unknown, entry: NewAuditEntry) => void audited.push(entry) } as unknown as AuditLogService;
  const events: Array<{ groupId: string; kind: string; item: Record<string, unknown>; audience: string }> = [];
  const bus = { publish: async (_name: string, payload: (typeof events)[number]) => void events.push(payload) } as unknown as EventBus;
  const notifications = new RecordingNotifications();
  const service = new DeadlinesService(
    new CountingTransactions() as unknown as Transactions,
    items as unknown as ReviewItemsRepository,
    alerts as unknown as ModerationAlertsRepository,
    groups,
    applications,
    reviewItems,
    audit,
    bus,
    new SafeguardingAlerts(notifications as unknown as NotificationsService, groups),
  );
  /** An open item created at T0 with a deadline `sla` minutes later. */
  function open(id: string, overrides: Partial<ReviewItem> = {}) {
    items.rows.push({
      id,
      groupId: 'g1',
      kind: 'post',
      subjectType: 'post',
      subjectId: `post-${id}`,
      subjectRevision: 1,
      subjectAuthorId: 'author',
      reasons: [],
      priority: 'normal',
      audience: 'supporters',
      status: 'open',
      createdAt: minutes(0),
      dueAt: minutes(60),
      overdueNotifiedAt: null,
      escalatedAt: null,
      claimedBy: 's1',
      claimedAt: minutes(1),
      decidedBy: null,
      decidedAt: null,
      decision: null,
      subjectChange: null,
      subjectSnapshot: null,
      appeal: null,
      ...overrides,
    });
  }
  return { service, items, alerts, pending, audited, events, open, notifications };
}

describe('DeadlinesService.tick (in-memory review items and alerts)', () => {
  it('does nothing before an item falls due', async () => {
    const d = deadlines();
    d.open('r1');
    await expect(d.service.tick(minutes(59))).resolves.toEqual({ overdue: 0, escalated: 0, applicationAlerts: 0 });
    expect(d.alerts.rows).toEqual([]);
    expect(d.events).toEqual([]);
  });

  it("tells the group's supporters once when an item passes its deadline, with an alert each", async () => {
    const d = deadlines();
    d.open('r1');
    await expect(d.service.tick(minutes(60))).resolves.toEqual({ overdue: 1, escalated: 0, applicationAlerts: 0 });
    expect(d.alerts.rows.map((a) => `${a.userId}:${a.kind}:${a.subjectId}`)).toEqual(['s1:overdue:r1', 's2:overdue:r1']);
    expect(d.events).toEqual([{ groupId: 'g1', kind: 'review:overdue', item: { id: 'r1' }, audience: 'supporters' }]);
    await expect(d.service.tick(minutes(61))).resolves.toEqual({ overdue: 0, escalated: 0, applicationAlerts: 0 });
    expect(d.alerts.rows).toHaveLength(2);
    expect(d.events).toHaveLength(1);
  });

  it('tells the admins instead when the group has no supporters, so nothing is silently overdue', async () => {
    const d = deadlines({ supporters: { g1: [] } });
    d.open('r1');
    await d.service.tick(minutes(60));
    expect(d.alerts.rows.map((a) => a.userId)).toEqual(['admin']);
    expect(d.events[0]).toMatchObject({ audience: 'admins' });
  });

  it('tells only the admins about an item that is theirs to review', async () => {
    const d = deadlines();
    d.open('r1', { audience: 'admins' });
    await d.service.tick(minutes(60));
    expect(d.alerts.rows.map((a) => a.userId)).toEqual(['admin']);
    expect(d.events[0]).toMatchObject({ audience: 'admins' });
  });

  it("escalates to the admins at twice the deadline, ending the supporter's claim, audited as automatic", async () => {
    const d = deadlines();
    d.open('r1');
    await d.service.tick(minutes(60));
    await expect(d.service.tick(minutes(119))).resolves.toMatchObject({ escalated: 0 });
    await expect(d.service.tick(minutes(120))).resolves.toEqual({ overdue: 0, escalated: 1, applicationAlerts: 0 });
    expect(d.items.rows[0]).toMatchObject({ audience: 'admins', claimedBy: null, escalatedAt: minutes(120) });
    expect(d.alerts.rows.filter((a) => a.kind === 'escalated').map((a) => a.userId)).toEqual(['admin']);
    expect(d.audited).toEqual([
      expect.objectContaining({ actorId: null, action: 'review.escalate', subjectId: 'post-r1', detail: expect.objectContaining({ automatic: true }) }),
    ]);
    await expect(d.service.tick(minutes(200))).resolves.toMatchObject({ escalated: 0 });
  });

  it('leaves decided items alone', async () => {
    const d = deadlines();
    d.open('r1', { status: 'decided', decidedAt: minutes(30) });
    await expect(d.service.tick(minutes(500))).resolves.toEqual({ overdue: 0, escalated: 0, applicationAlerts: 0 });
  });

  it('drains a burst in one tick, beyond a single batch', async () => {
    const d = deadlines();
    for (let i = 0; i < 450; i += 1) d.open(`r${i}`);
    await expect(d.service.tick(minutes(60))).resolves.toMatchObject({ overdue: 450 });
  });

  it('tells supporters once about an overdue application and admins once when it escalates', async () => {
    const d = deadlines();
    d.pending.push({ id: 'a1', groupId: 'g1', createdAt: minutes(0), dueAt: minutes(60) });
    await expect(d.service.tick(minutes(60))).resolves.toMatchObject({ applicationAlerts: 1 });
    await expect(d.service.tick(minutes(90))).resolves.toMatchObject({ applicationAlerts: 0 });
    await expect(d.service.tick(minutes(120))).resolves.toMatchObject({ applicationAlerts: 1 });
    await expect(d.service.tick(minutes(130))).resolves.toMatchObject({ applicationAlerts: 0 });
    expect(d.alerts.rows.map((a) => `${a.userId}:${a.kind}:${a.subjectType}`)).toEqual([
      's1:overdue:application',
      's2:overdue:application',
      'admin:escalated:application',
    ]);
    expect(d.events.map((e) => [e.audience, e.item.escalated ?? false])).toEqual([
      ['supporters', false],
      ['admins', true],
    ]);
  });
});

describe('DeadlinesService: alerts by push and mail (through NotificationsService)', () => {
  it('tells the supporters once that an item is past its deadline, in the claiming transaction, then escalates to the admins', async () => {
    const d = deadlines();
    d.open('r1');
    await d.service.tick(minutes(60));
    await d.service.tick(minutes(61));
    expect(d.notifications.byEvent()).toEqual({ 'review-overdue:r1': ['s1', 's2'] });
    expect(d.notifications.sent[0].event).toMatchObject({
      kind: 'review-overdue',
      urgent: false,
      groupId: 'g1',
      subjectId: 'r1',
      path: '/community/g1/review',
    });
    // Written with the claim (the outbox row commits with it), handed to the queue after.
    expect(d.notifications.sent[0].tx).toBeDefined();
    expect(d.notifications.dispatched).toEqual([d.notifications.sent[0].outboxId]);
    await d.service.tick(minutes(120));
    expect(d.notifications.byEvent()).toEqual({ 'review-overdue:r1': ['s1', 's2'], 'review-overdue:r1:escalated': ['admin'] });
    expect(d.notifications.sent[1].event).toMatchObject({ kind: 'review-overdue', urgent: false });
  });

  it('escalates an urgent item nobody claimed to the admins at its deadline, and again at twice it, through quiet hours', async () => {
    const d = deadlines();
    d.open('u1', { priority: 'urgent', dueAt: minutes(15), claimedBy: null, claimedAt: null });
    await d.service.tick(minutes(15));
    expect(d.notifications.byEvent()).toEqual({ 'review-urgent:u1:escalated:1': ['admin'], 'review-overdue:u1': ['s1', 's2'] });
    expect(d.notifications.sent[0].event).toMatchObject({ kind: 'review-urgent', urgent: true });
    await d.service.tick(minutes(30));
    expect(d.notifications.byEvent()['review-urgent:u1:escalated:2']).toEqual(['admin']);
    expect(d.notifications.sent.at(-1)!.event).toMatchObject({ kind: 'review-urgent', urgent: true });
  });

  it('does not escalate at the deadline an urgent item a supporter has claimed; at twice the deadline it still does', async () => {
    const d = deadlines();
    d.open('u1', { priority: 'urgent', dueAt: minutes(15), claimedBy: 's1', claimedAt: minutes(10) });
    await d.service.tick(minutes(15));
    expect(Object.keys(d.notifications.byEvent())).toEqual(['review-overdue:u1']);
    await d.service.tick(minutes(30));
    expect(d.notifications.byEvent()['review-urgent:u1:escalated:2']).toEqual(['admin']);
  });

  it('counts a lapsed claim (its supporter went away) as nobody claiming the urgent item', async () => {
    const d = deadlines();
    d.open('u1', { priority: 'urgent', dueAt: minutes(15), claimedBy: 's1', claimedAt: minutes(2) });
    await d.service.tick(minutes(15));
    expect(d.notifications.byEvent()['review-urgent:u1:escalated:1']).toEqual(['admin']);
  });

  it('never tells the person whose words raised the item, even a supporter', async () => {
    const d = deadlines();
    d.open('u1', { priority: 'urgent', dueAt: minutes(15), subjectAuthorId: 's1', claimedBy: null, claimedAt: null });
    await d.service.tick(minutes(15));
    expect(d.notifications.byEvent()).toEqual({ 'review-urgent:u1:escalated:1': ['admin'], 'review-overdue:u1': ['s2'] });
  });
});

describe('DeadlinesService.nextReviewMoments', () => {
  it('is when the next open item falls due and when the next escalates', async () => {
    const d = deadlines();
    d.open('r1', { dueAt: minutes(30) });
    d.open('r2', { dueAt: minutes(10), overdueNotifiedAt: minutes(10) });
    await expect(d.service.nextReviewMoments()).resolves.toEqual({ overdueAt: minutes(30).getTime(), escalationAt: minutes(20).getTime() });
  });
});
