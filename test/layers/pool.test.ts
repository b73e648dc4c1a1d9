// pool.test.ts — maxPool1d/2d and avgPool1d/2d against naive loops in float64 over many
// configurations (stride, padding, dilation, ceil mode incl. the "last window starts inside"
// rule, countIncludePad, divisorOverride, non-square, odd sizes, unbatched), known values
// (PyTorch's ceil-mode divisors, argmax indices, -inf padding, NaN), gradcheck on inputs without
// ties, the modules, and error messages. Forward and gradient tests run on every backend:
// without float64 the float64 lines run in float32, gradients against the cpu backend's.

import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../src/index.js';
import { AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type AvgPoolOptions, type MaxPoolOptions } from '../../src/layers/pool.js';
import { maxPool2dWithIndices } from '../../src/autograd/ops/conv.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';
import { expectClose } from '../helpers/close.js';
import { rngFor } from '../helpers/optable.js';

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Distinct values (a shuffled grid 0.1 apart, centred): no ties inside any window. */
function distinct(key: string, shape: number[]): number[] {
  const n = numel(shape), r = rngFor(key);
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [v[i], v[j]] = [v[j], v[i]]; }
  return v;
}
const t64 = (key: string, shape: number[], requiresGrad = false): Tensor =>
  tensor(Float64Array.from(distinct(key, shape)), { shape, dtype: 'float64', requiresGrad });
/** The same values as t64 in the given float dtype. */
const tf = (key: string, shape: number[], dtype: 'float32' | 'float64', requiresGrad = false): Tensor =>
  tensor(distinct(key, shape), { shape, dtype, requiresGrad });

// ---- naive references ---------------------------------------------------------------------------

const pair = (v: number | number[] | null | undefined, d: number[]): number[] => (v === undefined || v === null ? d : typeof v === 'number' ? [v, v] : v);

/** PyTorch's pooling_output_shape, written out again. */
function outLen(size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= size + p) o -= 1;
  return o;
}

/** y[n,c,i,j] = max over the window of x (positions outside the input are skipped, i.e. -inf). */
function refMax(x: number[], [N, C, H, W]: number[], kernel: number | number[], o: MaxPoolOptions): { shape: number[]; data: number[] } {
  const k = pair(kernel, []), s = pair(o.stride, k), p = pair(o.padding, [0, 0]), d = pair(o.dilation, [1, 1]);
  const OH = outLen(H, k[0], p[0], s[0], d[0], !!o.ceilMode), OW = outLen(W, k[1], p[1], s[1], d[1], !!o.ceilMode);
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let m = -Infinity;
    for (let a = 0; a < k[0]; a++) for (let b = 0; b < k[1]; b++) {
      const y = i * s[0] - p[0] + a * d[0], xx = j * s[1] - p[1] + b * d[1];
      if (y >= 0 && y < H && xx >= 0 && xx < W) m = Math.max(m, x[((n * C + c) * H + y) * W + xx]);
    }
    data.push(m);
  }
  return { shape: [N, C, OH, OW], data };
}

/**
 * y = sum of the window's real elements / divisor; divisor = divisorOverride, or the number of
 * window positions inside the padded input [-p, size + p) (countIncludePad), or of real ones.
 */
function refAvg(x: number[], [N, C, H, W]: number[], kernel: number | number[], o: AvgPoolOptions): { shape: number[]; data: number[] } {
  const k = pair(kernel, []), s = pair(o.stride, k), p = pair(o.padding, [0, 0]);
  const OH = outLen(H, k[0], p[0], s[0], 1, !!o.ceilMode), OW = outLen(W, k[1], p[1], s[1], 1, !!o.ceilMode);
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let sum = 0, real = 0, padded = 0;
    for (let a = 0; a < k[0]; a++) for (let b = 0; b < k[1]; b++) {
      const y = i * s[0] - p[0] + a, xx = j * s[1] - p[1] + b;
      if (y >= -p[0] && y < H + p[0] && xx >= -p[1] && xx < W + p[1]) padded++;
      if (y >= 0 && y < H && xx >= 0 && xx < W) { sum += x[((n * C + c) * H + y) * W + xx]; real++; }
    }
    const div = o.divisorOverride ? o.divisorOverride : o.countIncludePad ?? true ? padded : real;
    data.push(real === 0 ? 0 : sum / div);
  }
  return { shape: [N, C, OH, OW], data };
}

// ---- forward against the references --------------------------------------------------------------

type MaxCase = [string, number[], number | number[], MaxPoolOptions];
type AvgCase = [string, number[], number | number[], AvgPoolOptions];

