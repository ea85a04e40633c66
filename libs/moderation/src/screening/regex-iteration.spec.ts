import { allMatches } from './regex-iteration';

describe('allMatches', () => {
  it.each<[string, RegExp, string, string[]]>([
    ['every match in order', /\d+/g, 'a1b22c333', ['1', '22', '333']],
    ['no match', /x/g, 'abc', []],
    ['empty matches advance instead of looping', /b*/g, 'abba', ['', 'bb', '', '']],
    ['matches overlapping the previous end are not repeated', /aa/g, 'aaaa', ['aa', 'aa']],
  ])('%s', (_label, regex, text, expected) => {
    expect([...allMatches(regex, text)].map((m) => m[0])).toEqual(expected);
  });

  it('leaves the shared regex ready for the next caller, even after an early break', () => {
    const regex = /\d/g;
    for (const m of allMatches(regex, 'x1y2')) {
      expect(m[0]).toBe('1');
      break;
    }
    expect(regex.lastIndex).toBe(0);
    expect([...allMatches(regex, 'x1y2')].map((m) => m.index)).toEqual([1, 3]);
  });
});
