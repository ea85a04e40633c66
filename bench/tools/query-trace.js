// Preload for finding round trips: every PostgreSQL query a process makes, with its time, goes to
// `BENCH_TRACE_DIR` (default ./profiles) as trace-<pid>.log, one line per query:
// `<ms since start> <ms taken> <first 90 characters of the SQL>`. For example:
//   NODE_OPTIONS="--require ./bench/tools/query-trace.js" npm run bench -- screening --size small --no-write
//   awk '{ $1 = $2 = ""; print }' profiles/trace-*.log | sort | uniq -c | sort -rn | head
// Not for production: it slows every query a little and writes synchronously.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const dir = process.env.BENCH_TRACE_DIR ?? path.resolve(__dirname, '..', '..', 'profiles');
fs.mkdirSync(dir, { recursive: true });
const out = fs.openSync(path.join(dir, `trace-${process.pid}.log`), 'w');
const load = Module._load;
let patched = false;

Module._load = function (request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (request === 'pg' && !patched && loaded.Client) {
    patched = true;
    const query = loaded.Client.prototype.query;
    loaded.Client.prototype.query = function (config, ...args) {
      const started = performance.now();
      const text = String(typeof config === 'string' ? config : config?.text)
        .replace(/\s+/g, ' ')
        .slice(0, 90);
      const result = query.call(this, config, ...args);
      if (result && typeof result.then === 'function') {
        result.then(
          () => fs.writeSync(out, `${started.toFixed(2)} ${(performance.now() - started).toFixed(2)} ${text}\n`),
          () => undefined,
        );
      }
      return result;
    };
  }
  return loaded;
};
