import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxService } from '@kindred/queues';

/** Small periodic clean-ups that keep tables from growing without bound. */
@Injectable()
export class Housekeeping {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /** Ended sessions are kept a week so people can see recent sign-outs, then deleted. */
  async pruneSessions(): Promise<number> {
    const rows = (await this.dataSource.query(
      `DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < now() - interval '7 days') OR expires_at < now() - interval '7 days' RETURNING id`,
    )) as unknown[];
    return rows.length;
  }

  async pruneOutbox(): Promise<void> {
    await this.outbox.prune();
  }
}
