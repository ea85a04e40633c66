import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AppealInfo, DecisionRecord, ReviewReason, SubjectChange, SubjectType } from './review.types';

@Entity('review_items')
export class ReviewItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text')
  kind: SubjectType | 'report' | 'appeal';

  @Column('text', { name: 'subject_type' })
  subjectType: SubjectType;

  @Column('uuid', { name: 'subject_id' })
  subjectId: string;

  @Column('int', { name: 'subject_revision' })
  subjectRevision: number;

  @Column('uuid', { name: 'subject_author_id', nullable: true })
  subjectAuthorId: string | null;

  @Column('jsonb')
  reasons: ReviewReason[];

  @Column('text')
  priority: 'urgent' | 'normal';

  @Column('text')
  audience: 'supporters' | 'admins';

  @Column('text')
  status: 'open' | 'decided' | 'superseded';

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;

  @Column('timestamptz', { name: 'overdue_notified_at', nullable: true })
  overdueNotifiedAt: Date | null;

  @Column('timestamptz', { name: 'escalated_at', nullable: true })
  escalatedAt: Date | null;

  @Column('uuid', { name: 'claimed_by', nullable: true })
  claimedBy: string | null;

  @Column('timestamptz', { name: 'claimed_at', nullable: true })
  claimedAt: Date | null;

  @Column('uuid', { name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  @Column('jsonb', { nullable: true })
  decision: DecisionRecord | null;

  /**
   * Set on an urgent item kept open after its words changed under it: the author edited or deleted
   * them, or erased their account. Such an item no longer describes the current content.
   */
  @Column('text', { name: 'subject_change', nullable: true })
  subjectChange: SubjectChange | null;

  /** The words that raised a kept urgent item, shown to the supporter until the decision, then cleared. */
  @Column('text', { name: 'subject_snapshot', nullable: true })
  subjectSnapshot: string | null;

  /** For an appeal item: which notice was appealed, what the member said, and who decided the original. */
  @Column('jsonb', { nullable: true })
  appeal: AppealInfo | null;
}
