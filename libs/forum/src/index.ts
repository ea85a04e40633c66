export * from './forum.module';
export * from './forum.service';
export { REACTION_KINDS } from './post-reaction.entity';
export type { ReactionKind } from './post-reaction.entity';
export type { PostStatus } from './post.entity';
export { SearchService } from './search/search.service';
export type { SearchRequest, SearchResult } from './search/search.service';
export { SEARCH_QUERY_MAX_LENGTH } from './search/search.service';
export type { HighlightRange } from './search/highlights';
