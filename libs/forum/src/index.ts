export * from './forum.module';
export * from './forum.service';
export { REACTION_KINDS } from './post-reaction.entity';
export type { ReactionKind } from './post-reaction.entity';
export type { PostStatus } from './post.entity';
