// test-playground.mjs — `npm run test:playground`: builds playground/ into out/playground/, serves it
// with COOP/COEP and drives each page in headless Chromium (scripts/lib/browser.mjs): Classify and
// Attention must halve their loss in 300 steps on wasm, Classify also on gpu.js WebGL2, and Graph
// must draw each preset with its box count and hand-derived gradients; on both training pages
// Pause must stop training and Start resume it, and Reset clear it. Any console error fails a
// page. Saves docs/images/playground-<page>.png. See docs/playground.md.
//
//   node scripts/test-playground.mjs [--no-build] [--only classify,attention,graph,gpujs,classify-pause,attention-pause]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectErrors, ensureChromium, launchChromium, serveStatic, webgl2Renderer } from './lib/browser.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const outDir = join(root, 'out/playground');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const t0 = performance.now();
const seconds = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
const log = (s) => console.log(`test:playground: ${s}`);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Clicks #start and waits until the page has stopped by itself after the `?steps=` in its URL; returns the loss curve's figures. */
async function train(page, timeout = 150_000) {
  const steps = Number(new URL(page.url()).searchParams.get('steps'));
  await page.click('#start');
  await page.waitForFunction(() => !window.playground.running || window.playground.error, null, { timeout, polling: 250 });
  const s = await page.evaluate(() => ({ ...window.playground, losses: [...window.playground.losses] }));
  if (s.step !== steps || s.losses.length !== steps) throw new Error(`expected ${steps} steps, the page stopped at ${s.step}`);
  if (s.error) throw new Error(`the page reported: ${s.error}`);
  const first = mean(s.losses.slice(0, 20));
  const last = mean(s.losses.slice(-20));
  const figures = `${s.losses.length} steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)} (means of first/last 20)`;
  if (!(last < 0.5 * first)) throw new Error(`the loss did not halve: ${figures}`);
  return { state: s, figures };
}

/**
 * On a page whose `?steps=` it cannot reach in the test's time: Start, Pause (no step may run
 * after it), Start again (training resumes), Pause.
 */
async function pauseAndResume(page, timeout = 60_000) {
  const step = () => page.evaluate(() => window.playground.step);
  await page.click('#start');
  await page.waitForFunction(() => window.playground.step > 0 || window.playground.error, null, { timeout, polling: 'raf' });
  await page.click('#pause');
  const [running, paused] = await page.evaluate(() => [window.playground.running, window.playground.step]);
  await new Promise((r) => setTimeout(r, 300));
  const later = await step();
  if (running || later !== paused) throw new Error(`Pause did not stop the training (running ${running}, step ${paused}, then ${later})`);
  await page.click('#start');
  await page.waitForFunction((s) => window.playground.step > s || window.playground.error, paused, { timeout, polling: 'raf' });
  await page.click('#pause');
  const error = await page.evaluate(() => window.playground.error);
  if (error) throw new Error(`the page reported: ${error}`);
  return `paused at step ${paused} and stayed there, resumed to ${await step()}`;
}

const CHECKS = {
  pause: pauseAndResume,
  async classify(page) {
    const { state, figures } = await train(page);
    if (!state.backend.startsWith('wasm')) throw new Error(`expected the default wasm backend, the page reports '${state.backend}'`);
    return `${figures}, accuracy ${(100 * state.accuracy).toFixed(1)}%, on ${state.backend}`;
  },
  async attention(page) {
    const { state, figures } = await train(page);
    const heads = await page.locator('#heads-view canvas').count();
    if (heads !== state.config.heads) throw new Error(`expected ${state.config.heads} heatmaps, the page shows ${heads}`);
    if (!(state.accuracy > 0.5)) throw new Error(`generated answers right on only ${(100 * state.accuracy).toFixed(0)}% of held-out prompts after ${figures}`);
    return `${figures}, generated answers right ${(100 * state.accuracy).toFixed(0)}%, ${heads} heads, on ${state.backend}`;
  },
  async graph(page) {
    // preset index -> boxes in its graph (leaves + constants + ops), as test/playground/graph.test.ts derives
    const expected = [
      ['scalars', 4],   // leaf a; mul, exp, add
      ['neuron', 7],    // leaves w, b; const x; mul, sum, add, tanh
      ['MLP', 18],      // 4 parameters; consts x, y, 4; 11 ops (permute, matmul, add, tanh, ×2 …, sub, mul, sum, div)
      ['softmax', 6],   // leaf z; const onehot; logSoftmax, mul, sum, neg
    ];
    const results = [];
    for (const [i, [name, boxes]] of expected.entries()) {
      const runs = await page.evaluate(() => window.playground.runs);
      await page.selectOption('#preset', String(i));
      await page.waitForFunction((r) => window.playground.runs > r, runs, { timeout: 60_000 });
      const s = await page.evaluate(() => window.playground);
      if (s.error) throw new Error(`preset ${name}: the page reported: ${s.error}`);
      const drawn = await page.locator('#graph svg g.node').count();
      if (drawn !== boxes || s.nodes !== boxes) throw new Error(`preset ${name}: expected ${boxes} boxes, the SVG has ${drawn}`);
      results.push(s);
    }
    // hand-derived gradients: d(a² + eᵃ)/da = 2a + eᵃ at a = 2; for tanh(w·x + b), dy/db = 1 - y², dy/dw = (1 - y²) x
    const leaf = (s, n) => s.leaves.find((l) => l.name === n).grad;
    const da = leaf(results[0], 'a');
    const db = leaf(results[1], 'b');
    const dw = leaf(results[1], 'w');
    const want = { da: 4 + Math.exp(2), db: 1 - Math.tanh(1.1) ** 2 };
    if (Math.abs(da - want.da) > 1e-4) throw new Error(`scalars: a.grad is ${da}, by hand 2a + e^a = ${want.da}`);
    if (Math.abs(db - want.db) > 1e-5 || Math.abs(dw[1] + 2 * want.db) > 1e-5) throw new Error(`neuron: b.grad ${db}, w.grad [${dw}]; by hand ${want.db}, [${want.db}, ${-2 * want.db}]`);
    // the softmax preset is still drawn: z's box must show softmax(z) - onehot, to 4 digits as toDot prints
    const e = [2, 1, 0.1].map(Math.exp);
    const dz = e.map((v, k) => v / (e[0] + e[1] + e[2]) - (k === 0 ? 1 : 0));
    const dzText = `grad [[${dz.map((v) => Number(v.toPrecision(4))).join(', ')}]]`;
    const svgText = await page.locator('#graph svg').textContent();
    if (!svgText.includes(dzText)) throw new Error(`softmax: the graph does not show z's '${dzText}'`);
    // bad input: a clear message on the page instead of a graph
    await page.fill('#code', 'b = q.mul(2)');
    await page.click('#run');
    await page.waitForFunction(() => window.playground.error !== null, null, { timeout: 10_000 });
    const message = await page.locator('#status.error').textContent();
    if (!message.includes("'q' is not defined")) throw new Error(`bad code: the page says '${message}'`);
    // leave the neuron on screen for the screenshot
    const runs = await page.evaluate(() => window.playground.runs);
    await page.selectOption('#preset', '1');
    await page.waitForFunction((r) => window.playground.runs > r && !window.playground.error, runs, { timeout: 60_000 });
    return `4 presets drawn with ${expected.map((e) => e[1]).join('/')} boxes; a.grad ${da.toFixed(4)} (2a + e^a = ${want.da.toFixed(4)}), b.grad ${db.toFixed(5)} (1 - tanh²(1.1) = ${want.db.toFixed(5)}); z's box shows ${dzText}; bad code reported: "${message}"`;
  },
  async gpujs(page) {
    // switched with the page's own control, which rebuilds the model on the new backend
    await page.selectOption('#backend', 'gpujs');
    await page.waitForFunction(() => window.playground.ready && window.playground.backend.startsWith('gpujs'), null, { timeout: 60_000 });
    const { state, figures } = await train(page);
    if (state.backend !== 'gpujs webgl2') throw new Error(`expected backend 'gpujs webgl2', the page reports '${state.backend}'`);
    return `${figures}, accuracy ${(100 * state.accuracy).toFixed(1)}%, on ${state.backend}`;
  },
};