const MAX_2D: MaxCase[] = [
  ['k2 (stride = kernel)', [2, 3, 6, 6], 2, {}],
  ['k2 odd input 7x5', [1, 2, 7, 5], 2, {}],
  ['k3 s2', [2, 2, 9, 9], 3, { stride: 2 }],
  ['k3 s2 p1', [1, 3, 8, 8], 3, { stride: 2, padding: 1 }],
  ['k3 s1 p1', [1, 2, 5, 5], 3, { stride: 1, padding: 1 }],
  ['k2 s3 (stride > kernel)', [1, 2, 8, 7], 2, { stride: 3 }],
  ['dilation 2', [1, 2, 9, 9], 3, { stride: 1, dilation: 2 }],
  ['dilation (2,1) padding 1', [2, 1, 8, 7], 3, { stride: 2, dilation: [2, 1], padding: 1 }],
  ['non-square kernel (2,3) stride (1,2)', [1, 2, 5, 9], [2, 3], { stride: [1, 2] }],
  ['ceil mode 5x5 k2', [1, 2, 5, 5], 2, { ceilMode: true }],
  ['ceil mode, last window would start in the right padding', [1, 1, 5, 5], 2, { stride: 2, padding: 1, ceilMode: true }],
  ['ceil mode k3 s2 p1 odd 7x9', [2, 2, 7, 9], 3, { stride: 2, padding: 1, ceilMode: true }],
  ['ceil mode with dilation', [1, 2, 10, 8], 2, { stride: 3, dilation: 2, ceilMode: true }],
  ['kernel = input', [2, 3, 4, 4], 4, {}],
];

const AVG_2D: AvgCase[] = [
  ['k2', [2, 3, 6, 6], 2, {}],
  ['k3 s2 odd 7x5', [1, 2, 7, 5], 3, { stride: 2 }],
  ['k3 s2 p1 countIncludePad', [1, 2, 8, 8], 3, { stride: 2, padding: 1 }],
  ['k3 s2 p1 excluding pad', [1, 2, 8, 8], 3, { stride: 2, padding: 1, countIncludePad: false }],
  ['k3 s1 p1 excluding pad', [2, 1, 5, 6], 3, { stride: 1, padding: 1, countIncludePad: false }],
  ['ceil mode k2 on 5x5', [1, 2, 5, 5], 2, { ceilMode: true }],
  ['ceil mode k3 s2 p1 (window past the padding)', [1, 2, 8, 6], 3, { stride: 2, padding: 1, ceilMode: true }],
  ['ceil mode k3 s2 p1 excluding pad', [1, 2, 8, 6], 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
  ['ceil mode, last window dropped', [1, 1, 5, 5], 2, { stride: 2, padding: 1, ceilMode: true }],
  ['non-square (3,2) stride (2,1) padding (1,0)', [1, 3, 7, 5], [3, 2], { stride: [2, 1], padding: [1, 0] }],
  ['divisorOverride 5 with padding', [1, 2, 6, 6], 3, { stride: 2, padding: 1, divisorOverride: 5 }],
  ['stride > kernel', [1, 2, 9, 9], 2, { stride: 3 }],
];

const MAX_1D: MaxCase[] = [
  ['k2', [2, 3, 8], 2, {}],
  ['k3 s2 p1 odd', [1, 2, 11], 3, { stride: 2, padding: 1 }],
  ['dilation 2 ceil', [1, 2, 10], 3, { stride: 2, dilation: 2, ceilMode: true }],
  ['tuple args', [1, 2, 9], [3], { stride: [2], padding: [1] }],
];
const AVG_1D: AvgCase[] = [
  ['k2', [2, 3, 8], 2, {}],
  ['k3 s2 p1 ceil', [1, 2, 10], 3, { stride: 2, padding: 1, ceilMode: true }],
  ['k3 s2 p1 excluding pad', [1, 2, 9], 3, { stride: 2, padding: 1, countIncludePad: false }],
];

/** The 1-D reference is the 2-D one on (N, C, 1, L) with a (1, k) window. */
const to2d = <O extends MaxPoolOptions | AvgPoolOptions>(k: number | number[], o: O): [number[], O] => {
  const one = (v: unknown, d: number): number[] => [d, ...(v === undefined || v === null ? [] : typeof v === 'number' ? [v] : (v as number[]))];
  const kk = one(k, 1);
  const r = { ...o, stride: o.stride === undefined || o.stride === null ? kk : one(o.stride, 1), padding: one(o.padding ?? 0, 0) } as O;
  if ('dilation' in o) (r as MaxPoolOptions).dilation = one((o as MaxPoolOptions).dilation ?? 1, 1);
  return [kk, r];
};

function checkPool(kind: 'max' | 'avg', nsp: 1 | 2, [label, shape, k, o]: MaxCase | AvgCase, dtype: 'float32' | 'float64'): void {
  const v = distinct(label, shape);
  const x = tensor(dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), { shape, dtype });
  const fn = kind === 'max' ? (nsp === 2 ? maxPool2d : maxPool1d) : nsp === 2 ? avgPool2d : avgPool1d;
  const y = fn(x, k, o as AvgPoolOptions);
  const shape4 = nsp === 2 ? shape : [shape[0], shape[1], 1, shape[2]];
  const [k4, o4] = nsp === 2 ? [k, o] : to2d(k, o);
  const vr = dtype === 'float32' ? v.map(Math.fround) : v;
  const ref = kind === 'max' ? refMax(vr, shape4, k4, o4) : refAvg(vr, shape4, k4, o4 as AvgPoolOptions);
  expect(y.shape).toEqual(nsp === 2 ? ref.shape : [ref.shape[0], ref.shape[1], ref.shape[3]]);
  const tol = dtype === 'float64' ? 1e-12 : 1e-6;
  expectClose(y.dataSync(), ref.data, tol, tol);
}

