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
 * migration); a reply counts only while its topic is published (a hash semi-join with the
 * group's published topics, not a lookup per match). Every match is ranked from the vectors the
 * scan already read; only the page's rows are read again, to be headlined.
 *
 * `p.body` and `t.title` are the published words: the `search_vector` columns are built from them
 * by triggers, whenever those words change (see the search migrations). If a post's published words (or a topic's shown title) ever live apart from a
 * revision under screening, both the column and the headline here must read the published words.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(request: SearchPageRequest): Promise<SearchRow[]> {
    const params: unknown[] = [request.groupId, request.query, request.limit];
    if (request.after) params.push(request.after.rank, request.after.id);
    return (await this.dataSource.query(
      `WITH title_hits AS (
         SELECT t.id, t.opening_post_id, t.search_vector FROM topics t
          WHERE t.group_id = $1 AND t.status = 'published' AND t.search_vector @@ ${QUERY} AND t.opening_post_id IS NOT NULL
       ), ranked AS (
         -- Posts whose words match, in published topics; an opening post whose title matches too ranks on both.
         SELECT p.id, ts_rank(CASE WHEN th.id IS NULL THEN p.search_vector ELSE th.search_vector || p.search_vector END, ${QUERY}) AS rank
           FROM posts p
           LEFT JOIN title_hits th ON th.opening_post_id = p.id
          WHERE p.group_id = $1 AND p.status = 'published' AND p.search_vector @@ ${QUERY}
            AND p.topic_id IN (SELECT id FROM topics WHERE group_id = $1 AND status = 'published')
         UNION ALL
         -- Opening posts found by their topic's title alone.
         SELECT p.id, ts_rank(th.search_vector || p.search_vector, ${QUERY})
           FROM title_hits th
           JOIN posts p ON p.id = th.opening_post_id
          WHERE p.group_id = $1 AND p.status = 'published' AND NOT (p.search_vector @@ ${QUERY})
       ), page AS (
         SELECT id, rank FROM ranked
          ${request.after ? 'WHERE (rank, id) < ($4::real, $5::uuid)' : ''}
          ORDER BY rank DESC, id DESC
          LIMIT $3
       )
       SELECT p.id AS post_id, p.topic_id, p.author_id, p.created_at, page.rank,
              ts_headline('english', translate(t.title, ${MARKERS}, ''), ${QUERY}, ${TITLE_OPTIONS}) AS title_headline,
              ts_headline('english', translate(p.body, ${MARKERS}, ''), ${QUERY}, ${BODY_OPTIONS}) AS body_headline
         FROM page
         JOIN posts p ON p.id = page.id
         JOIN topics t ON t.id = p.topic_id
        ORDER BY page.rank DESC, page.id DESC`,
      params,
    )) as SearchRow[];
  }
}
