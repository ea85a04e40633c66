/**
 * A character a reader can see. Whitespace, separators, control and format characters (zero-width
 * spaces and joiners, bidi controls, the BOM), lone combining marks and the blank "letters" used to
 * pad text (Hangul fillers, the braille blank) are not: text made only of those is empty once
 * normalised, as screening normalises it.
 */
export const VISIBLE_CHARACTER = /[^\s\p{Z}\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u;

/** Whether the text has anything in it a reader could see. */
export function hasVisibleText(text: string): boolean {
  return VISIBLE_CHARACTER.test(text);
}
