import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { KindredConfig } from '@kindred/config';
import { createHttpApp } from '@kindred/http';
import { serveMetricsWith } from '@kindred/observability';
import { ForumAppModule } from './forum-app.module';
import { createOpenApiDocument } from './openapi';

/** Builds the forum service (REST API and OpenAPI docs; /metrics on its internal port) without listening, for main.ts and tests alike. */
export async function createForumApp(config: KindredConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(ForumAppModule.forRoot(config) as never, config, { servesPages: true });
  // The same document scripts/contract.ts writes to docs/openapi.json; served as JSON at /docs-json.
  SwaggerModule.setup('docs', app, createOpenApiDocument(app));
  // /metrics is on an internal port only: the public listener answers 404 there.
  serveMetricsWith(app, config.metrics.host, config.metrics.forumPort);
  await serveWebApp(app);
  return app;
}

/** The path of a file under the built app's assets that `url` names, if there is one. */
function builtFile(root: string, url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0]);
  } catch {
    return undefined;
  }
  if (!path.startsWith('/assets/') || path.includes('..') || path.includes('\0')) return undefined;
  const full = resolve(root, `.${path}`);
  return full.startsWith(resolve(root, 'assets')) && existsSync(full) && statSync(full).isFile() ? path.slice(1) : undefined;
}

/** apps/web/dist, whether this file runs from source (apps/forum/src) or from the build (dist/apps/forum/src). */
function webDist(): string | undefined {
  const candidates = [process.env.KINDRED_WEB_DIST, resolve(__dirname, '../../web/dist'), resolve(__dirname, '../../../../apps/web/dist')];
  return candidates.find((dir): dir is string => Boolean(dir) && existsSync(resolve(dir as string, 'index.html')));
}

/**
 * Serves the built web app at `/`. Its files get routes of their own; any other GET that a browser
 * makes for a page (Accept: text/html) and that no API route answers gets index.html, so deep links
 * work. API routes are untouched and keep answering JSON or problem+json.
 */
async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  const root = webDist();
  if (!root) {
    new Logger('WebApp').log('apps/web/dist not found: the web app is not served. Build it with `npm run build:web`.');
    return;
  }
  // wildcard: false registers one route per built file, so unknown paths still reach the API's 404.
  await app.register(fastifyStatic as never, { root, prefix: '/', wildcard: false, index: ['index.html'] });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404 || (request.method !== 'GET' && request.method !== 'HEAD')) return done();
    // A rebuild while the forum runs writes assets with new names: serve those from disk too.
    const file = builtFile(root, request.url);
    if (file) {
      void reply.sendFile(file, root);
      return;
    }
    if ((request.headers.accept ?? '').includes('text/html')) {
      void reply.header('cache-control', 'no-cache').sendFile('index.html', root);
      return;
    }
    done();
  });
}
