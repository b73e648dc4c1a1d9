// loss.test.ts — every loss and option combination against an independent float64 reference
// written here with explicit loops (no tensorloom ops), in float32 and float64; gradients by
// gradcheck in float64 (w.r.t. the input, and the target where differentiable); hand-known values,
// stability at logits of ±1000, the all-ignored and empty cases, Module forms and error messages.
// Everything but the error messages runs on every backend; without float64 the float64 lines
// run in float32 and gradients are compared with the cpu backend's (helpers/crosscheck.ts).

import { describe, expect, it } from 'vitest';
import { tensor, type DType, type Tensor } from '../../src/index.js';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss,
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, nllLoss,
  type Reduction,
} from '../../src/layers/loss.js';
import { describeEachBackend, type BackendCase } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';
import { expectClose } from '../helpers/close.js';

// ---- data and the plain-JS reference ---------------------------------------------------------

/** mulberry32: a tiny seeded generator so every case has fixed data. */
function rngOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const prod = (s: number[]): number => s.reduce((p, v) => p * v, 1);
const uniform = (r: () => number, n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => lo + (hi - lo) * r());
/** Values as the dtype stores them, so the reference sees exactly the tensor's data. */
const stored = (v: number[], dtype: DType): number[] => (dtype === 'float32' ? Array.from(Float32Array.from(v)) : v);
const T = (v: number[], shape: number[], dtype: DType = 'float64', requiresGrad = false): Tensor => tensor(v, { shape, dtype, requiresGrad });
const I = (v: number[], shape: number[]): Tensor => tensor(v, { shape, dtype: 'int32' });

/** (C) is one sample with one position; (N, C, d1, …) has N samples of S = d1·… positions. */
function layout(shape: number[]): { N: number; C: number; S: number } {
  return shape.length === 1 ? { N: 1, C: shape[0], S: 1 } : { N: shape[0], C: shape[1], S: prod(shape.slice(2)) };
}
/** log-softmax over c of x[n, c, s], by max-shifted log-sum-exp. */
function logSoftmaxLane(x: number[], n: number, s: number, C: number, S: number): number[] {
  const lane = Array.from({ length: C }, (_, c) => x[(n * C + c) * S + s]);
  const m = Math.max(...lane);
  let z = 0;
  for (const v of lane) z += Math.exp(v - m);
  return lane.map((v) => v - m - Math.log(z));
}
function reduceRef(out: number[], reduction: Reduction, denom: number): number | number[] {
  if (reduction === 'none') return out;
  let s = 0;
  for (const v of out) s += v;
  return reduction === 'sum' ? s : denom === 0 ? 0 : s / denom;
}

interface ClassOpts { weight?: number[]; ignoreIndex?: number; reduction?: Reduction; labelSmoothing?: number }

/** Cross-entropy (or, with logProbs, NLL) of class indices, as PyTorch defines it. */
function refClassLoss(x: number[], shape: number[], y: number[], o: ClassOpts, logProbs = false): number | number[] {
  const { N, C, S } = layout(shape);
  const eps = o.labelSmoothing ?? 0, ignore = o.ignoreIndex ?? -100;
  const w = (c: number): number => (o.weight ? o.weight[c] : 1);
  const out: number[] = [];
  let denom = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const yi = y[n * S + s];
      if (yi === ignore) { out.push(0); continue; }
      const logp = logProbs ? Array.from({ length: C }, (_, c) => x[(n * C + c) * S + s]) : logSoftmaxLane(x, n, s, C, S);
      let smooth = 0;
      for (let c = 0; c < C; c++) smooth -= w(c) * logp[c];
      out.push((1 - eps) * -w(yi) * logp[yi] + (eps / C) * smooth);
      denom += w(yi);
    }
  }
  return reduceRef(out, o.reduction ?? 'mean', denom);
}

/** Cross-entropy of class probabilities p (the input's layout), as PyTorch defines it. */
function refProbLoss(x: number[], shape: number[], p: number[], o: ClassOpts): number | number[] {
  const { N, C, S } = layout(shape);
  const eps = o.labelSmoothing ?? 0;
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) {
      const logp = logSoftmaxLane(x, n, s, C, S);
      let l = 0;
      for (let c = 0; c < C; c++) l -= (o.weight ? o.weight[c] : 1) * ((1 - eps) * p[(n * C + c) * S + s] + eps / C) * logp[c];
      out.push(l);
    }
  }
  return reduceRef(out, o.reduction ?? 'mean', N * S);
}

/** Elementwise loss with an optional per-element weight of the same length. */
function refElementwise(n: number, f: (i: number) => number, reduction: Reduction): number | number[] {
  const out = Array.from({ length: n }, (_, i) => f(i));
  return reduceRef(out, reduction, n);
}
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

