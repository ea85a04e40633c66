// `deadlines`: lateness of 10,000 review deadlines due within 60 s, against bare BullMQ delayed
// jobs. It needs the worker's `deadlines.tick` job; until the build has it, the row says so.
const fs = require('node:fs');
const path = require('node:path');
const lib = require('./lib');

function deadlinesJobExists() {
  const catalogue = path.join(lib.ROOT, 'dist', 'libs', 'queues', 'src', 'queue-catalogue.js');
  if (!fs.existsSync(catalogue)) return false;
  const { QUEUE_CATALOGUE } = require(catalogue);
  return Boolean(QUEUE_CATALOGUE?.deadlines?.tick);
}

async function run() {
  await lib.prepareDatabase();
  if (!deadlinesJobExists()) {
    return [
      lib.unavailable(
        'deadlines',
        'not measured yet: the built worker has no deadlines.tick job (the deadlines job is still being written)',
        'p99 ≤ 2×, zero missed',
      ),
    ];
  }
  return [
    lib.unavailable(
      'deadlines',
      'not measured yet: deadlines.tick now exists; the lateness measurement against it is still to be written',
      'p99 ≤ 2×, zero missed',
    ),
  ];
}

module.exports = { run };
