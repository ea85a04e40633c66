import { screenText } from '../screen';
import type { ReasonSource } from '../screening.types';
import { compileRules } from '../watched-words.screener';
import { CRISIS_CASES } from './crisis';
import { EVASIONS } from './evasions';
import { HELD_OUT } from './held-out';
import { LINK_CASES } from './links';
import { MEDICAL_ADVICE_CASES } from './medical-advice';
import { ORDINARY_CASES } from './ordinary';
import { PERSONAL_DATA_CASES } from './personal-data';

// The screening corpus: every positive case must be caught by its screener, no ordinary case may be. The table printed
// at the end is the one in docs/SCREENING.md (`npx jest --selectProjects unit --testPathPatterns corpus`).

const MIN_CAUGHT = 0.97;
const MAX_FALSE_POSITIVES = 0.01;
/** How many written cases of each category also appear in each mechanical evasion. */
const EVADED_PER_CATEGORY = 15;

interface Category {
  name: string;
  source: ReasonSource;
  cases: string[];
}

const CATEGORIES: Category[] = [
  { name: 'crisis', source: 'crisis', cases: CRISIS_CASES },
  { name: 'personal-data', source: 'personal-data', cases: PERSONAL_DATA_CASES },
  { name: 'medical-advice', source: 'medical-advice', cases: MEDICAL_ADVICE_CASES },
  { name: 'links', source: 'link', cases: LINK_CASES },
];

const rules = compileRules([]);
const sourcesOf = (text: string): Set<ReasonSource> => new Set(screenText(text, { rules, authorTrusted: false }).verdicts.map((v) => v.source));

/** Written cases plus the first few plain-ASCII ones under each mechanical evasion. */
function positives(category: Category): Array<{ text: string; kind: string }> {
  const plainAscii = category.cases.filter((c) => /^[\x20-\x7e]+$/.test(c)).slice(0, EVADED_PER_CATEGORY);
  return [
    ...category.cases.map((text) => ({ text, kind: 'written' })),
    ...Object.entries(EVASIONS).flatMap(([kind, evade]) => plainAscii.map((c) => ({ text: evade(c), kind }))),
  ];
}

interface Row {
  name: string;
  positives: number;
  caught: number;
  missed: string[];
  negatives: number;
  falsePositives: string[];
}

const rows: Row[] = CATEGORIES.map((category) => {
  const cases = positives(category);
  const missed = cases.filter((c) => !sourcesOf(c.text).has(category.source)).map((c) => `${c.kind}: ${JSON.stringify(c.text)}`);
  const falsePositives = ORDINARY_CASES.filter((text) => sourcesOf(text).has(category.source));
  return { name: category.name, positives: cases.length, caught: cases.length - missed.length, missed, negatives: ORDINARY_CASES.length, falsePositives };
});

const percent = (n: number, d: number): string => `${((100 * n) / d).toFixed(1)}%`;

/** The held-out cases, scored the same way and printed, never asserted (see held-out.ts). */
const heldOut = CATEGORIES.map((category) => {
  const cases = HELD_OUT[category.name as keyof typeof HELD_OUT];
  const missed = cases.filter((text) => !sourcesOf(text).has(category.source));
  const falsePositives = HELD_OUT.ordinary.filter((text) => sourcesOf(text).has(category.source));
  return { name: category.name, positives: cases.length, missed, negatives: HELD_OUT.ordinary.length, falsePositives };
});

function table(): string {
  const lines = [
    '| category | positive cases | caught | catch rate | ordinary cases | false positives | false-positive rate |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.positives} | ${r.caught} | ${percent(r.caught, r.positives)} | ${r.negatives} | ${r.falsePositives.length} | ${percent(r.falsePositives.length, r.negatives)} |`,
    ),
  ];
  const notes = rows.flatMap((r) => [
    ...r.missed.map((m) => `missed (${r.name}) ${m}`),
    ...r.falsePositives.map((f) => `false positive (${r.name}) ${JSON.stringify(f)}`),
  ]);
  const held = [
    '| held-out category | cases | caught | catch rate | ordinary cases | false positives | false-positive rate |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...heldOut.map(
      (r) =>
        `| ${r.name} | ${r.positives} | ${r.positives - r.missed.length} | ${percent(r.positives - r.missed.length, r.positives)} | ${r.negatives} | ${r.falsePositives.length} | ${percent(r.falsePositives.length, r.negatives)} |`,
    ),
  ];
  const heldNotes = heldOut.flatMap((r) => [
    ...r.missed.map((m) => `held-out missed (${r.name}) ${JSON.stringify(m)}`),
    ...r.falsePositives.map((f) => `held-out false positive (${r.name}) ${JSON.stringify(f)}`),
  ]);
  return `${lines.join('\n')}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}\n${held.join('\n')}\n${heldNotes.length ? `\n${heldNotes.join('\n')}\n` : ''}`;
}

describe('screening corpus', () => {
  afterAll(() => {
    process.stdout.write(`\nScreening corpus\n\n${table()}\n`);
  });

  it('has at least 400 positive cases and 200 ordinary ones', () => {
    expect(rows.reduce((sum, r) => sum + r.positives, 0)).toBeGreaterThanOrEqual(400);
    expect(ORDINARY_CASES.length).toBeGreaterThanOrEqual(200);
  });

  it('has no case twice', () => {
    for (const list of [...CATEGORIES.map((c) => c.cases), ORDINARY_CASES]) expect(new Set(list).size).toBe(list.length);
  });

  it.each(CATEGORIES.map((c) => c.name))(`catches at least ${MIN_CAUGHT * 100}%% of %s`, (name) => {
    const row = rows.find((r) => r.name === name) as Row;
    expect(row.caught / row.positives).toBeGreaterThanOrEqual(MIN_CAUGHT);
  });

  it.each(CATEGORIES.map((c) => c.name))(`raises %s on at most ${MAX_FALSE_POSITIVES * 100}%% of ordinary posts`, (name) => {
    const row = rows.find((r) => r.name === name) as Row;
    expect(row.falsePositives.length / row.negatives).toBeLessThanOrEqual(MAX_FALSE_POSITIVES);
  });
});
