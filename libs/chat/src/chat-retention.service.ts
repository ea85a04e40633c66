import { Injectable, Logger } from '@nestjs/common';
import { MessagesRepository } from './messages.repository';

/** Rows deleted per statement: small enough that no statement holds its locks for long. */
const BATCH = 1000;

/**
 * Chat is kept only as long as each group says (its chat retention period). Messages still in
 * screening are left to the pipeline, and messages awaiting review to the reviewers; everything
 * else past its period goes, in batches.
 */
@Injectable()
export class ChatRetentionService {
  private readonly logger = new Logger(ChatRetentionService.name);

  constructor(private readonly messages: MessagesRepository) {}

  async purge(batchSize = BATCH): Promise<number> {
    let total = 0;
    for (const count of (await this.purgeByGroup(batchSize)).values()) total += count;
    return total;
  }

  /** Purges in batches and says how many went from each group, for the audit log. */
  async purgeByGroup(batchSize = BATCH): Promise<Map<string, number>> {
    const counts = await this.messages.purgeExpired(batchSize);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log({ deleted: total }, 'chat messages past their retention period purged');
    return counts;
  }
}