const PAGES = [
  { name: 'classify', path: 'classify.html?dataset=circles&steps=300', screenshot: 'playground-classify.png' },
  { name: 'attention', path: 'attention.html?steps=300', screenshot: 'playground-attention.png' },
  { name: 'graph', path: 'graph.html', screenshot: 'playground-graph.png' },
  { name: 'gpujs', path: 'classify.html?dataset=xor&steps=100', check: 'gpujs' },
  { name: 'classify-pause', path: 'classify.html?steps=1000000000', check: 'pause' },
  { name: 'attention-pause', path: 'attention.html?steps=1000000000', check: 'pause' },
];

async function testPage(browser, base, spec) {
  const t = performance.now();
  const page = await browser.newPage({ viewport: { width: 1150, height: 720 } });
  const errors = collectErrors(page);
  try {
    await page.goto(`${base}/${spec.path}`);
    await page.waitForFunction(() => window.playground?.ready || window.playground?.error, null, { timeout: 60_000 });
    const summary = await CHECKS[spec.check ?? spec.name](page);
    if (spec.screenshot) await page.screenshot({ path: join(root, 'docs/images', spec.screenshot), fullPage: true });
    if (spec.name !== 'graph') {
      await page.click('#reset');
      await page.waitForFunction(() => window.playground.ready, null, { timeout: 30_000 });
      const after = await page.evaluate(() => [window.playground.step, window.playground.losses.length]);
      if (after[0] !== 0 || after[1] !== 0) throw new Error(`Reset left step ${after[0]} and ${after[1]} losses`);
    }
    if (errors.length > 0) throw new Error(`console errors: ${errors.join(' | ')}`);
    log(`${spec.name}: ok: ${summary} (${seconds(t)})`);
    return true;
  } catch (e) {
    log(`${spec.name}: FAILED: ${e.message.split('\n')[0]}${errors.length ? ` [console: ${errors.join(' | ')}]` : ''} (${seconds(t)})`);
    return false;
  } finally {
    await page.close();
  }
}

async function main() {
  ensureChromium('test:playground');
  if (!args.includes('--no-build') || !existsSync(join(outDir, 'index.html'))) {
    execFileSync('node', [join(root, 'scripts/build-wasm.mjs'), '--if-missing'], { stdio: 'inherit', cwd: root });
    execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'playground/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
    log(`built out/playground (${seconds(t0)})`);
  }
  mkdirSync(join(root, 'docs/images'), { recursive: true });
  const server = await serveStatic([outDir]);
  const browser = await launchChromium();
  let ok = true;
  try {
    const probe = await browser.newPage();
    log(`${browser.version()} (${await webgl2Renderer(probe)})`);
    await probe.close();
    const base = `http://127.0.0.1:${server.address().port}`;
    for (const spec of PAGES) {
      if (!only || only.includes(spec.name)) ok = (await testPage(browser, base, spec)) && ok;
    }
  } finally {
    await browser.close();
    server.close();
  }
  log(`${ok ? 'passed' : 'FAILED'} (${seconds(t0)})`);
  return ok;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => { console.error(`test:playground: ${e.stack ?? e}`); process.exit(1); },
);
