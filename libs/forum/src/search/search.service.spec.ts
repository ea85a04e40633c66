import { DomainError, encodeCursor } from '@kindred/http';
import { decodeSearchCursor, searchText } from './search.service';

const ID = '0b6f3c3e-6a43-4c55-9d0f-3f0f1b3c2a10';

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('search input', () => {
  it('accepts 1 to 200 characters that are not blank, reading control characters as spaces', () => {
    expect(searchText('walking')).toBe('walking');
    expect(searchText('a\u0000b')).toBe('a b');
    expect(searchText('x'.repeat(200))).toHaveLength(200);
    for (const q of [undefined, '', '   ', '\u0000', 'x'.repeat(201), ['a', 'b']]) expect(code(() => searchText(q))).toBe('VALIDATION_FAILED');
  });

  it('decodes only cursors it issued', () => {
    expect(decodeSearchCursor(undefined)).toBeNull();
    expect(decodeSearchCursor(encodeCursor({ rank: 0.0607927, id: ID }))).toEqual({ rank: 0.0607927, id: ID });
    const bad = [
      'not-a-cursor',
      Buffer.from('[]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      encodeCursor({ rank: 'high', id: ID }),
      encodeCursor({ rank: -1, id: ID }),
      encodeCursor({ rank: 0.5, id: 'abc' }),
      encodeCursor({ at: '2026-01-01', id: ID }),
      Buffer.from('{"rank":1e999,"id":"' + ID + '"}').toString('base64url'),
    ];
    for (const cursor of bad) expect(code(() => decodeSearchCursor(cursor))).toBe('VALIDATION_FAILED');
  });
});
