import { DomainError } from './domain-error';
import { decodeCursor, encodeCursor, plainPageQuery, toPage } from './pagination';

const SHAPE = { at: 'time', id: 'uuid' } as const;
const ID = '3f2b6a4e-8c1d-4e5f-9a7b-0c1d2e3f4a5b';
const AT = '2026-03-04T05:06:07.089Z';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('cursor pagination', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}`, at: `2026-01-0${i + 1}` }));

  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor({ at: AT, id: ID }), SHAPE)).toEqual({ at: AT, id: ID });
    expect(decodeCursor(encodeCursor({ name: 'Kidney (young adults)', id: ID }), { name: 'text', id: 'uuid' })).toEqual({
      name: 'Kidney (young adults)',
      id: ID,
    });
  });

  it('accepts the times toISOString writes, and microseconds', () => {
    for (const at of [new Date(0).toISOString(), new Date().toISOString(), '2026-12-31T23:59:59.999999Z']) {
      expect(decodeCursor(encodeCursor({ at, id: ID }), SHAPE)).toEqual({ at, id: ID });
    }
  });

  it('returns no cursor on the last page', () => {
    const page = toPage(
      rows.slice(0, 3),
      3,
      (r) => ({ id: r.id }),
      (r) => r.id,
    );
    expect(page).toEqual({ items: ['id-0', 'id-1', 'id-2'], nextCursor: null });
  });

  it('returns the cursor of the last item when more follow', () => {
    const page = toPage(
      rows.slice(0, 4),
      3,
      (r) => ({ id: r.id, at: r.at }),
      (r) => r.id,
    );
    expect(page.items).toEqual(['id-0', 'id-1', 'id-2']);
    expect(JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString())).toEqual({ id: 'id-2', at: '2026-01-03' });
  });

  it.each([
    ['not base64 at all!', 'not base64 at all!'],
    ['a huge number', b64('{"at":1e308,"id":5}')],
    ['numbers for both', b64(`{"at":1700000000000,"id":5}`)],
    ['a NaN date', b64(JSON.stringify({ at: 'NaN', id: ID }))],
    ['an invalid date', b64(JSON.stringify({ at: 'Invalid Date', id: ID }))],
    ['31 February', b64(JSON.stringify({ at: '2026-02-31T00:00:00.000Z', id: ID }))],
    ['month 13', b64(JSON.stringify({ at: '2026-13-01T00:00:00.000Z', id: ID }))],
    ['year 0', b64(JSON.stringify({ at: '0000-01-01T00:00:00.000Z', id: ID }))],
    ['a six-digit year', b64(JSON.stringify({ at: '+275760-09-13T00:00:00.000Z', id: ID }))],
    ['a time with an offset', b64(JSON.stringify({ at: '2026-01-01T00:00:00+01:00', id: ID }))],
    ['a date only', b64(JSON.stringify({ at: '2026-01-01', id: ID }))],
    ['a non-UUID id', b64(JSON.stringify({ at: AT, id: 'abc' }))],
    ['an injected id', b64(JSON.stringify({ at: AT, id: `${ID}' OR 1=1 --` }))],
    ['a numeric id', b64(JSON.stringify({ at: AT, id: 5 }))],
    ['an object id', b64(JSON.stringify({ at: AT, id: { $gt: '' } }))],
    ['a missing field', b64(JSON.stringify({ at: AT }))],
    ['an extra field', b64(JSON.stringify({ at: AT, id: ID, more: 1 }))],
    ['null', b64('null')],
    ['an array', b64(JSON.stringify([AT, ID]))],
    ['a string', b64('"cursor"')],
    ['truncated JSON', b64('{"at":')],
    ['a prototype key', b64(`{"__proto__":{"at":"${AT}"},"id":"${ID}"}`)],
    ['far too long', 'A'.repeat(600)],
  ])('refuses a cursor it did not issue: %s', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, SHAPE);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('VALIDATION_FAILED');
    expect((thrown as DomainError).extra.errors).toEqual([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
  });

  it('refuses text longer than any sort key', () => {
    expect(() => decodeCursor(encodeCursor({ name: 'x'.repeat(501), id: ID }), { name: 'text', id: 'uuid' })).toThrow(DomainError);
  });

  it('treats an absent or empty cursor as the first page', () => {
    expect(decodeCursor(undefined, SHAPE)).toBeNull();
    expect(decodeCursor('', SHAPE)).toBeNull();
  });
});

describe('plainPageQuery', () => {
  it.each([['1'], ['20'], ['100']])('takes limit=%s as plainly valid', (limit) => {
    expect(plainPageQuery({ limit })).toEqual({ limit: Number(limit) });
  });

  it.each([['0'], ['101'], ['-1'], ['1.5'], ['1e2'], ['abc'], ['']])('leaves limit=%s to the full validation pipe', (limit) => {
    expect(plainPageQuery({ limit })).toBeUndefined();
  });
});