const REDUCTIONS: Reduction[] = ['none', 'mean', 'sum'];
const tolOf = (dtype: DType, tol: number): [number, number] => (dtype === 'float64' ? [1e-10, 1e-10] : [tol * 5, tol * 5]);
const GC = { eps: 1e-6, atol: 1e-6, rtol: 1e-4 };
/** The forward dtypes a backend checks: float32, and float64 where it has it. */
const dtypesOf = (b: BackendCase): DType[] => (b.float64 ? ['float32', 'float64'] : ['float32']);
/** The backend's widest float dtype (the hand-value tests' precision). */
const wideOf = (b: BackendCase): DType => (b.float64 ? 'float64' : 'float32');

// ---- crossEntropy / nllLoss with class indices ------------------------------------------------

/** (N, C, d1, …) shapes: unbatched, plain batch, one and two extra dims. */
const CLASS_SHAPES = [[5], [4, 5], [2, 3, 4], [3, 4, 2, 3]];
/** Which targets are skipped: none; some at the default -100; an in-range class (ignoreIndex 1). */
const IGNORES = [
  { name: 'no ignored', ignoreIndex: undefined as number | undefined, mark: null as number | null },
  { name: 'some -100', ignoreIndex: undefined, mark: -100 },
  { name: 'ignoreIndex 1', ignoreIndex: 1, mark: 1 },
];

function classCase(shape: number[], seed: number, mark: number | null): { x: number[]; y: number[]; weight: number[] } {
  const r = rngOf(seed);
  const { N, C, S } = layout(shape);
  const x = uniform(r, prod(shape), -3, 3);
  const y = Array.from({ length: N * S }, () => Math.floor(r() * C));
  if (mark !== null) for (let i = 0; i < y.length; i += 3) y[i] = mark; // every third position
  if (mark === 1 && !y.some((v) => v !== 1)) y[y.length - 1] = 0;
  const weight = uniform(r, C, 0.2, 2);
  return { x, y, weight };
}
const targetShapeOf = (shape: number[]): number[] => (shape.length === 1 ? [] : [shape[0], ...shape.slice(2)]);

describeEachBackend('crossEntropy with class indices vs reference', (b) => {
  const { tol } = b;
  let seed = 1;
  for (const shape of CLASS_SHAPES) {
    for (const ig of IGNORES) {
      if (shape.length === 1 && ig.mark === -100) continue; // one target: covered by the all-ignored tests
      for (const weighted of [false, true]) {
        for (const labelSmoothing of [0, 0.2]) {
          for (const reduction of REDUCTIONS) {
            const s = seed++;
            const title = `${JSON.stringify(shape)} ${ig.name}${weighted ? ' weighted' : ''} ε=${labelSmoothing} ${reduction}`;
            it(title, () => {
              const { x, y, weight } = classCase(shape, s, ig.mark);
              const target = I(y, targetShapeOf(shape));
              for (const dtype of dtypesOf(b)) {
                const xs = stored(x, dtype);
                const opts = { ignoreIndex: ig.ignoreIndex, reduction, labelSmoothing, weight: weighted ? T(weight, [weight.length], dtype) : undefined };
                const out = crossEntropy(T(xs, shape, dtype), target, opts);
                expect(out.dtype).toBe(dtype);
                expect(out.shape).toEqual(reduction === 'none' ? targetShapeOf(shape) : []);
                const ref = refClassLoss(xs, shape, y, { ...opts, weight: weighted ? stored(weight, dtype) : undefined });
                expectClose(out, ref as number[], ...tolOf(dtype, tol));
              }
              expectGradcheck(b, (dt) => {
                const w64 = weighted ? T(weight, [weight.length], dt) : undefined, tgt = I(y, targetShapeOf(shape));
                return { fn: (v) => crossEntropy(v, tgt, { ignoreIndex: ig.ignoreIndex, reduction, labelSmoothing, weight: w64 }), inputs: [T(x, shape, dt, true)] };
              }, GC);
            });
          }
        }
      }
    }
  }
});

