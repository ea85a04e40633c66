import type { FieldError } from '@kindred/http';

/** One numbered ground rule of a group agreement; moderation decisions cite it by `key`. */
export interface Clause {
  key: string;
  title: string;
  text: string;
}

export const CLAUSE_KEY_PATTERN = /^[a-z0-9-]{2,60}$/;
export const MAX_CLAUSES = 50;
export const MAX_CLAUSE_TITLE = 200;
export const MAX_CLAUSE_TEXT = 4000;

const CLAUSE_PROPERTIES = new Set(['key', 'title', 'text']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function length(text: string): number {
  return [...text].length;
}

/** Checks the clauses of a new agreement version; fields are paths like "clauses.2.key". */
export function validateClauses(clauses: unknown): FieldError[] {
  if (!Array.isArray(clauses) || clauses.length === 0 || clauses.length > MAX_CLAUSES) {
    return [{ field: 'clauses', message: `An agreement needs from 1 to ${MAX_CLAUSES} clauses.` }];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  clauses.forEach((clause: unknown, index) => {
    const path = `clauses.${index}`;
    if (!isPlainObject(clause)) {
      errors.push({ field: path, message: 'Each clause needs a key, a title and its text.' });
      return;
    }
    for (const property of Object.keys(clause)) {
      if (!CLAUSE_PROPERTIES.has(property)) errors.push({ field: `${path}.${property}`, message: 'A clause has no setting with this name.' });
    }
    const { key, title, text } = clause;
    if (typeof key !== 'string' || !CLAUSE_KEY_PATTERN.test(key)) {
      errors.push({ field: `${path}.key`, message: 'A clause key must be 2 to 60 lowercase letters, digits or hyphens, like "respect".' });
    } else if (seen.has(key)) {
      errors.push({ field: `${path}.key`, message: `Another clause already uses the key "${key}".` });
    } else {
      seen.add(key);
    }
    if (typeof title !== 'string' || title.trim() === '' || length(title) > MAX_CLAUSE_TITLE) {
      errors.push({ field: `${path}.title`, message: `Give the clause a title of 1 to ${MAX_CLAUSE_TITLE} characters.` });
    }
    if (typeof text !== 'string' || text.trim() === '' || length(text) > MAX_CLAUSE_TEXT) {
      errors.push({ field: `${path}.text`, message: `Write the clause in 1 to ${MAX_CLAUSE_TEXT.toLocaleString('en-GB')} characters.` });
    }
  });
  return errors;
}

/** The clauses as stored: trimmed titles and text, only the known properties. */
export function normaliseClauses(clauses: Clause[]): Clause[] {
  return clauses.map((c) => ({ key: c.key, title: c.title.trim(), text: c.text.trim() }));
}
