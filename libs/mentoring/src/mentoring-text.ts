import { maskSpans, normalise, screenPersonalData } from '@kindred/moderation';

/**
 * Words written into goals, session notes and end reasons are read by few people, and never by
 * the group: personal contact details are masked before they are stored (the boundaries training
 * asks mentors and mentees to keep them out), and the rest is kept as written.
 */
export function maskPersonalData(text: string): string {
  const spans = screenPersonalData(normalise(text)).flatMap((v) => v.spans ?? []);
  return spans.length > 0 ? maskSpans(text, spans) : text;
}
