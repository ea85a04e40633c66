import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';

/** `topic_reads`: how far each person has read in each topic. A position only ever moves forward. */
@Injectable()
export class ReadPositionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async readAt(userId: string, topicId: string): Promise<Date | null> {
    const [row] = (await this.dataSource.query(`SELECT read_at FROM topic_reads WHERE user_id = $1 AND topic_id = $2`, [userId, topicId])) as Array<{
      read_at: Date;
    }>;
    return row ? new Date(row.read_at) : null;
  }

  /** Moves the position to `at`, never back (two tabs, a late request); answers where it now stands. */
  async advance(userId: string, topicId: string, at: Date): Promise<Date> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO topic_reads (user_id, topic_id, read_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, topic_id) DO UPDATE SET read_at = greatest(topic_reads.read_at, EXCLUDED.read_at)
       RETURNING read_at`,
      [userId, topicId, at],
    )) as Array<{ read_at: Date }>;
    return new Date(row!.read_at);
  }

  exportFor(userId: string): Promise<unknown[]> {
    return this.dataSource.query(`SELECT topic_id AS "topicId", read_at AS "readAt" FROM topic_reads WHERE user_id = $1 ORDER BY read_at`, [userId]);
  }

  async eraseFor(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM topic_reads WHERE user_id = $1`, [userId]);
  }
}
