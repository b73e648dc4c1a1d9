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
// Installs Debian's chromium with apt-get when CHROMIUM (default /usr/bin/chromium) is missing.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowserBundle } from './browser-bundle.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'webgl2';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function ensureChromium() {
  if (existsSync(chromiumPath)) return;
  if (chromiumPath !== '/usr/bin/chromium') throw new Error(`test:browser: CHROMIUM=${chromiumPath} does not exist`);
  console.log('test:browser: chromium is missing; installing it with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}

/** Serves out/browser (the bundle) and test/browser (page and smoke script) on a free port. */
function serve(bundleDir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json' };
  const dirs = [bundleDir, join(root, 'test/browser')];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    for (const dir of dirs) {
      const file = resolve(dir, path);
      if (file.startsWith(dir + sep) && existsSync(file)) {
        const isolation = args.includes('--no-isolation') ? {} : { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...isolation });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function main() {
  ensureChromium();
  const bundleDir = join(root, 'out/browser');
  if (!args.includes('--no-build') || !existsSync(join(bundleDir, 'tensorloom.js'))) {
    await buildBrowserBundle(bundleDir);
    console.log(`test:browser: built out/browser/tensorloom.js (${elapsed()})`);
  }
  const server = await serve(bundleDir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      // WebGL(2) on the CPU: ANGLE over SwiftShader
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const url = `http://127.0.0.1:${server.address().port}/index.html?mode=${encodeURIComponent(mode)}`;
    await page.goto(url);
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return gl ? gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) : 'no WebGL2';
    });
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
