import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTx, manager, type Tx } from '@kindred/database';
import { ReferralCode } from './referral-code.entity';

export type NewReferralCode = Pick<ReferralCode, 'groupId' | 'code' | 'label' | 'maxUses' | 'uses' | 'expiresAt' | 'createdBy'>;

/** `referral_codes`. */
@Injectable()
export class ReferralCodesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the code; a clash of codes throws the driver's unique violation (23505). */
  async insert(values: NewReferralCode, tx: Tx = asTx(this.dataSource.manager)): Promise<ReferralCode> {
    const row = manager(tx).getRepository(ReferralCode).create(values);
    await manager(tx).getRepository(ReferralCode).insert(row);
    return row;
  }

  /** The group's codes, newest first. */
  list(groupId: string): Promise<ReferralCode[]> {
    return this.dataSource.getRepository(ReferralCode).find({ where: { groupId }, order: { createdAt: 'DESC', id: 'DESC' }, take: 200 });
  }

  /** Revokes the code in the caller's transaction; the code as it was before, or null when the group has no such code. */
  async revoke(tx: Tx, groupId: string, id: string): Promise<ReferralCode | null> {
    const before = await manager(tx)
      .getRepository(ReferralCode)
      .findOne({ where: { id, groupId }, lock: { mode: 'pessimistic_write' } });
    if (!before) return null;
    if (!before.revokedAt) await manager(tx).getRepository(ReferralCode).update({ id }, { revokedAt: new Date() });
    return before;
  }

  /** One conditional UPDATE, so two claims racing for the last use cannot both get it. The code's id, or null. */
  async claim(tx: Tx, groupId: string, code: string): Promise<string | null> {
    const [rows] = (await manager(tx).query(
      `UPDATE referral_codes SET uses = uses + 1
        WHERE group_id = $1 AND code = $2 AND uses < max_uses AND expires_at > now() AND revoked_at IS NULL
        RETURNING id`,
      [groupId, code],
    )) as [Array<{ id: string }>, number];
    return rows[0]?.id ?? null;
  }
}
