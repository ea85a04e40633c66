import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `ready`: passed screening, waiting for an earlier message of the same author in the group to be decided. */
export type MessageStatus = 'screening' | 'ready' | 'published' | 'held' | 'rejected' | 'hidden' | 'removed' | 'deleted';

@Entity('messages')
export class ChatMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'group_id' })
  groupId: string;

  /** Null once the author's account is erased; shown as "Former member". */
  @Column('uuid', { name: 'author_id', nullable: true })
  authorId: string | null;

  @Column('text')
  body: string;

  @Column('text')
  status: MessageStatus;

  @Column('int')
  revision: number;

  /** The sender's own id for the message, so a retried send is recognised and not stored twice. */
  @Column('text', { name: 'client_msg_id', nullable: true })
  clientMsgId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'screened_at', nullable: true })
  screenedAt: Date | null;

  /** When the room first saw it: history and catch-up follow the order of delivery, not of sending. */
  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;
}
