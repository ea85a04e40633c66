/**
 * The API contract as code. `write` regenerates docs/openapi.json (from the forum's controllers and
 * DTOs) and docs/asyncapi.yaml (from the socket.io event catalogue in @kindred/chat); `check`
 * regenerates both into a temporary folder and fails when the committed files differ, or when the
 * AsyncAPI document is not valid AsyncAPI 3.
 *
 * Run through scripts/register-ts.js (`npm run openapi`, `npm run contract:check`). No database or
 * Redis is needed: the forum module is built in Nest's preview mode, which reads the controllers'
 * metadata without creating any provider, so nothing connects.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Parser } from '@asyncapi/parser';
import { asyncApiYaml } from '@kindred/chat';
import { loadConfig } from '@kindred/config';
import { ForumAppModule } from '../apps/forum/src/forum-app.module';
import { createOpenApiDocument } from '../apps/forum/src/openapi';

const ROOT = join(__dirname, '..');
const DOCS = join(ROOT, 'docs');

/** Every object's keys in order, so the file changes only when the contract does. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The forum's OpenAPI document as docs/openapi.json holds it. Config defaults only, so the output never depends on the environment. */
async function openApiJson(): Promise<string> {
  const app = await NestFactory.create(ForumAppModule.forRoot(loadConfig({})) as never, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return `${JSON.stringify(sortKeys(createOpenApiDocument(app)), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

interface Generated {
  file: string;
  content: string;
  command: string;
}

/** Problems @asyncapi/parser finds in an AsyncAPI document (errors only; hints and style warnings pass). */
export async function asyncApiErrors(yaml: string): Promise<string[]> {
  const diagnostics = await new Parser().validate(yaml);
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.') || '(root)'}: ${d.message}`);
}

async function generate(): Promise<Generated[]> {
  return [
    { file: 'openapi.json', content: await openApiJson(), command: 'npm run openapi' },
    { file: 'asyncapi.yaml', content: asyncApiYaml(), command: 'npm run openapi' },
  ];
}

/** Where two JSON documents differ, as paths (`components.schemas.LoginDto.properties.email.maxLength`), up to `max`. */
export function jsonDifferences(committed: unknown, generated: unknown, max = 5, path: string[] = [], found: string[] = []): string[] {
  if (found.length >= max) return found;
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 80));
  const bothObjects = committed !== null && generated !== null && typeof committed === 'object' && typeof generated === 'object';
  if (bothObjects && Array.isArray(committed) === Array.isArray(generated)) {
    const keys = [...new Set([...Object.keys(committed), ...Object.keys(generated)])];
    for (const key of keys) {
      jsonDifferences((committed as Record<string, unknown>)[key], (generated as Record<string, unknown>)[key], max, [...path, key], found);
    }
  } else if (JSON.stringify(committed) !== JSON.stringify(generated) && found.length < max) {
    found.push(`  ${path.join('.') || '(document)'}: committed ${show(committed)}, code says ${show(generated)}`);
  }
  return found;
}

/** The first lines where two texts differ, for a message a person can act on. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const context = a.slice(Math.max(0, i - 3), i).map((line) => `               ${line}`);
      return [`  at line ${i + 1}, after:`, ...context, `    committed: ${a[i] ?? '(end of file)'}`, `    from code: ${b[i] ?? '(end of file)'}`].join('\n');
    }
  }
  return '';
}

async function write(): Promise<void> {
  for (const { file, content } of await generate()) {
    if (file.endsWith('asyncapi.yaml')) await assertValidAsyncApi(content);
    writeFileSync(join(DOCS, file), content);
    process.stdout.write(`wrote ${relative(ROOT, join(DOCS, file))}\n`);
  }
}

async function assertValidAsyncApi(yaml: string): Promise<void> {
  const errors = await asyncApiErrors(yaml);
  if (errors.length > 0) throw new Error(`The generated AsyncAPI document is not valid AsyncAPI 3:\n  ${errors.join('\n  ')}`);
}

async function check(): Promise<boolean> {
  const temp = mkdtempSync(join(tmpdir(), 'kindred-contract-'));
  let ok = true;
  try {
    for (const { file, content, command } of await generate()) {
      writeFileSync(join(temp, file), content);
      if (file.endsWith('asyncapi.yaml')) {
        const errors = await asyncApiErrors(content);
        if (errors.length > 0) {
          ok = false;
          process.stderr.write(`docs/${file} as generated is not valid AsyncAPI 3 (@asyncapi/parser):\n  ${errors.join('\n  ')}\n`);
        } else process.stdout.write(`docs/${file} is valid AsyncAPI ${'3.0.0'}\n`);
      }
      let committed: string;
      try {
        committed = readFileSync(join(DOCS, file), 'utf8');
      } catch {
        committed = '';
      }
      if (committed === content) {
        process.stdout.write(`docs/${file} is up to date\n`);
        continue;
      }
      ok = false;
      let where = firstDifference(committed, content);
      if (file.endsWith('.json')) {
        try {
          where = jsonDifferences(JSON.parse(committed), JSON.parse(content)).join('\n') || where;
        } catch {
          // Not JSON at all (a conflict marker, say): the line is the best pointer.
        }
      }
      process.stderr.write(
        `docs/${file} is stale: it differs from what the code produces (${join(temp, file)}).\n` +
          `${where}\n` +
          `Run \`${command}\` and commit docs/${file}.\n`,
      );
    }
  } finally {
    if (ok) rmSync(temp, { recursive: true, force: true });
  }
  return ok;
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'write') await write();
  else if (command === 'check') process.exitCode = (await check()) ? 0 : 1;
  else {
    process.stderr.write('usage: contract.ts write|check\n');
    process.exitCode = 2;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
