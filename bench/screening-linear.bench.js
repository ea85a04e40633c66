// `screening-linear`: time per character of screenText (every screener, in process) on posts of 1,000 to 10,000
// characters, against a group's rules: the hostile regex of issue 13 ([a-z]+\w+!) plus 1,000 watched words. Screening
// is linear when the time per character stays flat as the post grows, so each row's baseline is the same text shape at
// 1,000 characters and the ratio is how much dearer a character has become (target ≤ 1.5×).
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const lib = require('./lib');

const SIZES = [1_000, 2_500, 5_000, 10_000];
const TSC_OPTIONS = ['--module', 'commonjs', '--target', 'es2022', '--esModuleInterop', '--strict', '--skipLibCheck', '--removeComments'];
const HOSTILE_RULE = '[a-z]+\\w+!';
const SYLLABLES = ['zor', 'bax', 'quil', 'vex', 'mun', 'drak', 'plo', 'tiv', 'gren', 'wub', 'yas', 'kelt', 'fro', 'snib', 'jart'];

/** 1,000 watched words, phrases and (linear-time) regexes, as in the screening benchmark, plus the hostile rule. */
function rules(random) {
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join('');
  const out = [{ id: 'hostile', pattern: HOSTILE_RULE, match: 'regex', action: 'hold' }];
  const seen = new Set();
  while (out.length < 1001) {
    const i = out.length;
    const pattern = i % 100 === 99 ? `${word()}\\d{2,4}` : i % 10 === 9 ? `${word()} ${word()}` : word();
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    out.push({ id: `w${i}`, pattern, match: i % 100 === 99 ? 'regex' : i % 10 === 9 ? 'phrase' : 'word', action: 'flag' });
  }
  return out;
}

/** Text shapes, each the worst or commonest case for some part of screening, cut to `length` characters. */
const SHAPES = {
  // The attack on [a-z]+\w+!: letters with no "!", so a backtracking engine tries every split (cubic).
  'hostile a…a': (length) => 'a'.repeat(length),
  // The same with a "!" at the end: the rule matches, after reading the whole text.
  'hostile a…a!': (length) => `${'a'.repeat(length - 1)}!`,
  // What members write.
  ordinary: (length, random) => lib.ordinaryText(random, length),
  // Digits with separators, look-alike letters and spelled digits: the number-run reader's worst case.
  'digits and separators': (length) => '0 7 o 7 - seven / 9 ( 1 ) '.repeat(Math.ceil(length / 26)).slice(0, length),
  // Spaced-out letters and leet: the letter view's worst case.
  'spaced letters': (length) => 'k i l l 5 e l f - '.repeat(Math.ceil(length / 18)).slice(0, length),
  // Dots and "at"s that look like the start of an address: the link and email patterns' worst case.
  'dotted words': (length) => 'a.b at c dot d . e (dot) '.repeat(Math.ceil(length / 25)).slice(0, length),
};

/** Microseconds per character of one timed batch (≥ 100 ms, so timer resolution does not matter). */
function microsPerChar(screen, text) {
  const batch = Math.max(3, Math.ceil(100_000 / text.length));
  const started = process.hrtime.bigint();
  let runs = 0;
  do {
    for (let i = 0; i < batch; i++) screen(text);
    runs += batch;
  } while (Number(process.hrtime.bigint() - started) < 100e6);
  return Number(process.hrtime.bigint() - started) / 1000 / runs / text.length;
}

/** What the rule cost before: JavaScript's backtracking engine on the attack text (cubic in its length). */
function backtrackingMs(length) {
  const regex = new RegExp(HOSTILE_RULE, 'giu');
  const text = 'a'.repeat(length);
  const started = process.hrtime.bigint();
  for (const _ of text.matchAll(regex)) break;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function run({ repeats, log }) {
  // Only the screening library is compiled, into dist/bench-screening: quicker than the whole build, and it needs none
  // of the services' dependencies.
  const out = path.join(lib.ROOT, 'dist', 'bench-screening');
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      'libs/moderation/src/screening/index.ts',
      '--outDir',
      out,
      '--rootDir',
      'libs/moderation/src/screening',
      ...TSC_OPTIONS,
    ],
    { cwd: lib.ROOT, stdio: 'inherit' },
  );
  const screening = require(path.join(out, 'index.js'));
  const compiled = screening.compileRules(rules(lib.prng(7)));
  if (compiled.skipped.length) throw new Error(`rules refused: ${JSON.stringify(compiled.skipped)}`);
  const screen = (text) => screening.screenText(text, { rules: compiled, authorTrusted: false });

  for (const length of [250, 500, 1000])
    log(`  before (JavaScript RegExp, backtracking): ${HOSTILE_RULE} on ${length} × "a" took ${lib.round(backtrackingMs(length))} ms`);

  // Sizes take turns within each repeat, so load from others on the machine falls on all of them alike.
  const samples = Math.max(repeats, 5);
  const rows = [];
  for (const [shape, make] of Object.entries(SHAPES)) {
    const texts = Object.fromEntries(SIZES.map((size) => [size, make(size, lib.prng(size))]));
    for (const size of SIZES) for (let i = 0; i < 3; i++) screen(texts[size]); // warm the JIT on this shape
    const perChar = Object.fromEntries(SIZES.map((size) => [size, []]));
    for (let r = 0; r < samples; r++) for (const size of SIZES) perChar[size].push(microsPerChar(screen, texts[size]));
    const median = Object.fromEntries(SIZES.map((size) => [size, lib.median(perChar[size])]));
    for (const size of SIZES) {
      const verdicts = screen(texts[size]).verdicts.map((v) => v.source + (v.ruleId === 'hostile' ? ' (hostile rule)' : ''));
      log(
        `  ${shape.padEnd(22)} ${String(size).padStart(6)} chars  ${lib.round(median[size])} µs/char  ${lib.round((median[size] * size) / 1000)} ms/post  verdicts: ${[...new Set(verdicts)].join(', ') || 'none'}`,
      );
    }
    for (const size of SIZES.slice(1)) {
      rows.push(
        lib.row({
          name: `screening-linear ${shape} @${size}`,
          ours: median[size],
          baseline: median[SIZES[0]],
          unit: 'µs/char',
          target: 1.5,
          higherIsBetter: false,
          notes: `median of ${samples} samples; ours = µs per character at ${size.toLocaleString('en-GB')} chars (${lib.round((median[size] * size) / 1000)} ms per post), baseline = the same shape at 1,000 chars; in process, every screener, ${HOSTILE_RULE} + 1,000 watched words`,
        }),
      );
    }
  }
  return rows;
}

module.exports = { run };