describeEachBackend('pooling forward vs naive loops', ({ float64 }) => {
  const wide = float64 ? 'float64' : 'float32';
  for (const [kind, nsp, cases] of [['max', 2, MAX_2D], ['avg', 2, AVG_2D], ['max', 1, MAX_1D], ['avg', 1, AVG_1D]] as const) {
    for (const c of cases) {
      for (const dtype of float64 ? (['float64', 'float32'] as const) : (['float32'] as const)) {
        it(`${kind}Pool${nsp}d ${c[0]} ${dtype}`, () => checkPool(kind, nsp, c, dtype));
      }
    }
  }

  it('ceil-mode output sizes follow PyTorch', () => {
    const z = (s: number[]): Tensor => tensor(new Float32Array(numel(s)), { shape: s });
    expect(maxPool2d(z([1, 1, 5, 5]), 2, { ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    expect(maxPool2d(z([1, 1, 5, 5]), 2).shape).toEqual([1, 1, 2, 2]);
    // (5 + 2 - 1 - 1 + 1) / 2 + 1 = 4 windows, but the 4th would start at 6 >= 5 + 1: dropped
    expect(maxPool2d(z([1, 1, 5, 5]), 2, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 3, 3]);
    expect(avgPool2d(z([1, 1, 6, 7]), 3, { stride: 2, padding: 1, ceilMode: true }).shape).toEqual([1, 1, 4, 4]);
    expect(maxPool1d(z([2, 3, 10]), 3, { stride: 2, ceilMode: true }).shape).toEqual([2, 3, 5]);
  });

  it('avgPool2d: ceil-mode and padding divisors (PyTorch values)', () => {
    const ones = (s: number[]): Tensor => tensor(new Array<number>(numel(s)).fill(1), { shape: s, dtype: wide });
    // the ceil-mode overhang beyond the padded input is not counted
    expect(avgPool2d(ones([1, 1, 3, 3]), 2, { ceilMode: true }).toArray()).toEqual([[[[1, 1], [1, 1]]]]);
    expectClose(avgPool2d(ones([1, 1, 3, 3]), 3, { stride: 1, padding: 1 }), [4 / 9, 6 / 9, 4 / 9, 6 / 9, 1, 6 / 9, 4 / 9, 6 / 9, 4 / 9], 1e-15);
    expect(avgPool2d(ones([1, 1, 3, 3]), 3, { stride: 1, padding: 1, countIncludePad: false }).toArray()).toEqual([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
    // rows/cols: windows [-1,2) [1,4) [3,6)->[3,5): real 2,3,1 of padded 3,3,2
    const r = [2 / 3, 1, 1 / 2];
    expectClose(avgPool2d(ones([1, 1, 4, 4]), 3, { stride: 2, padding: 1, ceilMode: true }), r.flatMap((a) => r.map((b) => a * b)), 1e-15);
    expectClose(avgPool2d(ones([1, 1, 2, 2]).mul(3), 2, { divisorOverride: 2 }), [6], 0);
  });

  it('maxPool2d: argmax indices (flat in each plane), -inf padding and NaN', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 1, 4, 4], dtype: wide });
    const r = maxPool2dWithIndices(x, { n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, dh: 1, dw: 1, oh: 2, ow: 2 });
    expect(r.values.toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(r.indices.toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(r.indices.dtype).toBe('int32');
    expect(maxPool2d(x, 2).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    // all-negative input with padding: the pad never wins
    expect(maxPool2d(x.add(1).neg(), 3, { stride: 2, padding: 1 }).toArray()).toEqual([[[[-1, -2], [-5, -6]]]]);
    const withNaN = tensor([[[1, NaN, 3, 4]]]);
    expect(maxPool1d(withNaN, 2).toArray()).toEqual([[[NaN, 4]]]);
  });

  it('maxPool2d gradient goes to the first maximum on ties', () => {
    const x = tensor([[[[1, 1], [1, 1]]]], { requiresGrad: true });
    maxPool2d(x, 2).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[1, 0], [0, 0]]]]);
  });

  it('overlapping windows accumulate their gradients (stride 1)', () => {
    const x = tensor([[0, 5, 1, 2]], { requiresGrad: true }); // (C=1, L=4) unbatched
    maxPool1d(x, 2, { stride: 1 }).sum().backward(); // windows pick 5, 5, 2
    expect(x.grad!.toArray()).toEqual([[0, 2, 0, 1]]);
    const a = tensor([[1, 2, 3, 4]], { requiresGrad: true });
    avgPool1d(a, 3, { stride: 1, padding: 1 }).sum().backward(); // each element in 3 windows, /3 each (first/last in 2)
    expectClose(a.grad!, [[2 / 3, 1, 1, 2 / 3]], 1e-7);
  });

  it('unbatched (C,H,W) input equals the batch-of-one result', () => {
    const x = tf('unb', [3, 7, 6], wide);
    expect(maxPool2d(x, 3, { stride: 2, padding: 1 }).shape).toEqual([3, 4, 3]);
    expectClose(maxPool2d(x, 3, { stride: 2, padding: 1 }), maxPool2d(x.unsqueeze(0), 3, { stride: 2, padding: 1 }).squeeze(0).dataSync() as Float64Array, 0);
    expectClose(avgPool2d(x, 2, { ceilMode: true }), avgPool2d(x.unsqueeze(0), 2, { ceilMode: true }).squeeze(0).dataSync() as Float64Array, 0);
  });

  it('non-contiguous input gives the contiguous result', () => {
    const x = tf('ncp', [2, 5, 6, 3], wide).permute(0, 3, 1, 2); // (2, 3, 5, 6) view
    expectClose(maxPool2d(x, 2, { ceilMode: true }), maxPool2d(x.contiguous(), 2, { ceilMode: true }).dataSync() as Float64Array, 0);
    expectClose(avgPool2d(x, 3, { stride: 2, padding: 1 }), avgPool2d(x.contiguous(), 3, { stride: 2, padding: 1 }).dataSync() as Float64Array, 1e-15);
  });
});

