import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MembershipRole = 'member' | 'supporter';
export type MembershipStatus = 'active' | 'banned';

@Entity('memberships')
export class Membership {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text')
  role: MembershipRole;

  /** A ban keeps the row, so a banned person cannot simply apply again. */
  @Column('text')
  status: MembershipStatus;

  @Column('timestamp with time zone', { name: 'muted_until', nullable: true, precision: 3 })
  mutedUntil: Date | null;

  @Column('timestamp with time zone', { name: 'joined_at', precision: 3 })
  joinedAt: Date;
}
