import { fromHeadline, HIGHLIGHT_START as S, HIGHLIGHT_STOP as E } from './highlights';

describe('fromHeadline', () => {
  it('turns markers into ranges over the plain text', () => {
    expect(fromHeadline(`I ${S}walked${E} to the ${S}clinic${E}`)).toEqual({
      text: 'I walked to the clinic',
      highlights: [
        { start: 2, length: 6 },
        { start: 16, length: 6 },
      ],
    });
  });

  it('leaves markup in the text as text: the client escapes it', () => {
    expect(fromHeadline(`<b>${S}walk${E}</b> &amp;`)).toEqual({ text: '<b>walk</b> &amp;', highlights: [{ start: 3, length: 4 }] });
  });

  it('counts in UTF-16 code units, as JavaScript strings do', () => {
    const { text, highlights } = fromHeadline(`😀 ${S}walk${E}`);
    expect(text.slice(highlights[0]!.start, highlights[0]!.start + highlights[0]!.length)).toBe('walk');
  });

  it('drops empty and unbalanced markers', () => {
    expect(fromHeadline(`${S}${E}a${E} b ${S}c`)).toEqual({ text: 'a b c', highlights: [] });
  });
});
