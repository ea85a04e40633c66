import type { Tx } from '@kindred/database';
import type { EventBus } from '@kindred/events';
import type { GroupsService } from '@kindred/groups';
import type { IdentityService } from '@kindred/identity';
import type { ContentReportsRepository } from '../reports/content-reports.repository';
import type { ScreeningSources } from '../screening-pipeline/screening-source';
import type { EnforcementHistoryRepository } from './enforcement-history.repository';
import type { ReviewItemsRepository } from './review-items.repository';
import { OpenReviewItem, ReviewItemsService } from './review-items.service';
import { FakeReviewItemsRepository } from './review.fakes';

function service() {
  const items = new FakeReviewItemsRepository();
  const reviewItems = new ReviewItemsService(
    items as unknown as ReviewItemsRepository,
    {} as EnforcementHistoryRepository,
    {} as ContentReportsRepository,
    {} as ScreeningSources,
    {} as IdentityService,
    {} as EventBus,
    {} as GroupsService,
  );
  return { items, reviewItems };
}

const tx = {} as Tx;
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
const screening = (overrides: Partial<OpenReviewItem> = {}): OpenReviewItem => ({
  groupId: 'g1',
  kind: 'post',
  subjectType: 'post',
  subjectId: 'p1',
  subjectRevision: 1,
  subjectAuthorId: 'author',
  reasons: [{ source: 'rule', detail: 'links' }],
  priority: 'normal',
  audience: 'supporters',
  dueAt: at(60),
  ...overrides,
});

describe('ReviewItemsService.openOrMerge (in-memory repository)', () => {
  it('opens one item per subject; what comes later joins it', async () => {
    const { reviewItems, items } = service();
    await expect(reviewItems.openOrMerge(tx, screening())).resolves.toMatchObject({ created: true, item: { status: 'open' } });
    await expect(
      reviewItems.openOrMerge(tx, screening({ reasons: [{ source: 'reports', detail: '1 member reported this', clauseKey: 'k' }] })),
    ).resolves.toMatchObject({
      created: false,
    });
    expect(items.rows).toHaveLength(1);
    expect(items.rows[0]!.reasons.map((r) => r.source)).toEqual(['rule', 'reports']);
  });

  it('only raises urgency, brings the deadline forward, widens the audience to admins, and never lowers them', async () => {
    const { reviewItems, items } = service();
    await reviewItems.openOrMerge(tx, screening({ priority: 'urgent', dueAt: at(15), audience: 'admins' }));
    await reviewItems.openOrMerge(tx, screening({ priority: 'normal', dueAt: at(60), audience: 'supporters', subjectRevision: 2 }));
    expect(items.rows[0]).toMatchObject({ priority: 'urgent', dueAt: at(15), audience: 'admins', subjectRevision: 2 });
  });

  it('replaces an older report count for the same clause instead of piling one beside it, and keeps distinct reasons once', async () => {
    const { reviewItems, items } = service();
    const reports = (n: number, clauseKey = 'kindness') => ({ source: 'reports' as const, detail: `${n} members reported this`, clauseKey });
    await reviewItems.openOrMerge(tx, screening({ kind: 'report', reasons: [reports(1)] }));
    await reviewItems.openOrMerge(tx, screening({ kind: 'report', reasons: [reports(2)] }));
    await reviewItems.openOrMerge(tx, screening({ kind: 'report', reasons: [reports(1, 'privacy'), reports(2)] }));
    expect(items.rows[0]!.reasons.map((r) => `${r.clauseKey}:${r.detail}`)).toEqual(['privacy:1 members reported this', 'kindness:2 members reported this']);
  });

  it('turns the open item into an appeal when an appeal joins it, keeping the appeal', async () => {
    const { reviewItems, items } = service();
    await reviewItems.openOrMerge(tx, screening({ kind: 'report' }));
    const appeal = { noticeId: 'n1', text: 'Please look again', originalDecidedBy: 'm1', originalReviewItemId: 'r0' };
    await reviewItems.openOrMerge(tx, screening({ kind: 'appeal', appeal }));
    await reviewItems.openOrMerge(tx, screening({ kind: 'report' }));
    expect(items.rows[0]).toMatchObject({ kind: 'appeal', appeal });
  });

  it('supersedes only plain screening items about a subject screened clean: never urgent or report items', async () => {
    const { reviewItems, items } = service();
    await reviewItems.openOrMerge(tx, screening({ subjectId: 'a' }));
    await reviewItems.openOrMerge(tx, screening({ subjectId: 'b', priority: 'urgent' }));
    await reviewItems.openOrMerge(tx, screening({ subjectId: 'c', kind: 'report' }));
    await reviewItems.supersedeOpenMany(tx, 'post', ['a', 'b', 'c']);
    expect(items.rows.map((r) => `${r.subjectId}:${r.status}`)).toEqual(['a:superseded', 'b:open', 'c:open']);
  });
});