describeEachBackend('nllLoss vs reference', (b) => {
  const { tol } = b;
  let seed = 500;
  for (const shape of CLASS_SHAPES) {
    for (const ig of IGNORES) {
      if (shape.length === 1 && ig.mark === -100) continue;
      for (const weighted of [false, true]) {
        for (const reduction of REDUCTIONS) {
          const s = seed++;
          it(`${JSON.stringify(shape)} ${ig.name}${weighted ? ' weighted' : ''} ${reduction}`, () => {
            const { x, y, weight } = classCase(shape, s, ig.mark);
            const logp = x.map((v) => v - 4); // any reals: nllLoss does not normalize
            const target = I(y, targetShapeOf(shape));
            for (const dtype of dtypesOf(b)) {
              const ls = stored(logp, dtype);
              const w = weighted ? T(weight, [weight.length], dtype) : null;
              const out = nllLoss(T(ls, shape, dtype), target, w, { ignoreIndex: ig.ignoreIndex, reduction });
              const ref = refClassLoss(ls, shape, y, { ignoreIndex: ig.ignoreIndex, reduction, weight: weighted ? stored(weight, dtype) : undefined }, true);
              expectClose(out, ref as number[], ...tolOf(dtype, tol));
            }
            expectGradcheck(b, (dt) => {
              const w64 = weighted ? T(weight, [weight.length], dt) : null, tgt = I(y, targetShapeOf(shape));
              return { fn: (v) => nllLoss(v, tgt, { weight: w64, ignoreIndex: ig.ignoreIndex, reduction }), inputs: [T(logp, shape, dt, true)] };
            }, GC);
          });
        }
      }
    }
  }
});

describeEachBackend('crossEntropy = nllLoss(logSoftmax) and hand-known values', (b) => {
  const dt = wideOf(b), t = b.float64 ? 1e-14 : b.tol;
  it('equals nllLoss of logSoftmax over dim 1 for (N, C, d1, d2)', () => {
    const { x, y, weight } = classCase([3, 4, 2, 3], 7, -100);
    const xt = T(x, [3, 4, 2, 3], dt), yt = I(y, [3, 2, 3]), w = T(weight, [4], dt);
    expectClose(crossEntropy(xt, yt, w), nllLoss(xt.logSoftmax(1), yt, w).toArray(), t, t);
  });
  it('uniform logits give log C; the gradient is (softmax - onehot) / N', () => {
    const x = T([0, 0, 0, 0, 1, 2, 3, 4], [2, 4], dt, true);
    const loss = crossEntropy(x, I([3, 0], [2]));
    const p1 = [1, 2, 3, 4].map((v) => Math.exp(v) / [1, 2, 3, 4].reduce((a, c) => a + Math.exp(c), 0));
    expectClose(loss, (Math.log(4) - Math.log(p1[0])) / 2, t, t);
    loss.backward();
    expectClose(x.grad!, [0.125, 0.125, 0.125, -0.375, (p1[0] - 1) / 2, p1[1] / 2, p1[2] / 2, p1[3] / 2], t, t);
  });
  it('label smoothing, hand computed: ε=0.1, C=3', () => {
    const lp = [2, 0.5, -1].map((v, _, a) => v - Math.log(a.reduce((s, u) => s + Math.exp(u), 0)));
    const expected = 0.9 * -lp[0] + (0.1 / 3) * -(lp[0] + lp[1] + lp[2]);
    expectClose(crossEntropy(T([2, 0.5, -1], [3], dt), I([0], []), { labelSmoothing: 0.1 }), expected, t, t);
  });
  it('weighted mean divides by the summed weights of the non-ignored targets (PyTorch)', () => {
    // logp rows are given directly; targets [0, 2, -100], weights [1, 2, 3]: (1·1 + 3·3) / (1 + 3)
    const logp = T([-1, -5, -5, -5, -5, -3, -7, -7, -7], [3, 3], dt);
    expectClose(nllLoss(logp, I([0, 2, -100], [3]), T([1, 2, 3], [3], dt)), 10 / 4, b.float64 ? 1e-14 : t, 0);
  });
  it('weights and smoothing with an ignored position: the smoothing term is masked and shares the denominator', () => {
    const x = [0.3, -1, 2, 1, 1, 0];
    const w = [0.5, 2, 1];
    const out = crossEntropy(T(x, [2, 3], dt), I([2, 5], [2]), { weight: T(w, [3], dt), ignoreIndex: 5, labelSmoothing: 0.3 });
    const lp = logSoftmaxLane(x, 0, 0, 3, 1);
    const expected = (0.7 * -w[2] * lp[2] + (0.3 / 3) * -(w[0] * lp[0] + w[1] * lp[1] + w[2] * lp[2])) / w[2];
    expectClose(out, expected, t, t);
  });
});

// ---- crossEntropy with class probabilities ---------------------------------------------------

