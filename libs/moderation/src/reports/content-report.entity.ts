import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SubjectType } from '../review/review.types';

@Entity('content_reports')
export class ContentReport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text', { name: 'subject_type' })
  subjectType: SubjectType;

  @Column('uuid', { name: 'subject_id' })
  subjectId: string;

  @Column('uuid', { name: 'reporter_id', nullable: true })
  reporterId: string | null;

  @Column('text', { name: 'clause_key' })
  clauseKey: string;

  @Column('text', { nullable: true })
  note: string | null;

  /** When the reporter was told how their report was decided; null while it waits for a decision. */
  @Column('timestamptz', { name: 'outcome_told_at', nullable: true })
  outcomeToldAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
