import { DEFAULT_MODERATION, type GroupSettings, type GroupsService, type ParticipationService } from '@kindred/groups';
import { DomainError } from '@kindred/http';
import type { AuthUser } from '@kindred/identity';
import type { ReviewItem } from '../review/review-item.entity';
import type { ReviewItemsRepository } from '../review/review-items.repository';
import { FakeReviewItemsRepository } from '../review/review.fakes';
import { ModerationMetricsService } from './moderation-metrics.service';

// Thursday 1 January 2026, 12:00 in London (GMT).
const NOW = new Date(Date.UTC(2026, 0, 1, 12));
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const supporter = { id: 's1', isAdmin: false } as AuthUser;
const admin = { id: 'a1', isAdmin: true } as AuthUser;

function metrics(options: { coverage?: GroupSettings['moderation']['coverage']; group?: boolean } = {}) {
  const items = new FakeReviewItemsRepository();
  const participation = {
    assertModerator: async (user: AuthUser) => {
      if (user.id === 'member') throw DomainError.forbidden();
      return user.isAdmin ? 'admin' : 'supporter';
    },
  } as unknown as ParticipationService;
  const settings = { moderation: { ...DEFAULT_MODERATION, coverage: options.coverage ?? DEFAULT_MODERATION.coverage, timezone: 'Europe/London' } };
  const groups = { getSettings: async () => (options.group === false ? null : settings) } as unknown as GroupsService;
  const service = new ModerationMetricsService(items as unknown as ReviewItemsRepository, participation, groups);
  let n = 0;
  const item = (overrides: Partial<ReviewItem>) =>
    void items.rows.push({
      id: `r${++n}`,
      groupId: 'g1',
      priority: 'normal',
      audience: 'supporters',
      status: 'open',
      createdAt: hoursAgo(1),
      dueAt: hoursAgo(-3),
      decidedAt: null,
      ...overrides,
    } as ReviewItem);
  return { service, items, item };
}

describe('ModerationMetricsService.forGroup (in-memory review items)', () => {
  it('counts open, overdue and urgent items, and decisions of the last day', async () => {
    const m = metrics();
    m.item({});
    m.item({ priority: 'urgent' });
    m.item({ dueAt: hoursAgo(1), createdAt: hoursAgo(5) });
    m.item({ status: 'decided', createdAt: hoursAgo(3), decidedAt: hoursAgo(2), dueAt: hoursAgo(-1) });
    m.item({ status: 'decided', createdAt: hoursAgo(50), decidedAt: hoursAgo(48), dueAt: hoursAgo(40) });
    await expect(m.service.forGroup(supporter, 'g1', NOW)).resolves.toMatchObject({ open: 3, overdue: 1, urgentOpen: 1, decidedLast24h: 1 });
  });

  it('gives nearest-rank times to decision over the last week, and null when none', async () => {
    const m = metrics();
    await expect(m.service.forGroup(supporter, 'g1', NOW)).resolves.toMatchObject({ timeToDecisionSeconds: { p50: null, p95: null } });
    for (const seconds of [10, 20, 30, 40]) m.item({ status: 'decided', createdAt: new Date(hoursAgo(1).getTime() - seconds * 1000), decidedAt: hoursAgo(1) });
    const { timeToDecisionSeconds } = await m.service.forGroup(supporter, 'g1', NOW);
    expect(timeToDecisionSeconds).toEqual({ p50: 20, p95: 40 });
  });

  it('counts the items still undecided at a deadline in the last week as breaches', async () => {
    const m = metrics();
    m.item({ dueAt: hoursAgo(2), createdAt: hoursAgo(6) });
    m.item({ status: 'decided', createdAt: hoursAgo(6), dueAt: hoursAgo(4), decidedAt: hoursAgo(3) });
    m.item({ status: 'decided', createdAt: hoursAgo(6), dueAt: hoursAgo(2), decidedAt: hoursAgo(5) });
    m.item({ dueAt: hoursAgo(24 * 8), createdAt: hoursAgo(24 * 9) });
    await expect(m.service.forGroup(supporter, 'g1', NOW)).resolves.toMatchObject({ slaBreachesLast7d: 2 });
  });

  it("leaves the admins' items out of a supporter's counts and in an admin's", async () => {
    const m = metrics();
    m.item({});
    m.item({ audience: 'admins' });
    await expect(m.service.forGroup(supporter, 'g1', NOW)).resolves.toMatchObject({ open: 1 });
    await expect(m.service.forGroup(admin, 'g1', NOW)).resolves.toMatchObject({ open: 2 });
  });

  it("says whether someone is on cover now, in the group's time zone", async () => {
    const m = metrics({ coverage: [{ days: [4], from: '11:00', to: '13:00' }] });
    await expect(m.service.forGroup(supporter, 'g1', NOW)).resolves.toMatchObject({ coveredNow: true });
    await expect(m.service.forGroup(supporter, 'g1', new Date(Date.UTC(2026, 0, 1, 14)))).resolves.toMatchObject({ coveredNow: false });
  });

  it('is for moderators only, and a group that has gone is not found', async () => {
    await expect(metrics().service.forGroup({ id: 'member', isAdmin: false } as AuthUser, 'g1', NOW)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(metrics({ group: false }).service.forGroup(supporter, 'g1', NOW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