describeEachBackend('crossEntropy with class probabilities vs reference', (b) => {
  const { tol } = b;
  let seed = 900;
  for (const shape of [[5], [4, 5], [2, 3, 2, 2]]) {
    for (const weighted of [false, true]) {
      for (const labelSmoothing of [0, 0.3]) {
        for (const reduction of REDUCTIONS) {
          const s = seed++;
          it(`${JSON.stringify(shape)}${weighted ? ' weighted' : ''} ε=${labelSmoothing} ${reduction}`, () => {
            const r = rngOf(s);
            const { N, C, S } = layout(shape);
            const x = uniform(r, prod(shape), -3, 3);
            const p = new Array<number>(prod(shape));
            for (let n = 0; n < N; n++) {
              for (let q = 0; q < S; q++) {
                const raw = uniform(r, C, 0.1, 1), z = raw.reduce((a, b) => a + b, 0);
                for (let c = 0; c < C; c++) p[(n * C + c) * S + q] = raw[c] / z;
              }
            }
            const weight = uniform(r, C, 0.2, 2);
            for (const dtype of dtypesOf(b)) {
              const xs = stored(x, dtype), ps = stored(p, dtype);
              const out = crossEntropy(T(xs, shape, dtype), T(ps, shape, dtype), { weight: weighted ? T(weight, [C], dtype) : null, labelSmoothing, reduction });
              expect(out.shape).toEqual(reduction === 'none' ? targetShapeOf(shape) : []);
              const ref = refProbLoss(xs, shape, ps, { weight: weighted ? stored(weight, dtype) : undefined, labelSmoothing, reduction });
              expectClose(out, ref as number[], ...tolOf(dtype, tol));
            }
            // differentiable in both the logits and the probabilities
            expectGradcheck(b, (dt) => {
              const w64 = weighted ? T(weight, [C], dt) : null;
              return { fn: (v, t) => crossEntropy(v, t, w64, { labelSmoothing, reduction }), inputs: [T(x, shape, dt, true), T(p, shape, dt, true)] };
            }, GC);
          });
        }
      }
    }
  }

  it('one-hot probabilities give the same loss as class indices', () => {
    const x = T([0.2, -1, 3, 0.5, 0.5, 2], [2, 3], wideOf(b));
    const onehot = T([0, 0, 1, 1, 0, 0], [2, 3], wideOf(b));
    const t = b.float64 ? 1e-14 : tol;
    expectClose(crossEntropy(x, onehot, { labelSmoothing: 0.2 }), crossEntropy(x, I([2, 0], [2]), { labelSmoothing: 0.2 }).toArray(), t, t);
  });
});

// ---- mseLoss, l1Loss -------------------------------------------------------------------------

describeEachBackend('mseLoss and l1Loss vs reference', (b) => {
  const { tol } = b;
  let seed = 1300;
  for (const shape of [[], [7], [3, 4], [2, 3, 2]]) {
    for (const reduction of REDUCTIONS) {
      const s = seed++;
      it(`${JSON.stringify(shape)} ${reduction}`, () => {
        const r = rngOf(s);
        const n = prod(shape);
        const x = uniform(r, n, -2, 2);
        const t = x.map((v) => v + (r() < 0.5 ? -1 : 1) * (0.1 + r())); // |x - t| >= 0.1: away from l1's kink
        for (const dtype of dtypesOf(b)) {
          const xs = stored(x, dtype), ts = stored(t, dtype);
          const mse = mseLoss(T(xs, shape, dtype), T(ts, shape, dtype), { reduction });
          const l1 = l1Loss(T(xs, shape, dtype), T(ts, shape, dtype), { reduction });
          expect(mse.shape).toEqual(reduction === 'none' ? shape : []);
          expectClose(mse, refElementwise(n, (i) => (xs[i] - ts[i]) ** 2, reduction) as number[], ...tolOf(dtype, tol));
          expectClose(l1, refElementwise(n, (i) => Math.abs(xs[i] - ts[i]), reduction) as number[], ...tolOf(dtype, tol));
        }
        const args = (dt: DType): Tensor[] => [T(x, shape, dt, true), T(t, shape, dt, true)];
        expectGradcheck(b, (dt) => ({ fn: (u, v) => mseLoss(u, v, { reduction }), inputs: args(dt) }), GC);
        expectGradcheck(b, (dt) => ({ fn: (u, v) => l1Loss(u, v, { reduction }), inputs: args(dt) }), GC);
      });
    }
  }

  it('l1Loss has gradient 0 where input equals target (as sign)', () => {
    const x = T([1, 2, 3], [3], wideOf(b), true);
    l1Loss(x, T([1, 0, 5], [3], wideOf(b)), { reduction: 'sum' }).backward();
    expectClose(x.grad!, [0, 1, -1], 0, 0);
  });
  it('mseLoss gradient is 2 (x - t) / n', () => {
    const x = T([1, 2, 3, 4], [2, 2], wideOf(b), true);
    mseLoss(x, T([0, 0, 0, 0], [2, 2], wideOf(b))).backward();
    expectClose(x.grad!, [0.5, 1, 1.5, 2], 1e-15, 0);
  });
  it('an int32 target is cast to the input dtype', () => {
    expectClose(mseLoss(T([1, 2], [2], wideOf(b)), I([0, 4], [2])), 2.5, 1e-15, 0);
  });
});

