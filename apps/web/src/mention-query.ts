/**
 * The `@name` being typed just before the caret: where its `@` is and what follows it (a letter or
 * digit first, then what a display name may hold, up to 40 characters). Null when the caret is not
 * in one, or when a space ends it: the name is finished (or was just picked) and the person writes on.
 */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}][\p{L}\p{N} _.'()-]{0,39})$/u.exec(before);
  if (!match) return null;
  const query = match[1]!;
  if (/\s$/.test(query)) return null;
  return { start: before.length - query.length - 1, query };
}
