// smoke.js — the gpujs and wasm backends' end-to-end smoke test, written against the public API only
// so it runs wherever the library does: in headless Chromium on WebGL2 (scripts/test-browser.mjs
// serves it with the browser bundle) and in Node on headless-gl (scripts/test-gl.sh runs it
// through test/browser/smoke-node.mjs). `smoke(tl, mode)` loads the gpujs backend
// (tl.loadBackend, which imports gpu.js on demand), runs elementwise ops and a tiny MLP's
// training on it in gpu.js mode `mode` and on the cpu backend, and reports whether they agree;
// it never throws (a failure is a line of the report). `mode` 'wasm' runs the wasm backend
// instead (await loadBackend('wasm'), then setBackend('wasm')), on worker threads when the page
// is cross-origin isolated and on one thread otherwise, as the report says.

/** Float32-ish agreement: |a - b| <= atol + rtol |b|, NaN only where the reference has NaN. */
function close(a, b, rtol, atol) {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** Deterministic values in [lo, hi) from a small LCG (the same on every platform). */
function values(n, seed, lo = -3, hi = 3) {
  const out = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((s >>> 8) / 2 ** 24) * (hi - lo));
  }
  return out;
}

// Elementwise cases: each builds its inputs with `tl` on the current backend and returns a
// tensor; views that are not contiguous (transposed, step-sliced, broadcast) are included on
// purpose, since their index arithmetic is what GLSL gets wrong first.
const ELEMENTWISE = [
  ['add, broadcast row', (tl) => tl.tensor(values(7 * 33, 1), { shape: [7, 33] }).add(tl.tensor(values(33, 2)))],
  ['mul, transposed view', (tl) => tl.tensor(values(33 * 7, 3), { shape: [33, 7] }).transpose(0, 1).mul(tl.tensor(values(7 * 33, 4), { shape: [7, 33] }))],
  ['sub, step-sliced view', (tl) => tl.tensor(values(5 * 66, 5), { shape: [5, 66] }).slice(1, 1, 66, 2).sub(1.5)],
  ['div by a scalar', (tl) => tl.tensor(values(257, 6)).div(3)],
  ['exp', (tl) => tl.tensor(values(257, 7)).exp()],
  ['log', (tl) => tl.tensor(values(257, 8, 0.01, 50)).log()],
  ['sqrt', (tl) => tl.tensor(values(257, 9, 0, 50)).sqrt()],
  ['tanh', (tl) => tl.tensor(values(257, 10, -12, 12)).tanh()],
  ['sigmoid', (tl) => tl.tensor(values(257, 11, -30, 30)).sigmoid()],
  ['relu', (tl) => tl.tensor(values(257, 12)).relu()],
  ['gelu (erf)', (tl) => tl.tensor(values(257, 13)).gelu()],
  ['sign', (tl) => tl.tensor([...values(31, 14), 0, -0]).sign()],
  ['floor, ceil, round (half to even)', (tl) => {
    const x = tl.tensor([...values(61, 15, -5, 5), -2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
    return tl.cat([x.floor(), x.ceil(), x.round()], 0);
  }],
  ['pow (negative base, integral and fractional exponent)', (tl) => {
    const base = tl.tensor([-3, -2, -1.5, -1, 0, 0.5, 1, 2, 3]).reshape(9, 1);
    return base.pow(tl.tensor([0, 1, 2, 3, 0.5, -1, -2]));
  }],
  ['maximum, minimum', (tl) => {
    const a = tl.tensor(values(33, 16)), b = tl.tensor(values(33, 17));
    return tl.cat([a.maximum(b), a.minimum(b)], 0);
  }],
  ['comparisons to bool', (tl) => {
    const a = tl.tensor([1, 2, 3, 4, 5, 6, 7]), b = tl.tensor([7, 2, 5, 4, 3, 6, 1]);
    return tl.cat([a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b)], 0).float();
  }],
  ['where, clamp', (tl) => {
    const x = tl.tensor(values(65, 18));
    return tl.where(x.gt(0), x.clamp(-1, 1), x.mul(2));
  }],
  ['int32 truncation toward zero', (tl) => tl.tensor(values(257, 19, -1000, 1000)).int().float()],
  ['isnan', (tl) => tl.tensor([0, 1, -1, 0.5]).log().isnan().float()],
  // values GLSL leaves undefined or compiles unlike JS (test/gl/elementwise-special.test.ts)
  ['pow special cases (0, ±Infinity, NaN, negative bases)', (tl) => {
    const bases = tl.tensor([-Infinity, -3, -1.5, -1, -0.5, 0, 0.5, 1, 3, Infinity, NaN]).reshape(-1, 1);
    return bases.pow(tl.tensor([-Infinity, -3, -1, -0.5, 0, 0.5, 2, 7, 130, 200.5, Infinity, NaN]));
  }],
  ['log and sqrt outside their domain', (tl) => {
    const x = tl.tensor([-Infinity, -1, -0, 0, 1e-30, 0.5, 2, 1e30, Infinity, NaN]);
    return tl.cat([x.log(), x.sqrt()], 0);
  }],
  ['round at float32 ties and beyond 2^23', (tl) => tl.tensor([0.49999997, -0.49999997, 0.5, -0.5, 1.5, 2.5, -2.5, 8388607.5, 8388609, 1e10, NaN]).round()],
  ['NaN through clamp, relu, sign, maximum', (tl) => {
    const x = tl.tensor([NaN, 1, -Infinity, Infinity, 0]);
    return tl.cat([x.clamp(-1, 1), x.clamp(null, 0.5), x.relu(), x.sign(), x.maximum(tl.tensor([0, NaN, 2, -2, 0]))], 0);
  }],
  // one kernel fed a host array, then a texture, then a view into a larger texture (gpu.js
  // rebuilds it on GL when the argument type changes; see src/backend/gpujs/runner.ts)
  ['a kernel reused across argument types and sizes', (tl) => {
    const a = tl.arange(0, 4).float().add(1);
    const big = tl.arange(0, 12).float().mul(10);
    return tl.cat([a.mul(tl.tensor([1, 1, 1, 1])), a.mul(a.add(0)), a.mul(big.narrow(0, 8, 4))], 0);
  }],
  // one case per other kernel family, so a bundling or GLSL problem in any of them shows here
  ['reductions: sum, mean, amax, argmax over axes', (tl) => {
    const x = tl.tensor(values(4 * 7 * 5, 30), { shape: [4, 7, 5] }).permute(2, 0, 1);
    return tl.cat([x.sum(1).reshape(-1), x.mean([0, 2]), x.amax(2).reshape(-1), x.argmax(1).float().reshape(-1), x.sum().reshape(1)], 0);
  }],
  ['softmax, logSoftmax', (tl) => {
    const x = tl.tensor(values(6 * 33, 31, -20, 20), { shape: [6, 33] });
    return tl.cat([x.softmax(1), x.logSoftmax(0)], 0);
  }],
  ['matmul: batched, transposed operand', (tl) => {
    const a = tl.tensor(values(3 * 5 * 7, 32), { shape: [3, 5, 7] });
    const b = tl.tensor(values(3 * 9 * 7, 33), { shape: [3, 9, 7] }).transpose(1, 2);
    return a.matmul(b);
  }],
  ['conv2d, maxPool2d, avgPool2d', (tl) => {
    const F = tl.nn.functional;
    const x = tl.tensor(values(2 * 3 * 9 * 9, 34), { shape: [2, 3, 9, 9] });
    const w = tl.tensor(values(4 * 3 * 3 * 3, 35, -0.5, 0.5), { shape: [4, 3, 3, 3] });
    const y = F.conv2d(x, w, null, { stride: 1, padding: 1 });
    return tl.cat([F.maxPool2d(y, 2).reshape(-1), F.avgPool2d(y, 3, { stride: 2, padding: 1 }).reshape(-1)], 0);
  }],
  ['cat, gather, indexSelect, embedding', (tl) => {
    const x = tl.tensor(values(5 * 6, 36), { shape: [5, 6] });
    const idx = tl.tensor([4, 0, 2, 2], { dtype: 'int32' });
    const g = x.gather(1, tl.tensor([0, 5, 1, 1, 3, 2, 0, 0, 4, 5], { dtype: 'int32', shape: [5, 2] }));
    const e = tl.nn.functional.embedding(idx, x);
    return tl.cat([x.indexSelect(0, idx).reshape(-1), g.reshape(-1), e.reshape(-1), tl.cat([x, x.t().contiguous().reshape(5, 6)], 1).reshape(-1)], 0);
  }],
  ['matmul 256 x 256 (large enough for the wasm backend to use its worker threads)', (tl) => {
    const a = tl.tensor(values(256 * 256, 40, -1, 1), { shape: [256, 256] });
    return a.matmul(tl.tensor(values(256 * 256, 41, -1, 1), { shape: [256, 256] }).t());
  }],
  ['layerNorm', (tl) => {
    const x = tl.tensor(values(7 * 33, 37), { shape: [7, 33] });
    return tl.nn.functional.layerNorm(x, [33], tl.tensor(values(33, 38)), tl.tensor(values(33, 39)));
  }],
];

/** A 2-8-1 MLP (tanh) trained by plain SGD on a fixed regression set; returns the loss curve. */
function trainMlp(tl, steps) {
  const N = 32;
  const xs = values(N * 2, 21, -1, 1);
  const ys = [];
  for (let i = 0; i < N; i++) ys.push(Math.sin(2 * xs[2 * i]) * xs[2 * i + 1]);
  const x = tl.tensor(xs, { shape: [N, 2] });
  const y = tl.tensor(ys, { shape: [N, 1] });
  const model = new tl.nn.Sequential(new tl.nn.Linear(2, 8), new tl.nn.Tanh(), new tl.nn.Linear(8, 1));
  // weights from the LCG, so both backends start from the same point without sharing tensors
  const sd = {};
  model.namedParameters().forEach(([name, p], k) => {
    sd[name] = tl.tensor(values(p.numel(), 100 + k, -0.7, 0.7), { shape: p.shape });
  });
  model.loadStateDict(sd);
  const opt = new tl.optim.SGD(model.parameters(), { lr: 0.3 });
  const losses = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const loss = tl.nn.functional.mseLoss(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Runs fn with the given backend current; the backend object comes along for stats. */
function on(tl, name, options, fn) {
  const backend = tl.setBackend(name, options);
  try {
    return fn(backend);
  } finally {
    tl.setBackend('cpu');
  }
}

/**
 * Runs the smoke test on gpujs mode `mode` against cpu. Returns {ok, mode, activeMode, lines,
 * cases, losses}: `ok` false on any wrong value, a kernel gpu.js ran on another mode, or an
 * MLP whose loss does not fall or whose curve departs from the cpu one.
 */
export async function smoke(tl, mode, { steps = 30, rtol = 1e-4, atol = 1e-5, curveRtol = 1e-3 } = {}) {
  const lines = [];
  const cases = [];
  let ok = true;
  const fail = (msg) => { ok = false; lines.push(`FAIL ${msg}`); };
  let activeMode = null;
  let stats = null;

  // the gpujs backend is loaded on demand: this imports gpu.js (a chunk of its own in the bundle);
  // wasm compiles its kernels asynchronously (browsers refuse large synchronous compiles)
  const wasm = mode === 'wasm';
  const backendName = wasm ? 'wasm' : 'gpujs';
  const options = wasm ? {} : { mode };
  lines.push(`default backend: ${tl.getBackend()}${tl.defaultBackendNote() ? ` (${tl.defaultBackendNote()})` : ''}`);
  try {
    await tl.loadBackend(backendName, options);
    lines.push(`ok   loadBackend('${backendName}'${wasm ? '' : `, { mode: '${mode}' }`})`);
  } catch (e) {
    fail(`loadBackend('${backendName}'): ${e && e.message ? e.message.split('\n')[0] : e}`);
    return { ok, mode, activeMode, lines, cases, losses: null };
  }
  // what the backend ran on: the gpu.js mode, or the wasm thread count and why it is lower
  const ranOn = (b) => (wasm ? `wasm, ${Math.min(tl.getNumThreads(), b.runtime.pool.ready + 1)} thread(s)${b.runtime.pool.limitation ? ` (${b.runtime.pool.limitation})` : ''}` : b.activeMode);
  // let Web Workers start (the first threaded kernel starts them; they become ready asynchronously)
  if (wasm) {
    on(tl, 'wasm', {}, () => tl.randn([256, 256]).matmul(tl.randn([256, 256])).sum().item());
    await new Promise((r) => setTimeout(r, 500));
  }

  for (const [name, build] of ELEMENTWISE) {
    try {
      const want = on(tl, 'cpu', {}, () => Array.from(build(tl).dataSync()));
      const got = on(tl, backendName, options, (b) => {
        const out = Array.from(build(tl).dataSync());
        activeMode = ranOn(b);
        stats = wasm ? null : b.runner.stats;
        return out;
      });
      const bad = want.findIndex((w, i) => !close(got[i], w, rtol, atol));
      cases.push({ name, ok: bad < 0 && got.length === want.length });
      if (got.length !== want.length) fail(`${name}: ${got.length} values, cpu gives ${want.length}`);
      else if (bad >= 0) fail(`${name}: element ${bad} is ${got[bad]}, cpu gives ${want[bad]}`);
      else lines.push(`ok   ${name} (${want.length} values)`);
    } catch (e) {
      cases.push({ name, ok: false });
      fail(`${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
    }
  }

  let losses = null;
  try {
    const cpu = on(tl, 'cpu', {}, () => trainMlp(tl, steps));
    const gpu = on(tl, backendName, options, (b) => {
      const out = trainMlp(tl, steps);
      activeMode = ranOn(b);
      stats = wasm ? null : b.runner.stats;
      return out;
    });
    losses = { cpu, gpujs: gpu };
    const worst = gpu.reduce((w, l, i) => Math.max(w, Math.abs(l - cpu[i]) / Math.max(Math.abs(cpu[i]), 1e-6)), 0);
    const fmt = (ls) => `${ls[0].toFixed(5)} -> ${ls[ls.length - 1].toFixed(5)}`;
    lines.push(`     MLP 2-8-1, ${steps} SGD steps: cpu loss ${fmt(cpu)}, gpujs loss ${fmt(gpu)}, largest relative gap ${worst.toExponential(2)}`);
    if (!(gpu[gpu.length - 1] < 0.5 * gpu[0])) fail(`MLP: gpujs loss did not fall by half (${fmt(gpu)})`);
    else if (!(cpu[cpu.length - 1] < 0.5 * cpu[0])) fail(`MLP: cpu loss did not fall by half (${fmt(cpu)})`);
    else if (!gpu.every((l, i) => close(l, cpu[i], curveRtol, atol))) fail(`MLP: gpujs loss curve departs from cpu's by ${worst.toExponential(2)} (relative), more than ${curveRtol}`);
    else lines.push('ok   MLP loss falls and matches cpu');
  } catch (e) {
    fail(`MLP: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }

  if (!wasm && activeMode !== mode) fail(`kernels ran on gpu.js mode '${activeMode}', not '${mode}'`);
  if (wasm && globalThis.crossOriginIsolated && !/, [2-9]\d* thread/.test(activeMode)) fail(`the page is cross-origin isolated but wasm ran on ${activeMode}`);
  if (stats && stats.fallbacks.length > 0) {
    fail(`${stats.fallbacks.length} kernel(s) fell back: ${stats.fallbacks.slice(0, 3).map((f) => `${f.key} on ${f.mode} (${f.reason})`).join('; ')}`);
  }
  lines.unshift(`${wasm ? 'backend' : 'gpujs mode'} asked: ${mode}, kernels ran on: ${activeMode}` + (stats ? ` (${stats.compiles} kernels compiled in ${Math.round(stats.compileMs)} ms, ${stats.calls} calls)` : ''));
  return { ok, mode, activeMode, lines, cases, losses };
}