// ---- binaryCrossEntropyWithLogits, binaryCrossEntropy ---------------------------------------

describeEachBackend('binaryCrossEntropyWithLogits vs reference', (b) => {
  const { tol } = b;
  let seed = 1700;
  const shape = [4, 3];
  for (const weighted of [false, true]) {
    for (const posWeighted of [false, true]) {
      for (const soft of [false, true]) {
        for (const reduction of REDUCTIONS) {
          const s = seed++;
          it(`${weighted ? 'weight ' : ''}${posWeighted ? 'posWeight ' : ''}${soft ? 'soft' : 'hard'} targets ${reduction}`, () => {
            const r = rngOf(s);
            const x = uniform(r, 12, -4, 4);
            const t = Array.from({ length: 12 }, () => (soft ? r() : r() < 0.5 ? 0 : 1));
            const w = uniform(r, 4, 0.2, 2); // per sample, shape (4, 1)
            const pw = uniform(r, 3, 0.5, 3); // per class, shape (3)
            for (const dtype of dtypesOf(b)) {
              const xs = stored(x, dtype), ts = stored(t, dtype), ws = stored(w, dtype), pws = stored(pw, dtype);
              const out = binaryCrossEntropyWithLogits(T(xs, shape, dtype), T(ts, shape, dtype), {
                weight: weighted ? T(ws, [4, 1], dtype) : null, posWeight: posWeighted ? T(pws, [3], dtype) : null, reduction,
              });
              // textbook form: -w [pw t log σ(x) + (1 - t) log(1 - σ(x))]
              const ref = refElementwise(12, (i) => {
                const wi = weighted ? ws[Math.floor(i / 3)] : 1, pwi = posWeighted ? pws[i % 3] : 1;
                return -wi * (pwi * ts[i] * Math.log(sigmoid(xs[i])) + (1 - ts[i]) * Math.log(1 - sigmoid(xs[i])));
              }, reduction);
              expectClose(out, ref as number[], ...tolOf(dtype, tol));
            }
            expectGradcheck(b, (dt) => {
              const w64 = weighted ? T(w, [4, 1], dt) : null, pw64 = posWeighted ? T(pw, [3], dt) : null;
              return { fn: (u, v) => binaryCrossEntropyWithLogits(u, v, w64, { posWeight: pw64, reduction }), inputs: [T(x, shape, dt, true), T(t, shape, dt, true)] };
            }, GC);
          });
        }
      }
    }
  }

  it('gradient at x = 0 is exact: (1 - t) - (1 + (pw - 1) t) σ(0)', () => {
    const x = T([0, 0, 0], [3], wideOf(b), true);
    binaryCrossEntropyWithLogits(x, T([0, 1, 0.25], [3], wideOf(b)), { posWeight: T([2], [1], wideOf(b)), reduction: 'sum' }).backward();
    expectClose(x.grad!, [0.5, -1, 0.75 - 1.25 * 0.5], 1e-15, 0);
  });
});

