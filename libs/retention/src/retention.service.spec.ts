import type { AuditLogService, NewAuditEntry } from '@kindred/audit';
import type { ChatRetentionService } from '@kindred/chat';
import type { KindredConfig } from '@kindred/config';
import type { Transactions, Tx } from '@kindred/database';
import type { ReviewItemsService } from '@kindred/moderation';
import type { NoticesService } from '@kindred/notifications';
import { RetentionService } from './retention.service';

function service(purged: { messages: Array<[string, number]>; notices: Array<[string, number]>; reviewItems: Array<[string, number]> }) {
  const recorded: NewAuditEntry[] = [];
  let transactions = 0;
  const retention = new RetentionService(
    { run: async <T>(work: (tx: Tx) => Promise<T>) => (transactions++, work({} as Tx)) } as unknown as Transactions,
    { retention: { noticeDays: 30, closedReviewItemDays: 180 } } as KindredConfig,
    { purgeByGroup: async () => new Map(purged.messages) } as unknown as ChatRetentionService,
    { purgeOlderThan: async () => new Map(purged.notices) } as unknown as NoticesService,
    { purgeClosedOlderThan: async () => new Map(purged.reviewItems) } as unknown as ReviewItemsService,
    { record: async (_tx: Tx, entry: NewAuditEntry) => void recorded.push(entry) } as unknown as AuditLogService,
  );
  return { retention, recorded, transactions: () => transactions };
}

describe('RetentionService (in-memory)', () => {
  it('adds up each group’s purges and records one entry per group, counts only', async () => {
    const { retention, recorded, transactions } = service({
      messages: [['g1', 3]],
      notices: [
        ['g1', 2],
        ['', 4],
      ],
      reviewItems: [['g2', 1]],
    });
    const byGroup = await retention.purgeAll();
    expect(byGroup.get('g1')).toEqual({ messages: 3, notices: 2, closedReviewItems: 0 });
    expect(recorded).toHaveLength(3);
    expect(recorded.find((e) => e.groupId === 'g1')!.detail).toMatchObject({ messages: 3, notices: 2, chatRetentionDaysApplied: true, noticeDays: 30 });
    // Notices that belong to no group are recorded against the platform.
    expect(recorded.find((e) => e.groupId === null)).toMatchObject({ subjectId: '00000000-0000-0000-0000-000000000000', detail: { notices: 4 } });
    expect(transactions()).toBe(1);
  });

  it('records nothing when nothing was purged', async () => {
    const { retention, recorded, transactions } = service({ messages: [], notices: [], reviewItems: [] });
    await expect(retention.purgeAll()).resolves.toEqual(new Map());
    expect(recorded).toHaveLength(0);
    expect(transactions()).toBe(0);
  });
});
