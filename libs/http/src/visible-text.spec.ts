import { hasVisibleText } from './visible-text';

describe('hasVisibleText', () => {
  it.each([
    ['empty', ''],
    ['spaces and newlines', ' \n\t \r\n'],
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['zero-width joiners and a BOM', '\u200C\u200D\uFEFF\u2060'],
    ['bidi controls', '\u202E\u202D\u2066\u2069'],
    ['no-break and ideographic spaces', '\u00A0\u3000\u2003'],
    ['Hangul fillers and the braille blank', '\u3164\u115F\u2800'],
    ['lone combining marks', '\u0301\u034F\uFE0F'],
  ])('finds nothing in %s', (_what, text) => {
    expect(hasVisibleText(text)).toBe(false);
  });

  it.each([['a'], ['\u200B hi \u200B'], ['🙂'], ['こんにちは'], ['é'], ['.']])('finds %j visible', (text) => {
    expect(hasVisibleText(text)).toBe(true);
  });
});