describeEachBackend('binaryCrossEntropy vs reference', (b) => {
  const { tol } = b;
  let seed = 2100;
  const shape = [3, 4];
  for (const weighted of [false, true]) {
    for (const soft of [false, true]) {
      for (const reduction of REDUCTIONS) {
        const s = seed++;
        it(`${weighted ? 'weight ' : ''}${soft ? 'soft' : 'hard'} targets ${reduction}`, () => {
          const r = rngOf(s);
          const x = uniform(r, 12, 0.05, 0.95);
          const t = Array.from({ length: 12 }, () => (soft ? r() : r() < 0.5 ? 0 : 1));
          const w = uniform(r, 4, 0.2, 2); // per column, shape (4)
          for (const dtype of dtypesOf(b)) {
            const xs = stored(x, dtype), ts = stored(t, dtype), ws = stored(w, dtype);
            const out = binaryCrossEntropy(T(xs, shape, dtype), T(ts, shape, dtype), weighted ? T(ws, [4], dtype) : null, { reduction });
            const ref = refElementwise(12, (i) => -(weighted ? ws[i % 4] : 1) * (ts[i] * Math.log(xs[i]) + (1 - ts[i]) * Math.log(1 - xs[i])), reduction);
            expectClose(out, ref as number[], ...tolOf(dtype, tol));
          }
          expectGradcheck(b, (dt) => {
            const w64 = weighted ? T(w, [4], dt) : null;
            return { fn: (u, v) => binaryCrossEntropy(u, v, w64, { reduction }), inputs: [T(x, shape, dt, true), T(t, shape, dt, true)] };
          }, GC);
        });
      }
    }
  }

  it('logs are clamped at -100 and the gradient at 0 and 1 is PyTorch\'s (x - t) / max(x (1 - x), 1e-12)', () => {
    const x = T([0, 1, 0, 1], [4], wideOf(b), true);
    const t = T([1, 0, 0, 1], [4], wideOf(b));
    const loss = binaryCrossEntropy(x, t, { reduction: 'none' });
    expectClose(loss, [100, 100, 0, 0], 0, 0);
    loss.sum().backward();
    expectClose(x.grad!, [-1e12, 1e12, 0, 0], 0, b.float64 ? 1e-12 : b.tol);
  });
  it('float32 probabilities that round to 1 give finite values', () => {
    const x = T([30, -30], [2], 'float32', true);
    const loss = binaryCrossEntropy(x.sigmoid(), T([0, 1], [2], 'float32'), { reduction: 'sum' });
    expectClose(loss, 100 + 30, 1e-3, 0); // σ(30) is 1 in float32: log(1 - 1) clamps to -100; -log σ(-30) = 30
    loss.backward();
    expect(Array.from(x.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

// ---- stability and edge cases ----------------------------------------------------------------

describeEachBackend('numerical stability at logits of ±1000 (float32)', () => {
  it('crossEntropy: finite loss and gradient, known values', () => {
    const x = T([1000, -1000, 0, -1000, 1000, 1000], [2, 3], 'float32', true);
    const loss = crossEntropy(x, I([1, 0], [2]), { reduction: 'none' });
    expectClose(loss, [2000, 2000 + Math.log(2)], 1e-3, 1e-6);
    loss.sum().backward();
    expectClose(x.grad!, [1, -1, 0, -1, 0.5, 0.5], 1e-6, 0);
  });
  it('crossEntropy with label smoothing, weights and probability targets stays finite', () => {
    const x = T([1000, -1000, 0, -1000, 1000, 1000], [2, 3], 'float32', true);
    const a = crossEntropy(x, I([1, 0], [2]), { labelSmoothing: 0.1, weight: T([1, 2, 3], [3], 'float32') });
    const b = crossEntropy(x, T([0.2, 0.3, 0.5, 1, 0, 0], [2, 3], 'float32'), { labelSmoothing: 0.1 });
    for (const l of [a, b]) {
      expect(Number.isFinite(l.item())).toBe(true);
      x.grad = null;
      l.backward();
      expect(Array.from(x.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    }
  });
  it('binaryCrossEntropyWithLogits: finite loss and gradient, known values', () => {
    const x = T([1000, -1000, 1000, -1000], [4], 'float32', true);
    const loss = binaryCrossEntropyWithLogits(x, T([0, 1, 1, 0], [4], 'float32'), { posWeight: T([2], [1], 'float32'), reduction: 'none' });
    expectClose(loss, [1000, 2000, 0, 0], 1e-3, 0);
    loss.sum().backward();
    expectClose(x.grad!, [1, -2, 0, 0], 1e-6, 0);
  });
});

describeEachBackend('nothing to average', (b) => {
  it("every target ignored: 'mean' is 0 (PyTorch: NaN) with zero gradient; 'sum' and 'none' are 0", () => {
    const x = T([1, 2, 3, 4, 5, 6], [2, 3], wideOf(b), true);
    const y = I([-100, -100], [2]);
    const loss = crossEntropy(x, y, { labelSmoothing: 0.1, weight: T([1, 2, 3], [3], wideOf(b)) });
    expect(loss.item() === 0).toBe(true); // 0 or -0: GL drops the sign of a zero sum
    loss.backward();
    expectClose(x.grad!, [0, 0, 0, 0, 0, 0], 0, 0);
    expect(crossEntropy(x, y, { reduction: 'sum' }).item() === 0).toBe(true);
    expectClose(nllLoss(x, y, { reduction: 'none' }), [0, 0], 0, 0);
  });
  it("an empty batch gives 0 for 'mean' and an empty 'none'", () => {
    const dt = wideOf(b);
    expect(crossEntropy(T([], [0, 3], dt), I([], [0])).item() === 0).toBe(true);
    expect(crossEntropy(T([], [0, 3], dt), T([], [0, 3], dt)).item() === 0).toBe(true);
    expect(mseLoss(T([], [0], dt), T([], [0], dt)).item()).toBe(0);
    expect(crossEntropy(T([], [0, 3], dt), I([], [0]), { reduction: 'none' }).shape).toEqual([0]);
  });
});

// ---- Module forms ------------------------------------------------------------------------------

describe('loss modules', () => {
  const x = T([0.3, -1, 2, 1, 1, 0, 0.5, 0.2, -0.7], [3, 3], 'float64');
  const y = I([2, -100, 0], [3]);
  it('CrossEntropyLoss and NLLLoss forward match the functions; weight is a buffer', () => {
    const w = T([0.5, 2, 1], [3]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.2 });
    expectClose(ce.forward(x, y), crossEntropy(x, y, { weight: w, labelSmoothing: 0.2 }).toArray(), 0, 0);
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(ce.parameters()).toEqual([]);
    expect([ce.ignoreIndex, ce.reduction, ce.labelSmoothing]).toEqual([-100, 'mean', 0.2]);
    const nll = new NLLLoss({ reduction: 'none', ignoreIndex: 0 });
    const y2 = I([2, 1, 0], [3]);
    expectClose(nll.forward(x, y2), [-2, -1, 0], 0, 0); // -x[i, y_i], class 0 ignored
    expect(Object.keys(nll.stateDict())).toEqual([]);
  });
  it('MSELoss, L1Loss, BCEWithLogitsLoss (pos_weight buffer) and BCELoss match the functions', () => {
    const t = T([0, 1, 1, 0, 1, 0, 1, 1, 0], [3, 3]);
    expectClose(new MSELoss().forward(x, t), mseLoss(x, t).toArray(), 0, 0);
    expectClose(new L1Loss({ reduction: 'sum' }).forward(x, t), l1Loss(x, t, { reduction: 'sum' }).toArray(), 0, 0);
    const pw = T([1, 2, 3], [3]);
    const bl = new BCEWithLogitsLoss({ posWeight: pw });
    expectClose(bl.forward(x, t), binaryCrossEntropyWithLogits(x, t, { posWeight: pw }).toArray(), 0, 0);
    expect(Object.keys(bl.stateDict())).toEqual(['pos_weight']);
    expect(bl.posWeight).toBe(pw);
    const p = x.sigmoid();
    expectClose(new BCELoss({ reduction: 'none' }).forward(p, t), binaryCrossEntropy(p, t, { reduction: 'none' }).toArray(), 0, 0);
  });
  it('the weight can also be given positionally, as in PyTorch', () => {
    const w = T([0.5, 2, 1], [3]);
    expectClose(crossEntropy(x, y, w, { reduction: 'sum' }), crossEntropy(x, y, { weight: w, reduction: 'sum' }).toArray(), 0, 0);
    expectClose(crossEntropy(x, y, null), crossEntropy(x, y).toArray(), 0, 0);
  });
});

// ---- errors ------------------------------------------------------------------------------------

describe('loss errors', () => {
  const x = T([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 5]);
  it('class targets out of range', () => {
    expect(() => crossEntropy(x, I([7, 0], [2]))).toThrow('crossEntropy: target 7 is out of bounds for 5 classes');
    expect(() => crossEntropy(x, I([-1, 0], [2]))).toThrow('crossEntropy: target -1 is out of bounds for 5 classes');
    expect(() => crossEntropy(x, I([5, 0], [2]), { ignoreIndex: 0 })).toThrow('crossEntropy: target 5 is out of bounds for 5 classes');
    expect(() => nllLoss(x, I([0, 9], [2]))).toThrow('nllLoss: target 9 is out of bounds for 5 classes');
    expect(() => new CrossEntropyLoss().forward(x, I([0, 5], [2]))).toThrow('crossEntropy: target 5 is out of bounds for 5 classes');
  });
  it('target shape and dtype', () => {
    expect(() => crossEntropy(x, I([0, 1, 2], [3]))).toThrow('crossEntropy: target shape [3] does not match input shape [2,5] (expected target [2])');
    expect(() => crossEntropy(T([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 3, 2]), I([0, 1], [2]))).toThrow('crossEntropy: target shape [2] does not match input shape [2,3,2] (expected target [2,2])');
    expect(() => crossEntropy(x, T([0, 1], [2]))).toThrow("crossEntropy: float target [2] must hold class probabilities of the input's shape [2,5]; class indices must be int32");
    expect(() => crossEntropy(x, I([0, 0, 0, 0, 1, 0, 0, 0, 1, 0], [2, 5]))).toThrow("crossEntropy: a target of the input's shape [2,5] holds class probabilities and must be floating point, got int32");
    expect(() => crossEntropy(x, tensor([true, false]))).toThrow('crossEntropy: class-index target must have dtype int32, got bool (target [2], input [2,5])');
    expect(() => nllLoss(x, T([0, 1], [2]))).toThrow('nllLoss: class-index target must have dtype int32, got float64 (target [2], input [2,5])');
    expect(() => mseLoss(T([1, 2, 3], [3]), T([1, 2], [2]))).toThrow('mseLoss: target shape [2] must be the same as input shape [3]');
    expect(() => l1Loss(T([1, 2, 3], [3]), T([1, 2, 3], [3, 1]))).toThrow('l1Loss: target shape [3,1] must be the same as input shape [3]');
    expect(() => binaryCrossEntropyWithLogits(T([1, 2], [2, 1]), T([1, 0], [2]))).toThrow('binaryCrossEntropyWithLogits: target shape [2] must be the same as input shape [2,1]');
    expect(() => binaryCrossEntropy(T([0.5], [1]), T([1, 0], [2]))).toThrow('binaryCrossEntropy: target shape [2] must be the same as input shape [1]');
  });
  it('input dtype and shape', () => {
    expect(() => crossEntropy(I([0, 1], [1, 2]), I([0], [1]))).toThrow('crossEntropy: input must be a floating point tensor, got int32 (shape [1,2])');
    expect(() => crossEntropy(T([1], []), I([0], []))).toThrow('crossEntropy: input must be (C), (N, C) or (N, C, d1, …), got shape []');
    expect(() => mseLoss(I([1], [1]), T([1], [1]))).toThrow('mseLoss: input must be a floating point tensor, got int32 (shape [1])');
  });
  it('weights', () => {
    expect(() => crossEntropy(x, I([0, 1], [2]), { weight: T([1, 2, 3], [3]) })).toThrow('crossEntropy: weight should hold one value per class, shape [5], got shape [3]');
    expect(() => nllLoss(x, I([0, 1], [2]), I([1, 1, 1, 1, 1], [5]))).toThrow('nllLoss: weight must be a floating point tensor, got int32 (shape [5])');
    expect(() => binaryCrossEntropyWithLogits(x, x, { posWeight: T([1, 2], [2]) })).toThrow('binaryCrossEntropyWithLogits: posWeight of shape [2] does not broadcast to the input shape [2,5]');
    expect(() => binaryCrossEntropy(T([0.5, 0.5], [2]), T([1, 0], [2]), T([1, 1], [2, 1]))).toThrow('binaryCrossEntropy: weight of shape [2,1] does not broadcast to the input shape [2]');
    expect(() => crossEntropy(x, I([0, 1], [2]), T([1, 1, 1, 1, 1], [5]), { weight: T([1, 1, 1, 1, 1], [5]) })).toThrow('crossEntropy: weight given twice (positionally and in the options)');
  });
  it('options', () => {
    const y = I([0, 1], [2]);
    expect(() => crossEntropy(x, y, { reduction: 'avg' as Reduction })).toThrow("crossEntropy: reduction must be 'none', 'mean' or 'sum', got 'avg'");
    expect(() => mseLoss(x, x, { reduction: 'elementwise_mean' as Reduction })).toThrow("mseLoss: reduction must be 'none', 'mean' or 'sum', got 'elementwise_mean'");
    expect(() => new BCELoss({ reduction: 'all' as Reduction })).toThrow("BCELoss: reduction must be 'none', 'mean' or 'sum', got 'all'");
    expect(() => crossEntropy(x, y, { labelSmoothing: 1.5 })).toThrow('crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5');
    expect(() => new CrossEntropyLoss({ labelSmoothing: -0.1 })).toThrow('CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got -0.1');
    expect(() => crossEntropy(x, y, { ignoreIndex: 0.5 })).toThrow('crossEntropy: ignoreIndex must be an integer, got 0.5');
    expect(() => crossEntropy(x, T([0, 0, 0, 0, 1, 0, 0, 0, 1, 0], [2, 5]), { ignoreIndex: 0 })).toThrow('crossEntropy: ignoreIndex (0) is not supported for class-probability targets');
    expect(() => crossEntropy(x, y, { ignore_index: 0 } as never)).toThrow('crossEntropy: unknown option \'ignore_index\' (options are weight, ignoreIndex, reduction, labelSmoothing)');
    expect(() => new MSELoss({ size_average: true } as never)).toThrow("MSELoss: unknown option 'size_average' (options are reduction)");
  });
  it('binaryCrossEntropy input outside [0, 1]', () => {
    expect(() => binaryCrossEntropy(T([0.5, 1.5], [2]), T([1, 0], [2]))).toThrow('binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5 at flat index 1 (input [2])');
    expect(() => binaryCrossEntropy(T([NaN], [1]), T([1], [1]))).toThrow('binaryCrossEntropy: all elements of input should be between 0 and 1, got NaN at flat index 0 (input [1])');
  });
});
