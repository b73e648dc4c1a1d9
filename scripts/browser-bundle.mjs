// browser-bundle.mjs — builds the library for browsers: an ES module from src/index.ts written to
// out/browser/tensorloom.js, plus the chunks it imports: the gpujs backend with gpu.js's browser
// build (its package.json "browser" field) is a chunk of its own (gpujs-<hash>.js), which
// loadBackend('gpujs') imports on demand. Uses vite 8's build API (rolldown underneath). No
// minification, so stack traces in the browser smoke test point at readable code.
//
//   node scripts/browser-bundle.mjs [outDir]     (also imported by scripts/test-browser.mjs)

import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(import.meta.url), '../..');

/** Builds the bundle into `outDir`; returns the path of the entry module (chunks sit beside it). */
export async function buildBrowserBundle(outDir = resolve(root, 'out/browser')) {
  const { build } = await import('vite');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    // the browser conditions pick gpu.js's dist/gpu-browser.js instead of its Node entry
    resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: true,
      target: 'es2022',
      lib: { entry: resolve(root, 'src/index.ts'), formats: ['es'], fileName: () => 'tensorloom.js' },
    },
  });
  return resolve(outDir, 'tensorloom.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildBrowserBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`built ${file}`);
}
