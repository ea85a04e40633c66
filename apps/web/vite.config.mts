import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The forum service serves the built app (apps/web/dist) at `/`; during development the Vite dev
// server proxies the API to a forum running on localhost:3000.
const api = ['/app-config.json', '/auth', '/consent', '/me', '/groups', '/applications', '/topics', '/posts', '/review-items', '/notices', '/messages'];

export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
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