// ---- gradients ---------------------------------------------------------------------------------

describeEachBackend('pooling gradcheck (float64, or float32 vs cpu; inputs without ties)', (b) => {
  const cases: [string, number[], (x: Tensor) => Tensor][] = [
    ['maxPool2d k2', [2, 2, 4, 4], (x) => maxPool2d(x, 2)],
    ['maxPool2d k3 s2 p1 ceil', [1, 2, 5, 6], (x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
    ['maxPool2d overlapping dilated', [1, 1, 6, 5], (x) => maxPool2d(x, [2, 3], { stride: 1, dilation: [2, 1] })],
    ['maxPool1d k3 s2 p1', [2, 2, 7], (x) => maxPool1d(x, 3, { stride: 2, padding: 1 })],
    ['avgPool2d k3 s2 p1 ceil', [1, 2, 6, 5], (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
    ['avgPool2d excluding pad', [2, 1, 5, 5], (x) => avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false })],
    ['avgPool2d divisorOverride', [1, 1, 4, 4], (x) => avgPool2d(x, 2, { divisorOverride: 3 })],
    ['avgPool1d k2 s1', [1, 2, 6], (x) => avgPool1d(x, 2, { stride: 1 })],
    ['maxPool2d unbatched', [2, 4, 4], (x) => maxPool2d(x, 2, { stride: 1 })],
  ];
  for (const [label, shape, f] of cases) {
    it(label, () => expectGradcheck(b, (dtype) => ({ fn: f, inputs: [tf(`g${label}`, shape, dtype, true)] })));
  }
  it('second order through the pool backward (maxPool scatter <-> gather, avgPool <-> its adjoint)', () => {
    // y = sum(pool(x)^2): d/dx is pool^T(2 pool(x)); its derivative again runs pool and pool^T
    for (const pool of [(x: Tensor) => maxPool2d(x, 2, { stride: 1 }), (x: Tensor) => avgPool2d(x, 2, { stride: 1, padding: 1 })]) {
      const f = (x: Tensor): Tensor => pool(x).pow(2).sum();
      expectGradcheck(b, (dtype) => ({ fn: (x) => f(x), inputs: [tf('g2', [1, 1, 4, 4], dtype, true)] }));
    }
  });
});

// ---- modules and errors ------------------------------------------------------------------------

describe('pooling modules', () => {
  it('MaxPool2d / MaxPool1d / AvgPool2d / AvgPool1d forward = functional, no parameters', () => {
    const x = t64('mod', [2, 3, 7, 6]);
    const mp = new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
    expectClose(mp.forward(x), maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }).dataSync() as Float64Array, 0);
    expect(mp.parameters()).toEqual([]);
    expect(Object.keys(mp.stateDict())).toEqual([]);
    const ap = new AvgPool2d([2, 3], { countIncludePad: false, padding: [1, 1] });
    expectClose(ap.forward(x), avgPool2d(x, [2, 3], { countIncludePad: false, padding: [1, 1] }).dataSync() as Float64Array, 0);
    const x1 = t64('mod1', [2, 3, 9]);
    expectClose(new MaxPool1d(2).forward(x1), maxPool1d(x1, 2).dataSync() as Float64Array, 0);
    expect(new AvgPool1d(3, { stride: 1 }).forward(x1).shape).toEqual([2, 3, 7]);
  });
});

