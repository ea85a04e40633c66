import { DomainError } from './domain-error';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('cursor pagination', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ id: `id-${i}`, at: `2026-01-0${i + 1}` }));

  it('round-trips a cursor', () => {
    const cursor = encodeCursor({ at: '2026-01-01', id: 'x' });
    expect(decodeCursor(cursor, ['at', 'id'])).toEqual({ at: '2026-01-01', id: 'x' });
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
    expect(decodeCursor(page.nextCursor!, ['id', 'at'])).toEqual({ id: 'id-2', at: '2026-01-03' });
  });

  it.each(['not base64 at all!', encodeCursor({ other: 1 }), Buffer.from('[1,2').toString('base64url')])('refuses a cursor it did not issue: %s', (cursor) => {
    expect(() => decodeCursor(cursor, ['id'])).toThrow(DomainError);
  });

  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined, ['id'])).toBeNull();
  });
});
