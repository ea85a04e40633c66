/**
 * ts_headline marks matches with these two private-use characters (never HTML): the search
 * query strips them from the text first, so every one in a headline is a marker.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_STOP = '\uE001';

/** A highlighted stretch of a text, in UTF-16 code units (as JavaScript strings index). */
export interface HighlightRange {
  start: number;
  length: number;
}

export interface Highlighted {
  text: string;
  highlights: HighlightRange[];
}

/**
 * A headline as plain text plus the ranges to mark, so a client escapes the text as it would any
 * other and marks the ranges itself. Unbalanced or empty markers are dropped.
 */
export function fromHeadline(headline: string): Highlighted {
  let text = '';
  const highlights: HighlightRange[] = [];
  let openedAt: number | null = null;
  for (const char of headline) {
    if (char === HIGHLIGHT_START) {
      openedAt = text.length;
    } else if (char === HIGHLIGHT_STOP) {
      if (openedAt !== null && text.length > openedAt) highlights.push({ start: openedAt, length: text.length - openedAt });
      openedAt = null;
    } else {
      text += char;
    }
  }
  return { text, highlights };
}
