import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import { AgreementAcceptance } from './agreement-acceptance.entity';
import { AgreementVersion } from './agreement-version.entity';

export type NewAgreementVersion = Pick<AgreementVersion, 'groupId' | 'version' | 'clauses' | 'publishedAt' | 'publishedBy'>;

/** `agreement_versions` and `agreement_acceptances`. */
@Injectable()
export class AgreementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  current(groupId: string, tx: Tx = asTx(this.dataSource.manager)): Promise<AgreementVersion | null> {
    return manager(tx)
      .getRepository(AgreementVersion)
      .findOne({ where: { groupId }, order: { version: 'DESC' } });
  }

  /** The number the group's next version takes; call with the group locked. */
  async nextVersion(tx: Tx, groupId: string): Promise<number> {
    const [{ version }] = (await manager(tx).query(`SELECT COALESCE(max(version), 0) + 1 AS version FROM agreement_versions WHERE group_id = $1`, [
      groupId,
    ])) as [{ version: number }];
    return Number(version);
  }

  async insertVersion(tx: Tx, values: NewAgreementVersion): Promise<AgreementVersion> {
    const row = manager(tx).create(AgreementVersion, values);
    await manager(tx).insert(AgreementVersion, row);
    return row;
  }

  /** Records an acceptance; accepting twice keeps the first. Returns when it was (first) accepted. */
  async accept(userId: string, groupId: string, version: number, at: Date): Promise<Date> {
    await this.dataSource.createQueryBuilder().insert().into(AgreementAcceptance).values({ userId, groupId, version, acceptedAt: at }).orIgnore().execute();
    const row = await this.dataSource.getRepository(AgreementAcceptance).findOneOrFail({ where: { userId, groupId, version } });
    return row.acceptedAt;
  }

  /** The versions the person accepted, for their data export. */
  acceptancesOf(userId: string): Promise<unknown[]> {
    return this.dataSource.query(
      `SELECT group_id AS "groupId", version, accepted_at AS "acceptedAt" FROM agreement_acceptances WHERE user_id = $1 ORDER BY accepted_at`,
      [userId],
    );
  }

  async eraseAcceptancesOf(tx: Tx, userId: string): Promise<void> {
    await manager(tx).query(`DELETE FROM agreement_acceptances WHERE user_id = $1`, [userId]);
  }
}
