#!/usr/bin/env node
// `npm run bench [-- <name>...] [--size small|full] [--repeats N]`: runs the benchmarks, each
// against its bare baseline in the same invocation, prints a table and rewrites docs/PERFORMANCE.md.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const BENCHMARKS = [
  'screening',
  'screening-linear',
  'forum-read',
  'forum-write',
  'deadlines',
  'chat-fanout',
  'chat-memory',
  'chat-flood',
  'search',
  'notification-fanout',
  'cluster',
];
const DOC = path.join(lib.ROOT, 'docs', 'PERFORMANCE.md');
const NOTES_HEADING = '## What changed and what it bought';
const RESULTS_MARKER = 'bench-results';

function parseArgs(argv) {
  const options = { names: [], size: 'full', repeats: 3, write: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--size') options.size = argv[++i];
    else if (arg.startsWith('--size=')) options.size = arg.slice(7);
    else if (arg === '--repeats') options.repeats = Number(argv[++i]);
    else if (arg.startsWith('--repeats=')) options.repeats = Number(arg.slice(10));
    else if (arg === '--no-write') options.write = false;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else options.names.push(arg);
  }
  if (!['small', 'full'].includes(options.size)) throw new Error(`--size must be small or full (got ${options.size})`);
  if (!Number.isInteger(options.repeats) || options.repeats < 3) throw new Error('--repeats must be a whole number of at least 3');
  for (const name of options.names) if (!BENCHMARKS.includes(name)) throw new Error(`unknown benchmark "${name}"; one of ${BENCHMARKS.join(', ')}`);
  if (options.names.length === 0) options.names = [...BENCHMARKS];
  return options;
}

/** Loads a benchmark module, or explains why it is not there yet (chat-fanout is written separately). */
function loadBenchmark(name) {
  const file = path.join(__dirname, `${name}.bench.js`);
  if (!fs.existsSync(file)) return null;
  return require(file);
}

function notYetAvailable(name) {
  if (name === 'chat-fanout') {
    return [
      lib.unavailable('chat-fanout', 'not yet available: bench/chat-fanout.bench.js does not exist yet', '≥ 0.7×'),
      lib.unavailable('chat-latency', 'not yet available: bench/chat-fanout.bench.js does not exist yet', '≤ bare sum + 5 ms'),
    ];
  }
  return [lib.unavailable(name, `not yet available: bench/${name}.bench.js does not exist`)];
}

// ---------------------------------------------------------------- output

const show = (value) => (value === null || value === undefined || Number.isNaN(value) ? '—' : String(value));

function perCpuSecond(cpuMsPerUnit) {
  return Number.isFinite(cpuMsPerUnit) && cpuMsPerUnit > 0 ? lib.round(1000 / cpuMsPerUnit) : null;
}

function tableRows(rows) {
  return rows.map((r) => [
    r.name,
    show(r.ours),
    show(r.baseline),
    r.unit || '—',
    show(r.ratio),
    r.target || '—',
    r.met === null || r.met === undefined ? '—' : r.met ? 'yes' : 'no',
    show(perCpuSecond(r.oursCpuPerUnit)),
    show(perCpuSecond(r.baselineCpuPerUnit)),
    r.notes || '',
  ]);
}

const HEADER = ['benchmark', 'ours', 'baseline', 'unit', 'ratio', 'target', 'met', 'ours per server CPU-s', 'baseline per server CPU-s', 'notes'];

function printTable(rows) {
  const body = tableRows(rows).map((r) => r.slice(0, 9));
  const header = HEADER.slice(0, 9);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of body) process.stdout.write(`${line(r)}\n`);
  for (const r of rows) if (r.notes) process.stdout.write(`  ${r.name}: ${r.notes}\n`);
  const memory = memoryRows(rows);
  if (memory.length) {
    process.stdout.write('\nRSS at the end of each benchmark (MB):\n');
    for (const [bench, proc, mb] of memory) process.stdout.write(`  ${bench.padEnd(16)} ${proc.padEnd(22)} ${mb}\n`);
  }
}

function memoryRows(rows) {
  const out = [];
  for (const r of rows) for (const [proc, mb] of Object.entries(r.rss ?? {})) out.push([r.name, proc, show(mb)]);
  return out;
}

