#!/usr/bin/env node
// Every table belongs to one context. A context declares what it owns in `libs/<context>/src/tables.ts`
// (TABLES: its tables, views and SQL functions; PUBLISHED: the views and functions other contexts may
// read, its contract). This check reads every string in a context's code (apps own no tables) and
// fails when SQL there names a table, view or function of another context that is not published.
// Migrations and the database lib build the schema for everyone and are not checked; neither are tests.
//
// Usage: node scripts/table-ownership.js [--list]   (--list prints each context's declaration)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const LIBS = path.join(ROOT, 'libs');
const APPS = path.join(ROOT, 'apps');

/** Platform libs that own no tables and hold no SQL of a context, or build the schema itself. */
const NOT_CHECKED = new Set(['database']);
const APPS_NOT_CHECKED = new Set(['web']);

/**
 * Contexts whose lib does not carry its own tables.ts yet: their declaration lives here until it
 * does (the lib is then the only place that says what it owns).
 */
const DECLARED_HERE = {};

/**
 * Reads that still cross into another context's tables, file by file. The list only shrinks: an
 * entry that no longer matches what the file does fails the check too, so it is removed with the fix.
 */
const NOT_YET_THROUGH_THE_OWNER = {};

const SQL_NAME = /\b(?:from|join|into|update|table|using)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (/\.tsx?$/.test(entry.name) && !/\.(spec|repository-spec|e2e-spec)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every piece of literal text in a file: strings, templates (their fixed parts) and @Entity('…') names. */
function strings(source) {
  const out = [];
  const visit = (node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push({ text: node.text, node });
    else if (ts.isTemplateExpression(node)) {
      // Join the fixed parts with a placeholder so `FROM ${x} t` does not read as `FROM t`.
      out.push({ text: [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ${} '), node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function declaredArray(source, name) {
  let values = null;
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === name && node.initializer) {
      let init = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression?.(init)) init = init.expression;
      if (ts.isArrayLiteralExpression(init)) values = init.elements.filter(ts.isStringLiteral).map((e) => e.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return values;
}

function declarations() {
  const owners = new Map(); // name -> context
  const published = new Set();
  const contexts = [];
  const problems = [];
  for (const name of fs.readdirSync(LIBS).sort()) {
    if (NOT_CHECKED.has(name) || !fs.existsSync(path.join(LIBS, name, 'src'))) continue;
    const file = path.join(LIBS, name, 'src', 'tables.ts');
    let decl = DECLARED_HERE[name];
    if (fs.existsSync(file)) {
      const source = parse(file);
      const tables = declaredArray(source, 'TABLES');
      if (!tables) problems.push(`libs/${name}/src/tables.ts: export const TABLES = [...] (string literals) is missing`);
      decl = { tables: tables ?? [], published: declaredArray(source, 'PUBLISHED') ?? [] };
    }
    if (!decl) decl = { tables: [], published: [] };
    contexts.push({ name, ...decl });
    for (const table of decl.tables) {
      if (owners.has(table)) problems.push(`${table} is declared by both ${owners.get(table)} and ${name}`);
      owners.set(table, name);
    }
    for (const view of decl.published) {
      if (!decl.tables.includes(view)) problems.push(`libs/${name}: PUBLISHED names ${view}, which its TABLES does not list`);
      published.add(view);
    }
  }
  return { owners, published, contexts, problems };
}

function check() {
  const { owners, published, contexts, problems } = declarations();
  // A function is named by a call, `name(`; which declared names are functions the migrations say.
  const migrations = path.join(LIBS, 'database', 'src', 'migrations');
  const functions = new Set();
  for (const file of fs.readdirSync(migrations)) {
    for (const m of fs.readFileSync(path.join(migrations, file), 'utf8').matchAll(/CREATE (?:OR REPLACE )?FUNCTION\s+"?([a-z_][a-z0-9_]*)/gi)) {
      if (owners.has(m[1])) functions.add(m[1]);
    }
  }
  const functionCall = functions.size ? new RegExp(`\\b(${[...functions].join('|')})\\s*\\(`, 'g') : null;
  const units = [
    ...contexts.map((c) => ({ context: c.name, dir: path.join(LIBS, c.name, 'src') })),
    ...fs
      .readdirSync(APPS)
      .filter((a) => !APPS_NOT_CHECKED.has(a) && fs.existsSync(path.join(APPS, a, 'src')))
      .map((a) => ({ context: `app ${a}`, dir: path.join(APPS, a, 'src') })),
  ];
  const seen = new Map(); // file -> Set of foreign names found
  for (const unit of units) {
    for (const file of walk(unit.dir)) {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      if (rel.endsWith('/tables.ts')) continue;
      const source = parse(file);
      for (const { text, node } of strings(source)) {
        const found = new Set();
        for (const m of text.matchAll(SQL_NAME)) found.add(m[1].toLowerCase());
        if (functionCall) for (const m of text.matchAll(functionCall)) found.add(m[1]);
        const decorator = node.parent && ts.isCallExpression(node.parent) && node.parent.expression.getText(source) === 'Entity';
        if (decorator) found.add(text);
        for (const name of found) {
          const owner = owners.get(name);
          if (!owner || owner === unit.context || published.has(name)) continue;
          const allowed = NOT_YET_THROUGH_THE_OWNER[rel] ?? [];
          if (!seen.has(rel)) seen.set(rel, new Set());
          seen.get(rel).add(name);
          if (allowed.includes(name)) continue;
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          problems.push(
            `${rel}:${line + 1}: ${unit.context} names ${name}, which ${owner} owns. Ask ${owner}'s exported service, or read a view or function ${owner} publishes.`,
          );
        }
      }
    }
  }
  for (const [file, tables] of Object.entries(NOT_YET_THROUGH_THE_OWNER)) {
    for (const table of tables) {
      if (!seen.get(file)?.has(table))
        problems.push(`${file} no longer names ${table}: remove it from NOT_YET_THROUGH_THE_OWNER in scripts/table-ownership.js`);
    }
  }
  return { problems, contexts };
}

const { problems, contexts } = check();
if (process.argv.includes('--list')) {
  for (const c of contexts) console.log(`${c.name}: ${c.tables.join(', ') || '(none)'}${c.published.length ? `; publishes ${c.published.join(', ')}` : ''}`);
}
if (problems.length) {
  console.error(problems.map((p) => `✖ ${p}`).join('\n'));
  console.error(`\ntable ownership: ${problems.length} problem(s)`);
  process.exit(1);
}
const exceptions = Object.values(NOT_YET_THROUGH_THE_OWNER).reduce((n, t) => n + t.length, 0);
console.log(`table ownership: ${contexts.length} contexts checked, no SQL names another context's table (${exceptions} known crossings left to move)`);
