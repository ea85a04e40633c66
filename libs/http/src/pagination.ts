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

/** What a cursor field holds: an ISO-8601 UTC time as `toISOString` writes it, a UUID, or short text. */
export type CursorField = 'time' | 'uuid' | 'text';
export type CursorShape = Record<string, CursorField>;
export type Cursor<S extends CursorShape> = { [K in keyof S]: string };

/** A cursor is base64url of a small JSON object: anything longer or with other characters was not issued here. */
const BASE64URL = /^[A-Za-z0-9_-]{1,512}={0,2}$/;
/** `Date.prototype.toISOString` of a time in years 1000 to 9999 (PostgreSQL and JavaScript agree on every one). */
const ISO_TIME = /^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TEXT = 500;

function fieldIsValid(kind: CursorField, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  switch (kind) {
    case 'time':
      // The pattern alone lets 31 February through; the date must also be one JavaScript reads back.
      return ISO_TIME.test(value) && Number.isFinite(Date.parse(value)) && new Date(value).toISOString().slice(0, 10) === value.slice(0, 10);
    case 'uuid':
      return UUID.test(value);
    case 'text':
      return value.length <= MAX_TEXT && !value.includes('\u0000');
  }
}

/**
 * The sort key a cursor carries, checked field by field against `shape`: exactly those fields,
 * each of its kind. Anything else (not base64url, not JSON, not an object, a missing, extra or
 * mistyped field, a huge number, an impossible date) is 422 VALIDATION_FAILED on `cursor`, so
 * nothing a client makes up reaches a query. An absent or empty cursor is the first page (null).
 */
export function decodeCursor<S extends CursorShape>(cursor: string | undefined, shape: S): Cursor<S> | null {
  if (cursor === undefined || cursor === '') return null;
  const refuse = () => DomainError.validation([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
  if (!BASE64URL.test(cursor)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse();
  const given = parsed as Record<string, unknown>;
  const fields = Object.keys(shape);
  if (Object.keys(given).length !== fields.length) throw refuse();
  const out: Record<string, string> = {};
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(given, field) || !fieldIsValid(shape[field]!, given[field])) throw refuse();
    out[field] = given[field] as string;
  }
  return out as Cursor<S>;
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
