import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('topics')
export class Topic {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('uuid', { name: 'author_id', nullable: true })
  authorId: string | null;

  @Column('text')
  title: string;

  @Column('text', { name: 'content_warning', nullable: true })
  contentWarning: string | null;

  @Column('uuid', { name: 'opening_post_id', nullable: true })
  openingPostId: string | null;

  /** Mirrors the opening post: a topic is listed only once its opening post is published. */
  @Column('text')
  status: string;

  @Column('int', { name: 'reply_count' })
  replyCount: number;

  @Column('timestamptz', { name: 'last_activity_at' })
  lastActivityAt: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  /** Set while the group's supporters keep the topic at the top of the list. */
  @Column('timestamptz', { name: 'pinned_at', nullable: true })
  pinnedAt: Date | null;

  /** A pinned topic may be the group's welcome topic or its introductions thread (one of each per group). */
  @Column('text', { name: 'pin_role', nullable: true })
  pinRole: PinRole | null;
}

export const PIN_ROLES = ['welcome', 'introductions'] as const;
export type PinRole = (typeof PIN_ROLES)[number];
