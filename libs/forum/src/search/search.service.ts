import { Injectable } from '@nestjs/common';
import { ParticipationService } from '@kindred/groups';
import { DomainError, encodeCursor, Page, pageLimit } from '@kindred/http';
import { AuthUser, FORMER_MEMBER, IdentityService } from '@kindred/identity';
import { fromHeadline, HighlightRange } from './highlights';
import { SearchRepository, SearchRow } from './search.repository';

export const SEARCH_QUERY_MAX_LENGTH = 200;

export interface SearchRequest {
  q: string;
  limit?: number;
  cursor?: string;
}

export interface SearchResult {
  postId: string;
  topicId: string;
  topicTitle: string;
  /** Ranges of `topicTitle` that matched. */
  titleHighlights: HighlightRange[];
  /** Plain text around the matches (never HTML): clients escape it and mark `highlights` themselves. */
  snippet: string;
  highlights: HighlightRange[];
  author: { id: string | null; displayName: string };
  createdAt: Date;
}

interface SearchCursor {
  rank: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** Search within one group's published posts and topic titles, for the group's participants. */
@Injectable()
export class SearchService {
  constructor(
    private readonly repository: SearchRepository,
    private readonly participation: ParticipationService,
    private readonly identity: IdentityService,
  ) {}

  async search(user: AuthUser, groupId: string, request: SearchRequest): Promise<Page<SearchResult>> {
    const query = searchText(request.q);
    const after = decodeSearchCursor(request.cursor);
    const limit = pageLimit(request);
    // The same gate as reading the group's topics: 404 unknown group, 403 NOT_A_MEMBER / BANNED / AGREEMENT_REQUIRED.
    await this.participation.assertParticipant(user, groupId);
    const rows = await this.repository.page({ groupId, query, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const names = await this.identity.displayNames(page.flatMap((r) => (r.author_id ? [r.author_id] : [])));
    return {
      items: page.map((row) => toResult(row, names)),
      nextCursor: rows.length > limit ? encodeCursor({ rank: page[page.length - 1]!.rank, id: page[page.length - 1]!.post_id }) : null,
    };
  }
}

function toResult(row: SearchRow, names: Map<string, string>): SearchResult {
  const title = fromHeadline(row.title_headline);
  const body = fromHeadline(row.body_headline);
  return {
    postId: row.post_id,
    topicId: row.topic_id,
    topicTitle: title.text,
    titleHighlights: title.highlights,
    snippet: body.text,
    highlights: body.highlights,
    author: row.author_id ? { id: row.author_id, displayName: names.get(row.author_id) ?? FORMER_MEMBER } : { id: null, displayName: FORMER_MEMBER },
    createdAt: row.created_at,
  };
}

/** The words to look for: control characters (a NUL would fail in PostgreSQL) read as spaces; 1 to 200 characters, not blank. */
export function searchText(q: unknown): string {
  const text = typeof q === 'string' ? q.replace(CONTROL, ' ') : '';
  if (text.trim() === '' || text.length > SEARCH_QUERY_MAX_LENGTH) {
    throw DomainError.validation([{ field: 'q', message: `q must be 1 to ${SEARCH_QUERY_MAX_LENGTH} characters of words to look for` }]);
  }
  return text;
}

/** A cursor this service issued: `{ rank, id }` with a finite, non-negative rank and a post id. Anything else is 422. */
export function decodeSearchCursor(cursor: string | undefined): SearchCursor | null {
  if (cursor === undefined || cursor === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const { rank, id } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof rank !== 'number' || !Number.isFinite(rank) || rank < 0 || typeof id !== 'string' || !UUID.test(id)) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
  }
  return { rank, id };
}