describe('pooling errors', () => {
  const x = tensor(new Float32Array(2 * 3 * 5 * 5), { shape: [2, 3, 5, 5] });
  it('padding larger than half the kernel', () => {
    expect(() => maxPool2d(x, 3, { padding: 2 })).toThrow('maxPool2d: padding (2, 2) must be at most half of the kernel size 3x3');
    expect(() => avgPool2d(x, [2, 4], { padding: [1, 3] })).toThrow('avgPool2d: padding (1, 3) must be at most half of the kernel size 2x4');
    expect(() => maxPool1d(tensor(new Float32Array(8), { shape: [1, 8] }), 2, { padding: 2 })).toThrow('maxPool1d: padding 2 must be at most half of the kernel size 2');
  });
  it('input too small for the window', () => {
    expect(() => maxPool2d(x, 6)).toThrow('maxPool2d: input 5x5 is too small for kernel 6x6 (padding (0, 0)): output size would be 0x0');
    expect(() => maxPool2d(x, 3, { dilation: 3 })).toThrow('maxPool2d: input 5x5 is too small for kernel 3x3 (padding (0, 0), dilation (3, 3)): output size would be 0x0');
  });
  it('wrong ndim and dtype', () => {
    expect(() => maxPool2d(tensor([[1, 2], [3, 4]]), 2)).toThrow('maxPool2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [2,2]');
    expect(() => avgPool1d(x, 2)).toThrow('avgPool1d: expected a 2-D (unbatched) or 3-D (batched) input, got shape [2,3,5,5]');
    expect(() => maxPool2d(x.int(), 2)).toThrow('maxPool2d: input must be float32 or float64, got int32');
  });
  it('bad kernel / stride / dilation / divisor values', () => {
    expect(() => maxPool2d(x, 0)).toThrow('maxPool2d: kernelSize must be a positive integer or a list of 2 of them, got 0');
    expect(() => maxPool2d(x, [2, 2, 2])).toThrow('maxPool2d: kernelSize must be a positive integer or a list of 2 of them, got [2,2,2]');
    expect(() => maxPool2d(x, 2, { stride: 0 })).toThrow('maxPool2d: stride must be a positive integer or a list of 2 of them, got 0');
    expect(() => maxPool2d(x, 2, { dilation: -1 })).toThrow('maxPool2d: dilation must be a positive integer or a list of 2 of them, got -1');
    expect(() => avgPool2d(x, 2, { padding: -1 })).toThrow('avgPool2d: padding must be a non-negative integer or a list of 2 of them, got -1');
    expect(() => avgPool2d(x, 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisorOverride must be a positive integer, got 0');
    expect(() => new MaxPool2d(0)).toThrow('MaxPool2d: kernelSize must be a positive integer or a list of 2 of them, got 0');
    expect(() => new AvgPool1d([2, 2])).toThrow('AvgPool1d: kernelSize must be a positive integer, got [2,2]');
  });
});
