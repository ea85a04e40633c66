import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// The forum service serves the built app (apps/web/dist) at `/`; during development the Vite dev
// server proxies the API to a forum running on localhost:3000.
const api = [
  '/app-config.json',
  '/auth',
  '/consent',
  '/me',
  '/groups',
  '/applications',
  '/topics',
  '/posts',
  '/review-items',
  '/notices',
  '/messages',
  '/push',
  '/unsubscribe',
];

interface CrisisLine {
  title: string;
  description: string;
  phone?: string;
  sms?: string;
  hours?: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const digits = (value: string) => value.replace(/[^0-9+]/g, '');

/**
 * The "Need help now?" page the service worker keeps for when Kindred cannot be reached: the
 * bundled crisis lines (src/crisis-lines.json, the list the app's own dialog shows) as plain HTML
 * with no script, so it shows when nothing else loads.
 */
function offlinePageHtml(lines: CrisisLine[]): string {
  const items = lines
    .map((r) => {
      const actions = [
        r.phone ? `<a href="tel:${escape(digits(r.phone))}">Call ${escape(r.phone)}</a>` : '',
        r.sms ? `<a href="sms:${escape(digits(r.sms))}">Text ${escape(r.sms)}</a>` : '',
      ].filter(Boolean);
      const hours = r.hours ? `\n          <p class="hint">Open: ${escape(r.hours)}</p>` : '';
      return `        <li>
          <p class="title">${escape(r.title)}</p>
          <p>${escape(r.description)}</p>
          <p class="actions">${actions.join(' ')}</p>${hours}
        </li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="theme-color" content="#1d4f91" />
    <title>Need help now? · Kindred</title>
    <link rel="manifest" href="/manifest.webmanifest" />
    <style>
      :root { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; line-height: 1.5; color: #1b1b1f; background: #fbfaf7; }
      body { margin: 0; }
      header { background: #143a6b; color: #fff; padding: 0.75rem 1rem; font-weight: 700; font-size: 1.25rem; }
      main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
      ul { list-style: none; padding: 0; }
      li { background: #fff4e5; border: 1px solid #6b6b76; border-radius: 0.5rem; padding: 0.75rem 1rem; margin-bottom: 0.75rem; }
      li p { margin: 0.25rem 0; }
      .title { font-weight: 700; font-size: 1.125rem; }
      .actions a { display: inline-block; margin-right: 1rem; padding: 0.5rem 0; font-weight: 700; color: #1d4f91; }
      .hint { color: #4a4a55; }
      a:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
    </style>
  </head>
  <body>
    <header>Kindred</header>
    <main id="main">
      <h1>Need help now?</h1>
      <p>Kindred cannot be reached at the moment, so this page is kept on your device. Kindred is not an emergency service. If you are in danger or thinking about ending your life, please contact one of these now.</p>
      <ul>
${items}
      </ul>
      <p><a href="/">Try Kindred again</a></p>
    </main>
  </body>
</html>
`;
}

/**
 * Writes the offline "Need help now?" page (from the bundled crisis lines) and the service worker
 * (/sw.js, at the root so its scope is the whole app) into the build. The worker's version is the
 * hash of both, so a change to either installs a new worker that keeps the new page.
 */
function serviceWorker(): Plugin {
  const source = fileURLToPath(new URL('./src/service-worker.js', import.meta.url));
  const crisisLines = fileURLToPath(new URL('./src/crisis-lines.json', import.meta.url));
  return {
    name: 'kindred-service-worker',
    apply: 'build',
    generateBundle() {
      const page = offlinePageHtml(JSON.parse(readFileSync(crisisLines, 'utf8')) as CrisisLine[]);
      const worker = readFileSync(source, 'utf8');
      const version = createHash('sha256').update(page).update(worker).digest('hex').slice(0, 16);
      this.emitFile({ type: 'asset', fileName: 'offline.html', source: page });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: worker.replace('__KINDRED_SW_VERSION__', version) });
    },
  };
}

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    rollupOptions: {
      // React Query marks its modules "use client" for server components; a browser-only bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { port: 5173, proxy: Object.fromEntries(api.map((path) => [path, { target: 'http://localhost:3000', changeOrigin: false }])) },
  // A build is always a production build, even when started from a test run (NODE_ENV=test).
  define: command === 'build' ? { 'process.env.NODE_ENV': JSON.stringify('production') } : {},
  oxc: { jsx: { runtime: 'automatic', development: command !== 'build' } },
}));
