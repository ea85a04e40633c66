import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A code a clinician hands to a patient: applying with it approves at once, while uses remain. */
@Entity('referral_codes')
export class ReferralCode {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text')
  code: string;

  /** Who the code was made for, such as "Leeds renal unit, Dr Patel". */
  @Column('text')
  label: string;

  @Column('integer', { name: 'max_uses' })
  maxUses: number;

  @Column('integer')
  uses: number;

  @Column('timestamp with time zone', { name: 'expires_at', precision: 3 })
  expiresAt: Date;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy: string | null;

  /** When an admin revoked it; a revoked code admits nobody. */
  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
