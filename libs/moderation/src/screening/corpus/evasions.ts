// Evasions applied mechanically to plain cases, as people do by hand or with "font" generators: each keeps the words a
// reader sees and changes the characters a filter sees.

const CYRILLIC: Record<string, string> = { a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', s: 'ѕ', x: 'х', y: 'у' };

export const EVASIONS: Record<string, (text: string) => string> = {
  /** A zero-width space after every second letter. */
  'zero-width': (text) => text.replace(/(\p{L}\p{L})(?=\p{L})/gu, '$1\u200B'),
  /** Latin letters swapped for their Cyrillic look-alikes. */
  'look-alike letters': (text) => text.replace(/[aceiopsxy]/g, (c) => CYRILLIC[c] ?? c),
  /** Full-width forms of every ASCII character, as some keyboards and generators produce. */
  'full-width': (text) => text.replace(/[!-~]/g, (c) => String.fromCodePoint((c.codePointAt(0) as number) + 0xfee0)),
};
