import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { RunningHttpApp, startForum } from '../support/stack';

/** The forum serves the built web app at `/`, deep links included, without changing how the API answers. */
describe('the forum serves the web app', () => {
  let forum: RunningHttpApp;
  beforeAll(async () => {
    forum = await startForum();
  });
  afterAll(async () => {
    await forum.close();
  });

  it('answers / and any page path a browser asks for with the app', async () => {
    for (const path of ['/', '/register', '/community/5b0c3a36-4a54-4b8e-9a43-2ff0c1f4d0e1/chat']) {
      const page = await request(forum.url).get(path).set('Accept', 'text/html,application/xhtml+xml');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('<div id="root">');
    }
  });

  it('serves the built assets', async () => {
    const page = await request(forum.url).get('/').set('Accept', 'text/html');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await request(forum.url).get(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // Hashed file names change with every build: these may be cached, unlike API answers.
    expect(asset.headers['cache-control'] ?? '').not.toContain('no-store');
  });

  it('serves assets written by a rebuild after the forum started', async () => {
    const name = `rebuilt-${Date.now()}.js`;
    const file = resolve(process.env.KINDRED_WEB_DIST ?? resolve(__dirname, '../../apps/web/dist'), 'assets', name);
    writeFileSync(file, 'export {};\n');
    try {
      const asset = await request(forum.url).get(`/assets/${name}`);
      expect(asset.status).toBe(200);
      expect(asset.headers['content-type']).toMatch(/javascript/);
      const outside = await request(forum.url).get('/assets/..%2f..%2fpackage.json');
      expect(outside.status).toBe(404);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('leaves the API answering JSON and problem+json', async () => {
    const groups = await request(forum.url).get('/groups').set('Accept', 'text/html');
    expect(groups.headers['content-type']).toMatch(/application\/json/);
    expect(groups.headers['cache-control']).toBe('no-store');
    const missing = await request(forum.url).get('/no-such-thing').set('Accept', 'application/json');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const me = await request(forum.url).get('/me').set('Accept', 'text/html');
    expect(me.status).toBe(401);
    expect(me.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});

/** What people write is rendered as text: no screen of the web app ever injects HTML. */
describe('the web app sources', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(resolve(dir, entry.name)) : [resolve(dir, entry.name)]));

  it('never set HTML from strings', () => {
    const offenders = sources(resolve(__dirname, '../../apps/web/src')).filter((file) =>
      /dangerouslySetInnerHTML|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write\(/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
