import { maskSpans, mergeSpans } from './mask';

describe('maskSpans', () => {
  it.each([
    ['one span', 'call 07700 900123 now', [{ start: 5, end: 17 }], 'call •••••••••••• now'],
    [
      'two spans',
      'a bad b bad',
      [
        { start: 2, end: 5 },
        { start: 8, end: 11 },
      ],
      'a ••• b •••',
    ],
    [
      'overlapping spans merge',
      'abcdefgh',
      [
        { start: 1, end: 4 },
        { start: 3, end: 6 },
      ],
      'a•••••gh',
    ],
    [
      'unsorted spans',
      'abcdefgh',
      [
        { start: 5, end: 6 },
        { start: 0, end: 1 },
      ],
      '•bcde•gh',
    ],
    ['spans past the end are clamped', 'abc', [{ start: 1, end: 10 }], 'a••'],
    ['empty spans are ignored', 'abc', [{ start: 1, end: 1 }], 'abc'],
    ['no spans', 'abc', [], 'abc'],
    ['astral characters count once', 'x 🙂🙂 y', [{ start: 2, end: 6 }], 'x •• y'],
  ])('%s', (_label, text, spans, expected) => {
    expect(maskSpans(text, spans)).toBe(expected);
  });

  it('merges touching spans', () => {
    expect(
      mergeSpans([
        { start: 3, end: 5 },
        { start: 0, end: 3 },
      ]),
    ).toEqual([{ start: 0, end: 5 }]);
  });
});
