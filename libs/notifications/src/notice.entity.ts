import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type NoticeKind =
  | 'removal'
  | 'rejection'
  | 'warning'
  | 'mute'
  | 'ban'
  | 'signposting'
  | 'application'
  | 'appeal'
  | 'mentoring'
  | 'check-in'
  | 'questionnaire'
  | 'report-outcome';

/** A message to one person about something that happened to them or their words. */
@Entity('notices')
export class Notice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  kind: NoticeKind;

  @Column('uuid', { name: 'group_id', nullable: true })
  groupId: string | null;

  /** What the notice is about: a post, a message, an application. */
  @Column('uuid', { name: 'subject_id', nullable: true })
  subjectId: string | null;

  /** The agreement clause a decision cites. */
  @Column('text', { name: 'clause_key', nullable: true })
  clauseKey: string | null;

  @Column('text')
  message: string;

  /** Signposting shown with the notice (crisis lines), copied as they were when it was sent. */
  @Column('jsonb', { nullable: true })
  resources: object[] | null;

  @Column('boolean')
  appealable: boolean;

  /** When the sanction the notice tells of ends (a mute); shown in the reader's time zone. */
  @Column('timestamptz', { nullable: true })
  until: Date | null;

  /** The author's own words the notice is about (removed or not published); only they receive it. */
  @Column('text', { nullable: true })
  quote: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
