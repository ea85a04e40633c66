import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Eligibility } from '../eligibility/eligibility';
import type { ModerationSettings } from './moderation-settings';

@Entity('groups')
export class Group {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text')
  description: string;

  /** The long-term condition the group is for, as shown in the directory. */
  @Column('text')
  condition: string;

  @Column('jsonb')
  eligibility: Eligibility;

  @Column('jsonb')
  moderation: ModerationSettings;

  @Column('integer', { name: 'slow_mode_seconds', default: 0 })
  slowModeSeconds: number;

  @Column('integer', { name: 'chat_retention_days', default: 90 })
  chatRetentionDays: number;

  /** When the group opened to the public; null while it is a draft (never in the directory). */
  @Column('timestamptz', { name: 'opened_at', nullable: true })
  openedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
