import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One match as the search query returns it, best first. */
export interface SearchRow {
  post_id: string;
  topic_id: string;
  author_id: string | null;
  created_at: Date;
  /** ts_rank as a float4; compared exactly when a cursor comes back. */
  rank: number;
  title_headline: string;
  body_headline: string;
}

export interface SearchPageRequest {
  groupId: string;
  /** What the person typed; `websearch_to_tsquery` accepts any text and never raises a syntax error. */
  query: string;
  limit: number;
  after: { rank: number; id: string } | null;
}

/** The query, parsed once per statement (immutable, so the planner folds it into a constant). */
const QUERY = `websearch_to_tsquery('english', $2)`;
/** U+E000 and U+E001: the highlight markers (see `highlights.ts`), stripped from the text before headlining it. */
const MARKERS = `chr(57344) || chr(57345)`;
const MARK = `'StartSel=' || chr(57344) || ', StopSel=' || chr(57345)`;
/** Up to two fragments of the body around the matches, or its first words when only the title matched. */
const BODY_OPTIONS = `${MARK} || ', MaxFragments=2, MaxWords=24, MinWords=10, ShortWord=3, FragmentDelimiter=" … "'`;
const TITLE_OPTIONS = `${MARK} || ', HighlightAll=true'`;

/**
 * Full-text search over a group's published posts and its published topics' titles.
 *
 * A post is found by its body (weight B) or, for a topic's opening post, by the topic's title
 * (weight A), so a title match ranks above the same words in a body. Each side is one scan of a
 * partial GIN index on `(group_id, search_vector) WHERE status = 'published'` (see the search
 * migration), and the rows are checked again when joined: the post and its topic both published,
 * both in the group. Only the page's rows are headlined.
 *
 * `p.body` and `t.title` are the published words: the generated `search_vector` columns are built
 * from them. If a post's published words ever live apart from a revision under screening, both
 * the column and the headline here must read the published words.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(request: SearchPageRequest): Promise<SearchRow[]> {
    const params: unknown[] = [request.groupId, request.query, request.limit];
    if (request.after) params.push(request.after.rank, request.after.id);
    return (await this.dataSource.query(
      `WITH matches AS (
         SELECT p.id FROM posts p
          WHERE p.group_id = $1 AND p.status = 'published' AND p.search_vector @@ ${QUERY}
         UNION
         SELECT t.opening_post_id FROM topics t
          WHERE t.group_id = $1 AND t.status = 'published' AND t.search_vector @@ ${QUERY} AND t.opening_post_id IS NOT NULL
       ), ranked AS (
         SELECT p.id, p.topic_id, p.author_id, p.created_at, p.body, t.title,
                ts_rank(CASE WHEN p.is_opening THEN t.search_vector || p.search_vector ELSE p.search_vector END, ${QUERY}) AS rank
           FROM matches m
           JOIN posts p ON p.id = m.id
           JOIN topics t ON t.id = p.topic_id
          WHERE p.group_id = $1 AND p.status = 'published' AND t.group_id = $1 AND t.status = 'published'
       ), page AS (
         SELECT * FROM ranked
          ${request.after ? 'WHERE (rank, id) < ($4::real, $5::uuid)' : ''}
          ORDER BY rank DESC, id DESC
          LIMIT $3
       )
       SELECT id AS post_id, topic_id, author_id, created_at, rank,
              ts_headline('english', translate(title, ${MARKERS}, ''), ${QUERY}, ${TITLE_OPTIONS}) AS title_headline,
              ts_headline('english', translate(body, ${MARKERS}, ''), ${QUERY}, ${BODY_OPTIONS}) AS body_headline
         FROM page
        ORDER BY rank DESC, id DESC`,
      params,
    )) as SearchRow[];
  }
}
