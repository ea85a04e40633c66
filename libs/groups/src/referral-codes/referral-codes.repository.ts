import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manager, type Tx } from '@kindred/database';
import { ReferralCode } from './referral-code.entity';

export type NewReferralCode = Pick<ReferralCode, 'groupId' | 'code' | 'label' | 'maxUses' | 'uses' | 'expiresAt' | 'createdBy'>;

/** `referral_codes`. */
@Injectable()
export class ReferralCodesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the code; a clash of codes throws the driver's unique violation (23505). */
  async insert(values: NewReferralCode): Promise<ReferralCode> {
    const row = this.dataSource.getRepository(ReferralCode).create(values);
    await this.dataSource.getRepository(ReferralCode).insert(row);
    return row;
  }

  /** One conditional UPDATE, so two claims racing for the last use cannot both get it. The code's id, or null. */
  async claim(tx: Tx, groupId: string, code: string): Promise<string | null> {
    const [rows] = (await manager(tx).query(
      `UPDATE referral_codes SET uses = uses + 1
        WHERE group_id = $1 AND code = $2 AND uses < max_uses AND expires_at > now()
        RETURNING id`,
      [groupId, code],
    )) as [Array<{ id: string }>, number];
    return rows[0]?.id ?? null;
  }
}
