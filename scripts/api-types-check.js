#!/usr/bin/env node
// Fails when apps/web/src/api/schema.d.ts is not what `npm run api:types` makes from docs/openapi.json,
// so the web app's API types can never drift from the committed contract.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const spec = path.join(root, 'docs', 'openapi.json');
const committed = path.join(root, 'apps', 'web', 'src', 'api', 'schema.d.ts');
const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kindred-api-types-')), 'schema.d.ts');

try {
  execFileSync(path.join(root, 'node_modules', '.bin', 'openapi-typescript'), [spec, '-o', fresh], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const want = fs.readFileSync(fresh, 'utf8');
  const have = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '';
  if (want !== have) {
    process.stderr.write(
      `${path.relative(root, committed)} is stale: it is not what openapi-typescript makes from ${path.relative(root, spec)}.\nRun \`npm run api:types\` and commit the result.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`${path.relative(root, committed)} matches ${path.relative(root, spec)}.\n`);
} finally {
  fs.rmSync(path.dirname(fresh), { recursive: true, force: true });
}
