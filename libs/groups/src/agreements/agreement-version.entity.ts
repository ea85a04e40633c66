import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Clause } from './clauses';

/** A published agreement. Versions are never changed or deleted: acceptances point at them. */
@Entity('agreement_versions')
export class AgreementVersion {
  @PrimaryColumn('uuid', { name: 'group_id' })
  groupId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('jsonb')
  clauses: Clause[];

  @Column('timestamp with time zone', { name: 'published_at', precision: 3 })
  publishedAt: Date;

  @Column('uuid', { name: 'published_by', nullable: true })
  publishedBy: string | null;
}
