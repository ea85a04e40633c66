import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DomainError } from './domain-error';
import { registerFastValidation } from './validation';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

const PLAIN_LIMIT = /^(?:[1-9][0-9]?|100)$/;

/**
 * A page query as the validation pipe would build it, when it is plainly valid: only `limit` (1 to
 * 100, digits only) and `cursor` (a string of at most 512 UTF-16 units), each given once.
 * Anything else is left to the full pipe, which answers mistakes.
 */
export function plainPageQuery(value: unknown): PageQuery | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const query = new PageQuery();
  for (const key of Object.keys(value)) {
    const given = (value as Record<string, unknown>)[key];
    if (key === 'limit' && typeof given === 'string' && PLAIN_LIMIT.test(given)) query.limit = Number(given);
    else if (key === 'cursor' && typeof given === 'string' && given.length <= 512) query.cursor = given;
    else return undefined;
  }
  return query;
}

registerFastValidation(PageQuery, plainPageQuery);

export const DEFAULT_PAGE_SIZE = 20;

/** Cursors are opaque to clients: base64url JSON of the sort key of the last item returned. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor<K extends Record<string, string | number>>(cursor: string | undefined, fields: (keyof K)[]): K | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const field of fields) {
      const value = parsed[field as string];
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error('missing field');
    }
    return parsed as K;
  } catch {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
  }
}

/** Given up to `limit + 1` rows, returns the page and the cursor of its last item when more follow. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => Record<string, string | number>, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

export function pageLimit(query: PageQuery | undefined): number {
  return query?.limit ?? DEFAULT_PAGE_SIZE;
}
