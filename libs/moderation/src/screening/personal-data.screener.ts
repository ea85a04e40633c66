import { normalise, numberRuns, toOriginalSpan, type NormalisedText, type NumberRun } from './normalise';
import { summarise, type GuardedMatch } from './pattern-match';
import { allMatches } from './regex-iteration';
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

// Phone and NHS numbers are found in the number runs of the text (see numberRuns in normalise.ts), where separators
// of any kind and length, look-alike letters (O77OO) and spelled-out digits are already folded away.
const MOBILE = /^(?:(?:00)?440?|0)7\d{9}$/;
// 01 numbers have 9 or 10 digits after the 0; 02 numbers always 10. 03 and 08 numbers (charities, the NHS, public
// bodies, freephone lines) and short codes (111, 999, 116 123, 85258) are organisations', not a person's.
const LANDLINE = /^(?:(?:00)?440?|0)(?:1\d{8,9}|2\d{9})$/;
const LONGEST_PHONE = 14;

const TLD =
  '(?:com|org|net|co\\s*(?:\\.|\\s+dot\\s+|\\(dot\\)|\\[dot\\])\\s*uk|uk|io|me|info|biz|eu|ie|de|fr|nl|ac\\s*(?:\\.|\\s+dot\\s+)\\s*uk|nhs\\s*(?:\\.|\\s+dot\\s+)\\s*(?:uk|net)|gov\\s*(?:\\.|\\s+dot\\s+)\\s*uk|email|mail|online)';
const LOCAL = '[\\p{L}\\p{N}._%+-]+';
const DOMAIN_LABEL = '[\\p{L}\\p{N}-]+';
// Ordinary address, spaces around "@" allowed: "sam @ example.org".
const EMAIL = new RegExp(
  `(?<![\\p{L}\\p{N}._%+-])${LOCAL}\\s*@\\s*${DOMAIN_LABEL}(?:\\s*\\.\\s*${DOMAIN_LABEL})*\\s*\\.\\s*\\p{L}{2,}(?![\\p{L}\\p{N}])`,
  'gu',
);
const AT = '(?:\\s*(?:\\(\\s*at\\s*\\)|\\[\\s*at\\s*\\]|\\{\\s*at\\s*\\}|<\\s*at\\s*>)\\s*|\\s+at\\s+)';
const DOT = '(?:\\s*(?:\\.|\\(\\s*dot\\s*\\)|\\[\\s*dot\\s*\\]|\\{\\s*dot\\s*\\}|<\\s*dot\\s*>)\\s*|\\s+dot\\s+)';
// Spelled out to slip past a filter: "sam at kindredmail dot org", "sam(at)example(dot)org", "jo [at] nhs [dot] net".
const EMAIL_SPELLED = new RegExp(`(?<![\\p{L}\\p{N}._%+-])(${LOCAL})${AT}(${DOMAIN_LABEL}(?:${DOT}${DOMAIN_LABEL})*?)${DOT}${TLD}(?![\\p{L}\\p{N}])`, 'gu');
// Every spelled-out email has a spelled or bracketed part, or "at" after a name with a digit, dot or underscore in it.
const MAYBE_SPELLED_EMAIL = /\bdot\b|[([{<]\s*at\s*[)\]}>]|[\d._]\S*\s+at\s/;
const BRACKETED = /[([{<]\s*(?:at|dot)\s*[)\]}>]/;
const SPELLED_DOT = /\sdot\s/;
// Words that come before "at" in prose: "look at bbc.co.uk", "I'm at kidneycareuk.org".
const NOT_A_MAILBOX = new Set(
  (
    'i im me we us you he she they it this that there here look looking looked see seen find found read be been being is was ' +
    'are am at me get got meet meeting stay staying work working home info details more available out up go going went arrive ' +
    'arrived stuck sat sitting online advice help support website site page'
  ).split(' '),
);

// Outward code (area letters exclude Q, V, X first and I, J, Z second), then inward code (letters exclude C, I, K, M, O, V).
const POSTCODE = /(?<![\p{L}\p{N}])(?:[a-pr-uwyz][a-hk-y]?\d[a-z\d]?|gir)[\s\-.]*\d[abd-hjlnp-uw-z]{2}(?![\p{L}\p{N}])/gu;

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

/** NHS numbers are written as ten digits, as 3-3-4, or digit by digit. */
function nhsLayout(groups: NumberRun['groups']): boolean {
  const lengths = groups.map((g) => g.to - g.from).join(',');
  return lengths === '10' || lengths === '3,3,4' || groups.every((g) => g.to - g.from === 1);
}

const overlapsAny = (span: Span, spans: ReadonlyArray<Span>): boolean => spans.some((s) => span.start < s.end && s.start < span.end);

export function screenPersonalData(n: NormalisedText): ScreenVerdict[] {
  const found: GuardedMatch[] = [];
  const nhs: Span[] = [];
  const push = (label: string, start: number, end: number): void => {
    found.push({ label, span: toOriginalSpan(n, start, end) });
  };
  const text = n.plain;

  const phones: Span[] = [];
  for (const run of numberRuns(n)) {
    const { digits, groups } = run;
    for (let a = 0; a < groups.length; a++) {
      const from = (groups[a] as NumberRun['groups'][number]).from;
      for (let b = a; b < groups.length; b++) {
        const last = groups[b] as NumberRun['groups'][number];
        if (last.to - from > LONGEST_PHONE) break;
        const candidate = digits.slice(from, last.to);
        // "+44 …" and "(07700) …": the sign or bracket written just before belongs to the number.
        const first = (groups[a] as NumberRun['groups'][number]).start;
        const start = first > 0 && /[+(]/.test(n.plain[first - 1] as string) ? first - 1 : first;
        const span = toOriginalSpan(n, start, last.end);
        if (MOBILE.test(candidate)) {
          found.push({ label: PERSONAL_DATA_KIND.mobile, span });
          phones.push(span);
        } else if (LANDLINE.test(candidate)) {
          found.push({ label: PERSONAL_DATA_KIND.landline, span });
          phones.push(span);
        } else if (candidate.length === 10 && nhsLayout(groups.slice(a, b + 1)) && isValidNhsNumber(candidate)) {
          nhs.push(span);
        }
      }
    }
  }
  for (const span of nhs) if (!overlapsAny(span, phones)) found.push({ label: PERSONAL_DATA_KIND.nhs, span });

  for (const m of allMatches(EMAIL, text)) push(PERSONAL_DATA_KIND.email, m.index ?? 0, (m.index ?? 0) + m[0].length);
  for (const m of MAYBE_SPELLED_EMAIL.test(text) ? allMatches(EMAIL_SPELLED, text) : []) {
    const local = m[1] ?? '';
    const spelled = BRACKETED.test(m[0]) || SPELLED_DOT.test(m[0]) || /[\d._]/.test(local);
    if (!spelled || NOT_A_MAILBOX.has(local)) continue;
    push(PERSONAL_DATA_KIND.email, m.index ?? 0, (m.index ?? 0) + m[0].length);
  }

  for (const m of allMatches(POSTCODE, text)) push(PERSONAL_DATA_KIND.postcode, m.index ?? 0, (m.index ?? 0) + m[0].length);

  for (const m of allMatches(STREET, text)) {
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

/**
 * The kinds of personal data in a short text, for fields screened on their own such as display names: `[]` when there
 * is none. Same detectors as screenPersonalData, so "Sam 07700 900123" and "O77OO 9OO123" give ['UK mobile number'].
 */
export function personalDataIn(text: string): string[] {
  return screenPersonalData(normalise(text)).map((v) => v.detail);
}
