// browser.mjs — what the headless-browser tests share (scripts/test-browser.mjs,
// scripts/test-playground.mjs): installing Debian's chromium when it is missing, launching it
// through playwright-core with WebGL2 on SwiftShader (no GPU needed), a static file server on
// 127.0.0.1 that can send the COOP/COEP headers the wasm backend needs for its worker threads,
// and a collector of a page's console errors and uncaught exceptions.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Installs Debian's chromium with apt-get when CHROMIUM (default /usr/bin/chromium) is missing. */
export function ensureChromium(tag) {
  if (existsSync(chromiumPath)) return;
  if (chromiumPath !== '/usr/bin/chromium') throw new Error(`${tag}: CHROMIUM=${chromiumPath} does not exist`);
  console.log(`${tag}: chromium is missing; installing it with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = process.getuid?.() === 0;
  const aptGet = (...argv) => execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? argv : ['-E', 'apt-get', ...argv], { stdio: 'inherit', env });
  aptGet('update', '-qq');
  aptGet('install', '-y', '-qq', 'chromium');
}

/** Headless Chromium with WebGL(2) on the CPU (ANGLE over SwiftShader). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
}

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/**
 * Serves the files under `dirs` (first match wins) on 127.0.0.1, a free port; `isolation` adds
 * COOP/COEP so the page is cross-origin isolated. Resolves to the listening http.Server.
 */
export function serveStatic(dirs, { isolation = true } = {}) {
  const headers = isolation ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    for (const dir of dirs) {
      let file = resolve(dir, path);
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (file.startsWith(dir + sep) && existsSync(file)) {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404).end();
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/** Starts recording a page's console errors and uncaught exceptions; returns the live list. */
export function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}

/** The WebGL2 renderer string the page sees ('no WebGL2' without one). */
export function webgl2Renderer(page) {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return gl ? gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) : 'no WebGL2';
  });
}
