import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of the append-only audit log. Ids and clause keys only: never content bodies or names. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('timestamp with time zone', { precision: 3 })
  at: Date;

  /** Null when the system acted (for example, the deadline job escalating an item). */
  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('text')
  action: string;

  @Column('uuid', { name: 'group_id', nullable: true })
  groupId: string | null;

  @Column('text', { name: 'subject_type' })
  subjectType: string;

  @Column('uuid', { name: 'subject_id' })
  subjectId: string;

  @Column('jsonb')
  detail: Record<string, unknown>;
}
