import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@kindred/audit';
import { ChatRetentionService } from '@kindred/chat';
import { APP_CONFIG, KindredConfig } from '@kindred/config';
import { Transactions } from '@kindred/database';
import { ReviewItemsService } from '@kindred/moderation';
import { NoticesService } from '@kindred/notifications';

export interface PurgeCounts {
  messages: number;
  notices: number;
  closedReviewItems: number;
}

/** Stands in the audit log's subject for purges that belong to no group. */
const NO_GROUP = '00000000-0000-0000-0000-000000000000';

/**
 * Keeps data only as long as it is needed: chat per each group's retention period, notices and
 * closed review items per platform setting. Each run records what it purged in the audit log,
 * as counts per group and nothing else.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: KindredConfig,
    private readonly chat: ChatRetentionService,
    private readonly notices: NoticesService,
    private readonly reviewItems: ReviewItemsService,
    private readonly audit: AuditLogService,
  ) {}

  async purgeAll(): Promise<Map<string, PurgeCounts>> {
    const [messages, notices, closedReviewItems] = [
      await this.chat.purgeByGroup(),
      await this.notices.purgeOlderThan(this.config.retention.noticeDays),
      await this.reviewItems.purgeClosedOlderThan(this.config.retention.closedReviewItemDays),
    ];
    const byGroup = new Map<string, PurgeCounts>();
    const add = (counts: Map<string, number>, field: keyof PurgeCounts) => {
      for (const [groupId, n] of counts) {
        const entry = byGroup.get(groupId) ?? { messages: 0, notices: 0, closedReviewItems: 0 };
        entry[field] += n;
        byGroup.set(groupId, entry);
      }
    };
    add(messages, 'messages');
    add(notices, 'notices');
    add(closedReviewItems, 'closedReviewItems');
    if (byGroup.size === 0) return byGroup;
    // One transaction for the run's entries: the log shows a run whole or not at all.
    await this.transactions.run(async (tx) => {
      for (const [groupId, counts] of byGroup) await this.audit.record(tx, entry(groupId, counts, this.config));
    });
    this.logger.log({ groups: byGroup.size }, 'retention purge recorded');
    return byGroup;
  }
}

function entry(groupId: string, counts: PurgeCounts, config: KindredConfig) {
  return {
    actorId: null,
    action: 'retention.purged',
    groupId: groupId || null,
    subjectType: 'group',
    subjectId: groupId || NO_GROUP,
    detail: {
      ...counts,
      chatRetentionDaysApplied: counts.messages > 0,
      noticeDays: config.retention.noticeDays,
      closedReviewItemDays: config.retention.closedReviewItemDays,
    },
  };
}
