#!/usr/bin/env node
// Builds dist/ (and apps/web/dist) when missing or older than any source file, so `npm start` works on a fresh clone.
// With --server-only (the test suites' setup) it builds the services alone and never touches apps/web/dist:
// tests build the web app into a folder of their own, so `npm start` keeps serving what `npm run build` made.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const serverOnly = process.argv.includes('--server-only');
const marker = path.join(root, 'dist', 'apps', 'forum', 'src', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'web') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
const sources = Math.max(newestSource(path.join(root, 'apps')), newestSource(path.join(root, 'libs')));
if (built < sources) {
  process.stdout.write('Building Kindred...\n');
  // The full build ends with the web app, so both are fresh afterwards.
  execSync(serverOnly ? 'npm run --silent build:server' : 'npm run --silent build', { cwd: root, stdio: 'inherit' });
}
if (serverOnly) process.exit(0);

// The web app (apps/web, served by the forum from apps/web/dist) has sources of its own.
const web = path.join(root, 'apps', 'web');
const webMarker = path.join(web, 'dist', 'index.html');

function newestWebSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestWebSource(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

if (fs.existsSync(web)) {
  const webBuilt = fs.existsSync(webMarker) ? fs.statSync(webMarker).mtimeMs : 0;
  if (webBuilt < newestWebSource(web)) {
    process.stdout.write('Building the web app...\n');
    execSync('npm run --silent build:web', { cwd: root, stdio: 'inherit' });
  }
}
