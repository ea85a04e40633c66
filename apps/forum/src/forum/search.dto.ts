import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { SEARCH_QUERY_MAX_LENGTH } from '@kindred/forum';
import { PageQuery } from '@kindred/http';

/** A page of search results: `q`, plus the paging every list shares (`limit`, `cursor`). */
export class SearchQueryDto extends PageQuery {
  @ApiProperty({
    description: 'Words to look for, as in a web search: "quoted phrase", or, -excluded. English stemming: "walking" finds "walked".',
    minLength: 1,
    maxLength: SEARCH_QUERY_MAX_LENGTH,
  })
  @IsString({ message: 'q must be the words to look for' })
  @Length(1, SEARCH_QUERY_MAX_LENGTH, { message: `q must be 1 to ${SEARCH_QUERY_MAX_LENGTH} characters` })
  @Matches(/\S/, { message: 'q must not be blank' })
  q: string;
}

export class HighlightRangeView {
  @ApiProperty({ description: 'Offset of the first highlighted character, in UTF-16 code units.' })
  start: number;

  @ApiProperty({ description: 'Number of UTF-16 code units highlighted.' })
  length: number;
}

export class SearchAuthorView {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  id: string | null;

  @ApiProperty()
  displayName: string;
}

export class SearchResultView {
  @ApiProperty({ format: 'uuid' })
  postId: string;

  @ApiProperty({ format: 'uuid' })
  topicId: string;

  @ApiProperty()
  topicTitle: string;

  @ApiProperty({ type: [HighlightRangeView], description: 'Ranges of topicTitle that matched.' })
  titleHighlights: HighlightRangeView[];

  @ApiProperty({ description: 'Plain text from the post around the matches (never HTML: escape it, then mark the highlights).' })
  snippet: string;

  @ApiProperty({ type: [HighlightRangeView], description: 'Ranges of snippet that matched.' })
  highlights: HighlightRangeView[];

  @ApiProperty({ type: SearchAuthorView })
  author: SearchAuthorView;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class SearchPageView {
  @ApiProperty({ type: [SearchResultView], description: 'Best match first.' })
  items: SearchResultView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page.' })
  nextCursor: string | null;
}
