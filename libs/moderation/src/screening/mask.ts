import type { Span } from './screening.types';

export const MASK_CHAR = '•';

/** Sorts, clamps and merges overlapping or touching spans. */
export function mergeSpans(spans: ReadonlyArray<Span>, length = Number.MAX_SAFE_INTEGER): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Replaces each span with one mask character per code point, so the text keeps its shape. */
export function maskSpans(original: string, spans: ReadonlyArray<Span>): string {
  const merged = mergeSpans(spans, original.length);
  let out = '';
  let at = 0;
  for (const { start, end } of merged) {
    out += original.slice(at, start) + MASK_CHAR.repeat([...original.slice(start, end)].length);
    at = end;
  }
  return out + original.slice(at);
}
