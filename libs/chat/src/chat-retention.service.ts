import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '@kindred/database';

/** Rows deleted per statement: small enough that no statement holds its locks for long. */
const BATCH = 1000;

/**
 * Chat is kept only as long as each group says (groups.chat_retention_days). Messages still in
 * screening are left to the pipeline, and messages awaiting review to the reviewers; everything
 * else past its period goes, in batches.
 */
@Injectable()
export class ChatRetentionService {
  private readonly logger = new Logger(ChatRetentionService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async purge(batchSize = BATCH): Promise<number> {
    let total = 0;
    for (const count of (await this.purgeByGroup(batchSize)).values()) total += count;
    return total;
  }

  /** Purges in batches and says how many went from each group, for the audit log. */
  async purgeByGroup(batchSize = BATCH): Promise<Map<string, number>> {
    const counts = await deleteInBatches(
      this.dataSource,
      `DELETE FROM messages WHERE id IN (
         SELECT m.id FROM messages m JOIN groups g ON g.id = m.group_id
          WHERE m.status <> 'screening' AND m.created_at < now() - make_interval(days => g.chat_retention_days)
            -- A message still waiting for a person's review is kept until it has been reviewed.
            AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.subject_type = 'message' AND r.subject_id = m.id AND r.status = 'open')
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED)
       RETURNING group_id`,
      [],
      batchSize,
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log({ deleted: total }, 'chat messages past their retention period purged');
    return counts;
  }
}
