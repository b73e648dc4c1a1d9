// test-browser.mjs — `npm run test:browser`: the gpujs backend in a real browser. Builds the
// browser bundle (scripts/browser-bundle.mjs), serves it with test/browser/ on 127.0.0.1, opens
// the page in headless Chromium (driven by playwright-core; WebGL2 through SwiftShader, so no
// GPU is needed) and runs test/browser/smoke.js there: elementwise ops and a 2-8-1 MLP trained
// for 30 SGD steps on setBackend('gpujs', {mode}) and on cpu in the same page. Exits 1 unless
// every value matches cpu, the loss falls, the curves agree and the kernels ran on `mode`.
//
// `--mode wasm` runs the wasm backend instead: the page is served cross-origin isolated
// (COOP/COEP headers), so it gets shared memory and Web Workers; `--no-isolation` serves it
// without, where the backend must run on one thread and say so. `npm run test:browser` runs
// webgl2, wasm, and wasm without isolation.
//
//   node scripts/test-browser.mjs [--mode webgl2|webgl|webasm|cpu|wasm] [--no-isolation] [--no-build]
//
// Installs Debian's chromium with apt-get when CHROMIUM (default /usr/bin/chromium) is missing
// (scripts/lib/browser.mjs, shared with scripts/test-playground.mjs).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserBundle } from './browser-bundle.mjs';
import { collectErrors, ensureChromium, launchChromium, serveStatic, webgl2Renderer } from './lib/browser.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'webgl2';
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function main() {
  ensureChromium('test:browser');
  const bundleDir = join(root, 'out/browser');
  if (!args.includes('--no-build') || !existsSync(join(bundleDir, 'tensorloom.js'))) {
    await buildBrowserBundle(bundleDir);
    console.log(`test:browser: built out/browser/tensorloom.js (${elapsed()})`);
  }
  // the bundle from out/browser, the page and smoke script from test/browser
  const server = await serveStatic([bundleDir, join(root, 'test/browser')], { isolation: !args.includes('--no-isolation') });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const url = `http://127.0.0.1:${server.address().port}/index.html?mode=${encodeURIComponent(mode)}`;
    await page.goto(url);
    const renderer = await webgl2Renderer(page);
    console.log(`test:browser: ${await browser.version()} (${renderer})`);
    await page.waitForFunction(() => window.smokeReport !== undefined, null, { timeout: 60_000 }).catch(() => {
      throw new Error(`the page did not start the smoke test: ${errors.join('; ') || 'no error reported'}`);
    });
    const report = await page.evaluate(() => window.smokeReport);
    console.log(report.lines.join('\n'));
    for (const e of errors) console.log(`page error: ${e}`);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    console.log(`test:browser: ${mode === 'wasm' ? 'backend' : 'gpujs mode'} '${mode}' (page ${isolated ? '' : 'not '}cross-origin isolated) ran on '${report.activeMode}': ${report.ok ? 'passed' : 'FAILED'} (${elapsed()})`);
    return report.ok && errors.length === 0;
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => { console.error(`test:browser: ${e.stack ?? e}`); process.exit(1); },
);
