import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A durable "this needs you" for one supporter or admin: unique per subject, kind and person. */
@Entity('moderation_alerts')
export class ModerationAlert {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('text', { name: 'subject_type' })
  subjectType: 'review-item' | 'application';

  @Column('uuid', { name: 'subject_id' })
  subjectId: string;

  @Column('text')
  kind: 'overdue' | 'escalated';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
