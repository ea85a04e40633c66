import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { ConsentRecord } from './consent-record.entity';

/** Every query of `consent_records`: which version of the consent each member gave, and when. */
@Injectable()
export class ConsentRecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(tx: Tx, userId: string, consentVersion: string, givenAt: Date): Promise<void> {
    await manager(tx).query(`INSERT INTO consent_records (user_id, consent_version, given_at) VALUES ($1, $2, $3)`, [userId, consentVersion, givenAt]);
  }

  /** Oldest first. */
  allOf(userId: string): Promise<ConsentRecord[]> {
    return this.dataSource.getRepository(ConsentRecord).find({ where: { userId }, order: { givenAt: 'ASC' } });
  }
}
