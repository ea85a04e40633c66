import { Column, Entity, PrimaryColumn } from 'typeorm';

export const REACTION_KINDS = ['support', 'me-too', 'thanks', 'hug'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

@Entity('post_reactions')
export class PostReaction {
  @PrimaryColumn('uuid', { name: 'post_id' })
  postId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  kind: ReactionKind;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
