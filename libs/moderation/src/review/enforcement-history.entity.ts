import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A removal or sanction a member received under one clause of a group's agreement. */
@Entity('enforcement_history')
export class EnforcementHistoryEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text', { name: 'clause_key' })
  clauseKey: string;

  @Column('text')
  action: 'removal' | 'warn' | 'mute' | 'ban';

  @Column('uuid', { name: 'review_item_id', nullable: true })
  reviewItemId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