function markdownTable(header, rows) {
  const escape = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

function machine() {
  let memory = `${Math.round(os.totalmem() / 1024 ** 3)} GB`;
  try {
    const match = /MemTotal:\s+(\d+) kB/.exec(fs.readFileSync('/proc/meminfo', 'utf8'));
    if (match) memory = `${(Number(match[1]) / 1024 ** 2).toFixed(1)} GB (MemTotal ${match[1]} kB)`;
  } catch {
    // not Linux
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return { cores: lib.CORES, memory, cpu, node: process.version, platform: `${os.type()} ${os.release()}` };
}

/** The previous document's recorded results and hand-written notes, so a partial run keeps the rest. */
function previousDocument() {
  if (!fs.existsSync(DOC)) return { results: {}, notes: null };
  const text = fs.readFileSync(DOC, 'utf8');
  const match = new RegExp(`<!-- ${RESULTS_MARKER} (.*?) -->`, 's').exec(text);
  let results = {};
  try {
    results = match ? JSON.parse(match[1]) : {};
  } catch {
    results = {};
  }
  const at = text.indexOf(NOTES_HEADING);
  return {
    results,
    notes:
      at >= 0
        ? text
            .slice(at)
            .replace(new RegExp(`<!-- ${RESULTS_MARKER} .*? -->\\s*`, 's'), '')
            .trimEnd()
        : null,
  };
}

function writeDocument({ results, command, date, info, size, loadAverage }) {
  const { notes } = previousDocument();
  const ordered = BENCHMARKS.filter((b) => results[b]).map((b) => results[b]);
  const rows = ordered.flatMap((entry) =>
    entry.rows.map((r) => ({
      ...r,
      notes: entry.date === date ? r.notes : `${r.notes ? `${r.notes}; ` : ''}from an earlier run (${entry.date}, \`${entry.command}\`)`,
    })),
  );
  const memory = memoryRows(rows);
  const doc = [
    '# Performance',
    '',
    "Written by `npm run bench` (see `bench/`). Each benchmark runs Kindred's full path and a bare baseline",
    '(`bench/baselines/`) in the same invocation, alternating baseline and ours, and reports medians of the',
    'repeats. Servers are pinned to one core and the load generator to another with `taskset` where it',
    'exists; "per server CPU-s" divides the work done by the CPU time the server process used',
    '(`/proc/<pid>/stat` utime + stime). A target is a goal to report against, not an assertion.',
    '',
    '## Latest run',
    '',
    `- Date: ${date}`,
    `- Command: \`${command}\` (size ${size}${size === 'small' ? ': quick and noisy, for development' : ''})`,
    `- Load average when it started: ${loadAverage} (others' work on the machine makes figures noisy)`,
    `- Machine: ${info.cores} cores (${info.cpu}), memory ${info.memory}, ${info.platform}`,
    `- Node.js ${info.node}; taskset ${lib.HAS_TASKSET && lib.SERVER_CORE ? `used (servers on core ${lib.SERVER_CORE}, load generator on core 0)` : 'not used'}`,
    `- PostgreSQL and Redis are shared by the servers and the baselines and are not pinned.`,
    `- A partial run (\`npm run bench -- <name>\`) keeps the other benchmarks' rows; their notes say which run they came from.`,
    '',
    markdownTable(HEADER, tableRows(rows)),
    '',
    '### Memory',
    '',
    'Resident set size (VmRSS) of each process at the end of its benchmark.',
    '',
    memory.length ? markdownTable(['benchmark', 'process', 'RSS (MB)'], memory) : '_No process memory recorded in this run._',
    '',
    notes ??
      `${NOTES_HEADING}\n\n_Nothing recorded yet: after a change made for a number, say here what changed and what the benchmark showed before and after._`,
    '',
    `<!-- ${RESULTS_MARKER} ${JSON.stringify(results)} -->`,
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, doc);
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`usage: npm run bench [-- <name>...] [--size small|full] [--repeats N] [--no-write]\n  benchmarks: ${BENCHMARKS.join(', ')}\n`);
    return;
  }
  const pinned = lib.pinLoadGenerator();
  const loadAverage = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const info = machine();
  const args = process.argv.slice(2);
  const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const date = new Date().toISOString();
  const log = (message) => process.stdout.write(`${message}\n`);
  log(`Kindred benchmarks: ${options.names.join(', ')} (size ${options.size}, ${options.repeats} repeats)`);
  log(
    `${info.cores} cores, ${info.memory}, Node ${info.node}; ${pinned ? `load generator on core 0, servers on core ${lib.SERVER_CORE}` : 'not pinned (no taskset or one core)'}`,
  );

  const { results } = previousDocument();
  const allRows = [];
  for (const name of options.names) {
    log(`\n== ${name}`);
    const bench = loadBenchmark(name);
    let rows;
    if (!bench) rows = notYetAvailable(name);
    else {
      const started = Date.now();
      try {
        rows = await bench.run({ repeats: options.repeats, size: options.size, log });
      } catch (error) {
        log(`  ${name} failed: ${error.stack ?? error.message}`);
        rows = [lib.unavailable(name, `failed in this run: ${String(error.message).split('\n')[0]}`)];
      } finally {
        lib.stopAll();
      }
      log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    allRows.push(...rows);
    results[name] = { date, command, size: options.size, rows };
  }
  printTable(allRows);
  if (options.write) {
    writeDocument({ results, command, date, info, size: options.size, loadAverage });
    log(`\nWrote ${path.relative(process.cwd(), DOC)}`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    lib.stopAll();
    process.exit(130);
  });
}
process.on('exit', () => lib.stopAll());

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    lib.stopAll();
    process.exit(1);
  },
);
