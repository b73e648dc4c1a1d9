// vite.config.ts — the browser playground (docs/playground.md): four HTML pages (index, classify,
// attention, graph) that import tensorloom from ../src, so they always run the tree's code.
// `npm run playground` serves them, `npm run build:playground` writes out/playground/. Both send
// COOP/COEP headers: a cross-origin-isolated page gets shared memory, so the wasm backend runs
// on worker threads. The browser conditions pick gpu.js's browser build (as scripts/browser-bundle.mjs).

import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here,
  base: './',
  resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
  server: { headers: isolation, fs: { allow: [resolve(here, '..')] } },
  preview: { headers: isolation },
  build: {
    outDir: resolve(here, '../out/playground'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: Object.fromEntries(['index', 'classify', 'attention', 'graph'].map((p) => [p, resolve(here, `${p}.html`)])),
    },
  },
});
