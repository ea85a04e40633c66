import { toOriginalSpan, type NormalisedText } from './normalise';
import { summarise, type GuardedMatch } from './pattern-match';
import { CLAUSE, type ScreenVerdict, type Span } from './screening.types';

// Runs on `plain` (digits intact). Each detector is a narrow pattern plus a check in code (digit counts, the NHS
// check digit, street-name words), because a member quoting a lab value or a date must not be held.

export const PERSONAL_DATA_KIND = {
  mobile: 'UK mobile number',
  landline: 'UK landline number',
  email: 'email address',
  nhs: 'NHS number',
  postcode: 'postcode',
  address: 'street address',
} as const;

const SEP = '[\\s.\\-)]{0,2}';
const UK_PREFIX = `(?:(?:\\+|00)\\s?44\\s?(?:\\(0\\)\\s?)?|\\(?0)`;
const MOBILE = new RegExp(`(?<![\\p{L}\\p{N}+])${UK_PREFIX}7(?:${SEP}\\d){9}(?!\\d)`, 'gu');
const LANDLINE = new RegExp(`(?<![\\p{L}\\p{N}+])${UK_PREFIX}([123])((?:${SEP}\\d){8,9})(?!\\d)`, 'gu');

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// "name [at] example [dot] com", "name at gmail dot com": spelled out to slip past a filter.
const EMAIL_SPELLED =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+\s*(?:\(at\)|\[at\]|\{at\})\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*\p{L}{2,})+/gu;
const EMAIL_PROVIDER =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+\s+at\s+(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|live|btinternet|aol|protonmail|proton|me|mac|msn|sky|virginmedia|talktalk|nhs)\s*(?:\.|\s+dot\s+)\s*(?:com|net|uk|me|co\s*(?:\.|\s+dot\s+)\s*uk)\b/gu;

const NHS = /(?<![\p{L}\p{N}.,/])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\p{N}]|[.,/]\d)/gu;

// Outward code (area letters exclude Q, V, X first and I, J, Z second), then inward code (letters exclude C, I, K, M, O, V).
const POSTCODE = /(?<![\p{L}\p{N}])(?:[a-pr-uwyz][a-hk-y]?\d[a-z\d]?|gir)\s*\d[abd-hjlnp-uw-z]{2}(?![\p{L}\p{N}])/gu;

const STREET_SUFFIX = 'street|st|road|rd|avenue|ave|lane|close|drive|way|crescent|place|gardens|gdns|court|terrace|grove|square|mews|parade|boulevard|walk|row';
const STREET = new RegExp(`(?<![\\p{L}\\p{N}.,/])\\d{1,4}[a-z]?,?\\s+((?:[a-z][a-z'-]+\\s+){1,3})(?:${STREET_SUFFIX})\\b`, 'gu');
// Words that do not name a street: "took 2 tablets on the way", "a 5 minute walk", "2 hour drive".
const NOT_STREET_NAME = new Set(
  (
    'the a an on in at of to for and or my your his her our their this that these those all every each some any no per by with ' +
    'from into onto off out up down over under about after before times time hours hour hrs hr minutes minute mins min seconds ' +
    'days day weeks week months month years year miles mile km metres meters yards steps long short quick little big more less ' +
    'other another extra first last next very really so quite too pretty fairly tablets tablet pills pill mg ml units doses ' +
    'dose lots loads kids people way is was are be been'
  ).split(' '),
);

export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

const overlapsAny = (span: Span, spans: ReadonlyArray<Span>): boolean => spans.some((s) => span.start < s.end && s.start < span.end);

export function screenPersonalData(n: NormalisedText): ScreenVerdict[] {
  const found: GuardedMatch[] = [];
  const push = (label: string, start: number, end: number): void => {
    found.push({ label, span: toOriginalSpan(n, start, end) });
  };
  const text = n.plain;

  for (const m of text.matchAll(MOBILE)) push(PERSONAL_DATA_KIND.mobile, m.index ?? 0, (m.index ?? 0) + m[0].length);
  for (const m of text.matchAll(LANDLINE)) {
    const rest = (m[2] ?? '').replace(/\D/g, '');
    // 01 numbers have 9 or 10 digits after the 0; 02 and 03 numbers always 10.
    if (m[1] !== '1' && rest.length !== 9) continue;
    push(PERSONAL_DATA_KIND.landline, m.index ?? 0, (m.index ?? 0) + m[0].length);
  }
  const phones = found.map((f) => f.span);

  for (const pattern of [EMAIL, EMAIL_SPELLED, EMAIL_PROVIDER]) {
    for (const m of text.matchAll(pattern)) push(PERSONAL_DATA_KIND.email, m.index ?? 0, (m.index ?? 0) + m[0].length);
  }

  for (const m of text.matchAll(NHS)) {
    if (!isValidNhsNumber(`${m[1]}${m[2]}${m[3]}`)) continue;
    const span = toOriginalSpan(n, m.index ?? 0, (m.index ?? 0) + m[0].length);
    if (!overlapsAny(span, phones)) found.push({ label: PERSONAL_DATA_KIND.nhs, span });
  }

  for (const m of text.matchAll(POSTCODE)) push(PERSONAL_DATA_KIND.postcode, m.index ?? 0, (m.index ?? 0) + m[0].length);

  for (const m of text.matchAll(STREET)) {
    const words = (m[1] ?? '').trim().split(/\s+/);
    if (words.some((w) => NOT_STREET_NAME.has(w))) continue;
    push(PERSONAL_DATA_KIND.address, m.index ?? 0, (m.index ?? 0) + m[0].length);
  }

  if (found.length === 0) return [];
  // One verdict per kind, so a reviewer sees "NHS number" and "UK mobile number" as separate reasons.
  const byKind = new Map<string, GuardedMatch[]>();
  for (const f of found) byKind.set(f.label, [...(byKind.get(f.label) ?? []), f]);
  return [...byKind.entries()].map(([kind, matches]) => ({
    action: 'hold',
    source: 'personal-data',
    clauseKey: CLAUSE.stayUnidentifiable,
    detail: kind,
    spans: summarise(matches).spans,
  }));
}
