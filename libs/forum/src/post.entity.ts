import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type PostStatus = 'screening' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';

@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'topic_id' })
  topicId: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  @Column('uuid', { name: 'author_id', nullable: true })
  authorId: string | null;

  @Column('uuid', { name: 'reply_to_post_id', nullable: true })
  replyToPostId: string | null;

  @Column('text')
  body: string;

  @Column('text')
  status: PostStatus;

  /** Each edit is a new revision, screened again before anyone else sees it. */
  @Column('int')
  revision: number;

  @Column('boolean', { name: 'is_opening' })
  isOpening: boolean;

  /** Whether this post currently counts in its topic's reply count. */
  @Column('boolean', { name: 'was_published' })
  wasPublished: boolean;

  /** The last published words while an edit waits for screening or review: others keep seeing these. */
  @Column('text', { name: 'published_body', nullable: true })
  publishedBody: string | null;

  /** Hidden by members' reports: stays hidden through edits until a moderator decides. */
  @Column('boolean', { name: 'hidden_by_reports', default: false })
  hiddenByReports: boolean;

  @Column('jsonb', { nullable: true })
  signposting: Array<Record<string, unknown>> | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'edited_at', nullable: true })
  editedAt: Date | null;

  @Column('timestamptz', { name: 'screened_at', nullable: true })
  screenedAt: Date | null;
}
