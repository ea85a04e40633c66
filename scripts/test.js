// `npm test`: every tier of tests, in two streams at once, each in band on a database of its own.
// The browser journeys spend much of their time waiting on Chromium and the screening worker, the
// other tiers on their own servers; side by side they share the machine's cores instead of taking
// turns. Each stream has its own PostgreSQL database, Redis database and key prefix (the queues, the
// event channel and the socket.io adapter are all under the prefix), so neither sees the other's
// mail, jobs or events. Extra arguments go to both jest runs (`npm test -- --ci`).
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const JEST = require.resolve('jest/bin/jest');
const base = process.env.KINDRED_TEST_DB ?? 'kindred_test';
const redisDb = Number(process.env.KINDRED_TEST_REDIS_DB ?? '1');

const streams = [
  { name: 'services', projects: ['unit', 'repository', 'e2e', 'resilience', 'cluster'], env: { KINDRED_TEST_DB: base, KINDRED_TEST_REDIS_DB: String(redisDb) } },
  // Its own database name gives it its own Redis key prefix too (tests/setup/test-env.ts).
  { name: 'browser', projects: ['browser'], env: { KINDRED_TEST_DB: `${base}_browser`, KINDRED_TEST_REDIS_DB: String((redisDb + 1) % 16) } },
];

function run(stream) {
  return new Promise((resolve) => {
    const args = [JEST, '--config', 'jest.config.js', '--runInBand', '--selectProjects', ...stream.projects, ...process.argv.slice(2)];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...stream.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Each line says which stream it came from, so the two runs' output can be read apart.
    const prefixed = (target) => {
      let rest = '';
      const write = (chunk) => {
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop();
        for (const line of lines) target.write(`[${stream.name}] ${line}\n`);
      };
      write.flush = () => rest && target.write(`[${stream.name}] ${rest}\n`);
      return write;
    };
    const out = prefixed(process.stdout);
    const err = prefixed(process.stderr);
    child.stdout.on('data', out);
    child.stderr.on('data', err);
    child.on('close', (code, signal) => {
      out.flush();
      err.flush();
      resolve({ name: stream.name, code: code ?? 1, signal });
    });
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => child.kill(sig));
  });
}

Promise.all(streams.map(run)).then((results) => {
  for (const r of results) console.log(`${r.name}: ${r.code === 0 ? 'passed' : `failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`}`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
});
