import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

@Entity('applications')
export class Application {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('jsonb')
  answers: Record<string, string>;

  @Column('boolean')
  declaration: boolean;

  @Column('text')
  status: ApplicationStatus;

  /** Question keys whose answer differs from the expected one: shown to the reviewer, never a rejection. */
  @Column('jsonb')
  mismatches: string[];

  @Column('uuid', { name: 'referral_code_id', nullable: true })
  referralCodeId: string | null;

  @Column('timestamp with time zone', { name: 'due_at', nullable: true, precision: 3 })
  dueAt: Date | null;

  @Column('uuid', { name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column('timestamp with time zone', { name: 'decided_at', nullable: true, precision: 3 })
  decidedAt: Date | null;

  @Column('text', { name: 'decision_reason', nullable: true })
  decisionReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
