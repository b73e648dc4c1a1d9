// conv.test.ts — conv1d / conv2d against naive direct loops in float64 over many configurations
// (stride, padding incl. 'same'/'valid', dilation, groups, bias, non-square, odd sizes,
// unbatched, non-contiguous input), gradcheck for input, weight and bias, the im2col/col2im
// adjoint identity, Conv1d/Conv2d modules (state-dict keys, default-init bounds) and errors.
// Forward and gradient tests run on every backend; without float64 the float64 lines run in
// float32 and the gradients are compared with the cpu backend's (helpers/crosscheck.ts).

import { describe, expect, it } from 'vitest';
import { enableGrad, grad, gradcheck, manualSeed, tensor, type Tensor } from '../../src/index.js';
import { Conv1d, Conv2d, conv1d, conv2d, type Conv2dOptions } from '../../src/layers/conv.js';
import { col2im, im2col, type Window2d } from '../../src/autograd/ops/conv.js';
import { BACKENDS, describeEachBackend, onBackend, onCpu } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';
import { expectClose } from '../helpers/close.js';
import { rngFor } from '../helpers/optable.js';

const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);
const values = (key: string, shape: number[]): number[] => {
  const r = rngFor(key);
  return Array.from({ length: numel(shape) }, () => 2 * r() - 1);
};
const t64 = (key: string, shape: number[], requiresGrad = false): Tensor =>
  tensor(Float64Array.from(values(key, shape)), { shape, dtype: 'float64', requiresGrad });
/** The same values as t64 in the given float dtype. */
const tf = (key: string, shape: number[], dtype: 'float32' | 'float64', requiresGrad = false): Tensor =>
  tensor(values(key, shape), { shape, dtype, requiresGrad });

// ---- naive references (plain loops, float64) -----------------------------------------------

interface RefOpts { stride: number[]; padding: number[] | 'same' | 'valid'; dilation: number[]; groups: number }

function refOpts(o: Conv2dOptions, nsp: number): RefOpts {
  const list = (v: unknown, d: number): number[] => (v === undefined ? new Array(nsp).fill(d) : typeof v === 'number' ? new Array(nsp).fill(v) : (v as number[]));
  const padding = o.padding === 'same' || o.padding === 'valid' ? o.padding : list(o.padding, 0);
  return { stride: list(o.stride, 1), padding, dilation: list(o.dilation, 1), groups: o.groups ?? 1 };
}

/** y[n,o,i,j] = b[o] + sum_{c,p,q} w[o,c,p,q] x[n, g*Cg + c, i*sh - ph + p*dh, j*sw - pw + q*dw] */
function refConv2d(x: number[], xs: number[], w: number[], ws: number[], b: number[] | null, o: RefOpts): { shape: number[]; data: number[] } {
  const [N, C, H, W] = xs, [O, Cg, KH, KW] = ws;
  const [sh, sw] = o.stride, [dh, dw] = o.dilation;
  let ph: number, pw: number, OH: number, OW: number;
  if (o.padding === 'same') {
    ph = Math.floor((dh * (KH - 1)) / 2); pw = Math.floor((dw * (KW - 1)) / 2); OH = H; OW = W;
  } else {
    [ph, pw] = o.padding === 'valid' ? [0, 0] : o.padding;
    OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
    OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  }
  const perGroup = O / o.groups;
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let oc = 0; oc < O; oc++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const g = Math.floor(oc / perGroup);
    let s = b ? b[oc] : 0;
    for (let c = 0; c < Cg; c++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
      const y = i * sh - ph + p * dh, xx = j * sw - pw + q * dw;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      s += w[((oc * Cg + c) * KH + p) * KW + q] * x[((n * C + g * Cg + c) * H + y) * W + xx];
    }
    data.push(s);
  }
  return { shape: [N, O, OH, OW], data };
}

/** y[n,o,i] = b[o] + sum_{c,p} w[o,c,p] x[n, g*Cg + c, i*s - pad + p*d] */
function refConv1d(x: number[], xs: number[], w: number[], ws: number[], b: number[] | null, o: RefOpts): { shape: number[]; data: number[] } {
  const [N, C, L] = xs, [O, Cg, K] = ws;
  const [s] = o.stride, [d] = o.dilation;
  const pad = o.padding === 'same' ? Math.floor((d * (K - 1)) / 2) : o.padding === 'valid' ? 0 : o.padding[0];
  const OL = o.padding === 'same' ? L : Math.floor((L + 2 * pad - d * (K - 1) - 1) / s) + 1;
  const perGroup = O / o.groups;
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let oc = 0; oc < O; oc++) for (let i = 0; i < OL; i++) {
    const g = Math.floor(oc / perGroup);
    let acc = b ? b[oc] : 0;
    for (let c = 0; c < Cg; c++) for (let p = 0; p < K; p++) {
      const at = i * s - pad + p * d;
      if (at >= 0 && at < L) acc += w[(oc * Cg + c) * K + p] * x[(n * C + g * Cg + c) * L + at];
    }
    data.push(acc);
  }
  return { shape: [N, O, OL], data };
}

// ---- configurations: [label, input shape, weight shape, bias, options] -------------------------

type Case = [string, number[], number[], boolean, Conv2dOptions];

const CASES_2D: Case[] = [
  ['3x3 default', [2, 3, 6, 6], [4, 3, 3, 3], true, {}],
  ['no bias', [2, 3, 5, 5], [4, 3, 3, 3], false, {}],
  ['1x1 kernel', [2, 5, 4, 3], [3, 5, 1, 1], true, {}],
  ['padding 1', [1, 2, 5, 5], [3, 2, 3, 3], true, { padding: 1 }],
  ['padding 2, 5x5', [2, 1, 7, 7], [2, 1, 5, 5], true, { padding: 2 }],
  ['stride 2', [2, 3, 7, 7], [2, 3, 3, 3], true, { stride: 2 }],
  ['stride 2 padding 1 odd size', [1, 2, 9, 7], [3, 2, 3, 3], true, { stride: 2, padding: 1 }],
  ['stride (1,3)', [1, 2, 6, 10], [2, 2, 2, 3], true, { stride: [1, 3] }],
  ['stride 3 > kernel', [1, 2, 8, 8], [2, 2, 2, 2], true, { stride: 3 }],
  ['dilation 2', [1, 2, 9, 9], [2, 2, 3, 3], true, { dilation: 2 }],
  ['dilation (2,1) padding (2,1)', [2, 2, 7, 6], [3, 2, 3, 3], true, { dilation: [2, 1], padding: [2, 1] }],
  ['dilation 3 stride 2 padding 3', [1, 1, 11, 10], [2, 1, 3, 3], true, { dilation: 3, stride: 2, padding: 3 }],
  ['non-square kernel 2x4', [2, 3, 5, 8], [4, 3, 2, 4], true, {}],
  ['non-square input 3x11, kernel 3x1', [1, 2, 3, 11], [2, 2, 3, 1], false, { padding: [1, 0] }],
  ['groups 2', [2, 4, 5, 5], [6, 2, 3, 3], true, { groups: 2 }],
  ['groups 3, stride 2, padding 1', [1, 6, 7, 7], [3, 2, 3, 3], true, { groups: 3, stride: 2, padding: 1 }],
  ['depthwise (groups = C)', [2, 4, 6, 5], [8, 1, 3, 3], true, { groups: 4, padding: 1 }],
  ["padding 'same' 3x3", [2, 3, 6, 5], [4, 3, 3, 3], true, { padding: 'same' }],
  ["padding 'same' even kernel 4x2", [1, 2, 5, 6], [3, 2, 4, 2], true, { padding: 'same' }],
  ["padding 'same' dilated", [1, 2, 7, 7], [2, 2, 3, 2], true, { padding: 'same', dilation: [2, 3] }],
  ["padding 'valid'", [1, 2, 6, 6], [2, 2, 3, 3], true, { padding: 'valid' }],
  ['kernel equal to padded input', [1, 2, 3, 3], [2, 2, 5, 5], true, { padding: 1 }],
  ['single pixel input', [3, 2, 1, 1], [4, 2, 1, 1], true, {}],
];

const CASES_1D: Case[] = [
  ['k3 default', [2, 3, 10], [4, 3, 3], true, {}],
  ['no bias', [2, 3, 7], [2, 3, 4], false, {}],
  ['padding 2 stride 2', [2, 2, 11], [3, 2, 5], true, { padding: 2, stride: 2 }],
  ['dilation 2 padding 1', [1, 2, 12], [2, 2, 3], true, { dilation: 2, padding: 1 }],
  ['groups 2', [2, 4, 9], [6, 2, 3], true, { groups: 2, padding: 1 }],
  ["'same' even kernel", [1, 3, 8], [2, 3, 4], true, { padding: 'same' }],
  ["'same' dilated", [1, 2, 9], [2, 2, 3], true, { padding: 'same', dilation: 3 }],
  ['stride 3 tuple args', [1, 2, 13], [2, 2, 2], true, { stride: [3], padding: [1], dilation: [1] }],
];

function runCase(nsp: 1 | 2, [label, xs, ws, bias, opts]: Case, dtype: 'float32' | 'float64', tol32: number): void {
  const xv = values(`${label}#x`, xs), wv = values(`${label}#w`, ws), bv = bias ? values(`${label}#b`, [ws[0]]) : null;
  const mk = (v: number[], shape: number[]): Tensor => tensor(dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), { shape, dtype });
  const f = nsp === 2 ? conv2d : conv1d;
  const y = f(mk(xv, xs), mk(wv, ws), bv ? mk(bv, [ws[0]]) : null, opts);
  const round = (v: number[]): number[] => (dtype === 'float32' ? v.map(Math.fround) : v);
  const ref = (nsp === 2 ? refConv2d : refConv1d)(round(xv), xs, round(wv), ws, bv && round(bv), refOpts(opts, nsp));
  expect(y.shape).toEqual(ref.shape);
  expect(y.dtype).toBe(dtype);
  const tol = dtype === 'float64' ? 1e-12 : tol32;
  expectClose(y.dataSync(), ref.data, tol, tol);
}

describeEachBackend('conv2d forward vs naive loops', ({ tol, float64 }) => {
  const dtype = float64 ? 'float64' : 'float32';
  for (const c of CASES_2D) {
    if (float64) it(`${c[0]} float64`, () => runCase(2, c, 'float64', tol));
    it(`${c[0]} float32`, () => runCase(2, c, 'float32', tol));
  }
  it('unbatched (C,H,W) input equals the batch-of-one result', () => {
    const x = tf('ub', [3, 6, 5], dtype), w = tf('ubw', [2, 3, 3, 3], dtype), b = tf('ubb', [2], dtype);
    const y = conv2d(x, w, b, { padding: 1, stride: [2, 1] });
    expect(y.shape).toEqual([2, 3, 5]);
    expectClose(y.dataSync(), conv2d(x.unsqueeze(0), w, b, { padding: 1, stride: [2, 1] }).squeeze(0).dataSync(), float64 ? 1e-15 : tol, 0);
  });
  it('non-contiguous (permuted, sliced) input and weight give the contiguous result', () => {
    const xp = tf('nc', [2, 6, 7, 3], dtype).permute(0, 3, 1, 2); // (N=2, C=3, H=6, W=7) view
    const wp = tf('ncw', [4, 3, 3, 6], dtype).slice(-1, 0, null, 2); // (4, 3, 3, 3) strided view
    expect(xp.isContiguous() || wp.isContiguous()).toBe(false);
    const y = conv2d(xp, wp, null, { padding: 1, dilation: [1, 2] });
    const ref = refConv2d(Array.from(xp.dataSync()), xp.shape, Array.from(wp.dataSync()), wp.shape, null, refOpts({ padding: 1, dilation: [1, 2] }, 2));
    expect(y.shape).toEqual(ref.shape);
    expectClose(y.dataSync(), ref.data, float64 ? 1e-12 : tol, float64 ? 1e-12 : tol);
  });
  it('a known 3x3 example: box filter over 0..15 with padding 1', () => {
    const x = tensor([[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]]]);
    const w = tensor([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
    expect(conv2d(x, w, tensor([0.5]), { padding: 1 }).toArray()).toEqual([[[
      [10.5, 18.5, 24.5, 18.5], [27.5, 45.5, 54.5, 39.5], [51.5, 81.5, 90.5, 63.5], [42.5, 66.5, 72.5, 50.5],
    ]]]);
  });
});

describeEachBackend('conv1d forward vs naive loops', ({ tol, float64 }) => {
  for (const c of CASES_1D) {
    if (float64) it(`${c[0]} float64`, () => runCase(1, c, 'float64', tol));
    it(`${c[0]} float32`, () => runCase(1, c, 'float32', tol));
  }
  it('unbatched (C,L) input', () => {
    const dtype = float64 ? 'float64' : 'float32', t = float64 ? 1e-12 : tol;
    const x = tf('u1', [3, 8], dtype), w = tf('u1w', [2, 3, 3], dtype);
    const y = conv1d(x, w, null, { padding: 1 });
    expect(y.shape).toEqual([2, 8]);
    expectClose(y.dataSync(), refConv1d(Array.from(x.dataSync()), [1, 3, 8], Array.from(w.dataSync()), [2, 3, 3], null, refOpts({ padding: 1 }, 1)).data, t, t);
  });
});

// ---- gradients ------------------------------------------------------------------------------

const GRAD_2D: Case[] = [
  ['plain with bias', [2, 2, 4, 4], [3, 2, 3, 3], true, {}],
  ['stride 2 padding 1', [1, 2, 5, 5], [2, 2, 3, 3], true, { stride: 2, padding: 1 }],
  ['dilation 2 padding 2 non-square', [1, 2, 5, 6], [2, 2, 2, 3], true, { dilation: 2, padding: [2, 1] }],
  ['groups 2 stride (1,2)', [2, 4, 4, 5], [4, 2, 2, 2], true, { groups: 2, stride: [1, 2], padding: 1 }],
  ["'same' even kernel, no bias", [1, 2, 4, 4], [2, 2, 2, 3], false, { padding: 'same' }],
];
const GRAD_1D: Case[] = [
  ['plain with bias', [2, 2, 6], [3, 2, 3], true, {}],
  ['groups 2 dilation 2 stride 2', [1, 4, 9], [4, 2, 2], true, { groups: 2, dilation: 2, stride: 2, padding: 1 }],
  ["'same'", [1, 3, 5], [2, 3, 4], true, { padding: 'same' }],
];

describeEachBackend('conv gradcheck (float64: input, weight, bias; or float32 vs cpu)', (b) => {
  for (const [nsp, cases] of [[2, GRAD_2D], [1, GRAD_1D]] as const) {
    for (const [label, xs, ws, bias, opts] of cases) {
      it(`conv${nsp}d ${label}`, () => {
        const f = nsp === 2 ? conv2d : conv1d;
        expectGradcheck(b, (dtype) => {
          const inputs = [tf(`g${label}x`, xs, dtype, true), tf(`g${label}w`, ws, dtype, true)];
          if (bias) inputs.push(tf(`g${label}b`, [ws[0]], dtype, true));
          return { fn: (x, w, bb) => f(x, w, bb ?? null, opts), inputs };
        });
      });
    }
  }
  it('conv2d unbatched input', () => {
    expectGradcheck(b, (dtype) => ({ fn: (x, w) => conv2d(x, w, null, { padding: 1 }), inputs: [tf('gux', [2, 3, 3], dtype, true), tf('guw', [2, 2, 2, 2], dtype, true)] }));
  });
  it('second order: gradient of the input gradient (im2col/col2im are each other\'s backward)', () => {
    expectGradcheck(b, (dtype) => {
      const w = tf('g2w', [2, 2, 2, 2], dtype);
      // f(x) = <d/dx sum(conv(x)^2), x>; gradcheck's finite differences run f on plain tensors
      const f = (x: Tensor): Tensor => enableGrad(() => {
        const xr = x.requiresGrad ? x : x.detach().requiresGrad_(true);
        const y = conv2d(xr, w, null, { padding: 1 }).pow(2).sum();
        return gradOf(y, xr).mul(xr).sum();
      });
      return { fn: (x) => f(x), inputs: [tf('g2x', [1, 2, 3, 3], dtype, true)] };
    });
  });
  it('im2col and col2im are adjoint: <im2col(x), c> = <x, col2im(c)>', () => {
    const dtype = b.float64 ? 'float64' : 'float32';
    const g: Window2d = { n: 2, c: 3, h: 5, w: 6, kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 1, dh: 1, dw: 2, oh: 3, ow: 5 };
    const x = tf('adjx', [2, 3, 5, 6], dtype), c = tf('adjc', [2, 18, 15], dtype);
    const lhs = im2col(x, g).mul(c).sum().item(), rhs = x.mul(col2im(c, g)).sum().item();
    expect(Math.abs(lhs - rhs)).toBeLessThan(b.float64 ? 1e-12 : b.tol * Math.max(1, Math.abs(rhs)));
  });
});

function gradOf(y: Tensor, x: Tensor): Tensor {
  return grad(y, x, { createGraph: true })[0];
}

// ---- modules ----------------------------------------------------------------------------------

describe('Conv1d / Conv2d modules', () => {
  it('Conv2d registers weight (outC, inC/groups, kH, kW) and bias under PyTorch keys', () => {
    const m = new Conv2d(4, 6, [3, 2], { groups: 2, padding: 1 });
    expect(m.namedParameters().map(([k, p]) => [k, p.shape])).toEqual([['weight', [6, 2, 3, 2]], ['bias', [6]]]);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    expect(m.kernelSize).toEqual([3, 2]);
    expect(m.forward(tensor(new Float32Array(2 * 4 * 5 * 5), { shape: [2, 4, 5, 5] })).shape).toEqual([2, 6, 5, 6]);
    expect(new Conv2d(3, 4, 3, { bias: false }).bias).toBeNull();
    expect(new Conv2d(3, 4, 3, { bias: false }).parameters().length).toBe(1);
  });
  it('forward equals functional conv2d with the module parameters', () => {
    const m = new Conv2d(3, 5, 3, { stride: 2, padding: 'valid', dilation: 1, dtype: 'float64' });
    const x = t64('mx', [2, 3, 7, 7]);
    expectClose(m.forward(x).dataSync(), conv2d(x, m.weight, m.bias, { stride: 2 }).dataSync(), 0, 0);
    expect(m.weight.dtype).toBe('float64');
  });
  it('default init: weight and bias within ±1/sqrt(fanIn), spread over the range (kaiming-uniform a=sqrt(5))', () => {
    manualSeed(7);
    const m = new Conv2d(8, 32, 5, { groups: 2 }); // fanIn = 8/2 * 25 = 100 -> bound 0.1
    const w = Array.from(m.weight.dataSync()), b = Array.from(m.bias!.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.099);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.05);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(variance).toBeCloseTo(0.01 / 3, 3); // U(-a, a) has variance a^2 / 3
    const c1 = new Conv1d(3, 4, 7); // fanIn = 21
    expect(Math.max(...Array.from(c1.weight.dataSync()).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(21));
  });
  it('resetParameters redraws from the seeded generator', () => {
    manualSeed(3);
    const m = new Conv1d(2, 3, 3);
    const first = Array.from(m.weight.dataSync());
    manualSeed(3);
    m.resetParameters();
    expect(Array.from(m.weight.dataSync())).toEqual(first);
  });
  it('Conv1d forward and gradients flow to its parameters', () => {
    const m = new Conv1d(2, 3, 3, { padding: 'same', dtype: 'float64' });
    const y = m.forward(t64('c1x', [4, 2, 6]));
    expect(y.shape).toEqual([4, 3, 6]);
    y.sum().backward();
    expect(m.weight.grad!.shape).toEqual([3, 2, 3]);
    // d(sum y)/d b[o] = number of output positions = 4 * 6
    expect(Array.from(m.bias!.grad!.dataSync())).toEqual([24, 24, 24]);
  });
});

// ---- errors -----------------------------------------------------------------------------------

describe('conv errors', () => {
  const x = tensor(new Float32Array(2 * 3 * 5 * 5), { shape: [2, 3, 5, 5] });
  const w = (shape: number[]): Tensor => tensor(new Float32Array(numel(shape)), { shape });
  it('input channels vs weight', () => {
    expect(() => conv2d(x, w([2, 4, 3, 3]))).toThrow('conv2d: input has 3 channels, weight expects 4');
    expect(() => conv2d(tensor(new Float32Array(2 * 4 * 5 * 5), { shape: [2, 4, 5, 5] }), w([4, 1, 3, 3]), null, { groups: 2 }))
      .toThrow('conv2d: input has 4 channels, weight expects 2 (1 per group x 2 groups)');
    expect(() => conv1d(tensor(new Float32Array(12), { shape: [1, 3, 4] }), w([2, 2, 3]))).toThrow('conv1d: input has 3 channels, weight expects 2');
  });
  it('groups not dividing channels', () => {
    expect(() => conv2d(x, w([4, 1, 3, 3]), null, { groups: 2 })).toThrow('conv2d: input channels 3 are not divisible by groups 2');
    expect(() => conv2d(x, w([4, 1, 3, 3]), null, { groups: 3 })).toThrow('conv2d: out channels 4 (weight [4,1,3,3]) are not divisible by groups 3');
    expect(() => conv2d(x, w([3, 1, 3, 3]), null, { groups: 0 })).toThrow('conv2d: groups must be a positive integer, got 0');
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow('Conv2d: outChannels 6 must be divisible by groups 4');
    expect(() => new Conv2d(3, 6, 3, { groups: 2 })).toThrow('Conv2d: inChannels 3 must be divisible by groups 2');
  });
  it('kernel larger than the padded input', () => {
    expect(() => conv2d(x, w([2, 3, 6, 6]))).toThrow('conv2d: kernel 6x6 is larger than the padded input 5x5');
    expect(() => conv2d(x, w([2, 3, 3, 3]), null, { dilation: 3 })).toThrow('conv2d: kernel 3x3 (dilated 7x7) is larger than the padded input 5x5');
    expect(() => conv1d(tensor(new Float32Array(12), { shape: [1, 3, 4] }), w([2, 3, 5]))).toThrow('conv1d: kernel 5 is larger than the padded input 4');
  });
  it('wrong ndim of input or weight', () => {
    expect(() => conv2d(w([5, 5]), w([2, 3, 3, 3]))).toThrow('conv2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [5,5]');
    expect(() => conv2d(x, w([2, 3, 3]))).toThrow('conv2d: weight must be 4-D (outC, inC/groups, kH, kW), got shape [2,3,3]');
    expect(() => conv1d(x, w([2, 3, 3]))).toThrow('conv1d: expected a 2-D (unbatched) or 3-D (batched) input, got shape [2,3,5,5]');
    expect(() => conv1d(w([1, 3, 5]), w([2, 3, 3, 3]))).toThrow('conv1d: weight must be 3-D (outC, inC/groups, k), got shape [2,3,3,3]');
  });
  it('bad stride / padding / dilation values and bias shape', () => {
    const k = w([2, 3, 3, 3]);
    expect(() => conv2d(x, k, null, { stride: 0 })).toThrow('conv2d: stride must be a positive integer or a list of 2 of them, got 0');
    expect(() => conv2d(x, k, null, { stride: [1, 2, 3] })).toThrow('conv2d: stride must be a positive integer or a list of 2 of them, got [1,2,3]');
    expect(() => conv2d(x, k, null, { padding: -1 })).toThrow('conv2d: padding must be a non-negative integer or a list of 2 of them, got -1');
    expect(() => conv2d(x, k, null, { padding: 1.5 })).toThrow('conv2d: padding must be a non-negative integer');
    expect(() => conv2d(x, k, null, { padding: 'full' as 'same' })).toThrow("conv2d: padding must be 'same', 'valid' or integers, got 'full'");
    expect(() => conv2d(x, k, null, { dilation: [1, 0] })).toThrow('conv2d: dilation must be a positive integer or a list of 2 of them, got [1,0]');
    expect(() => conv2d(x, k, null, { padding: 'same', stride: 2 })).toThrow("conv2d: padding='same' is not supported for strided convolutions (stride [2,2])");
    expect(() => conv1d(w([1, 3, 5]), w([2, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow("conv1d: padding='same' is not supported for strided convolutions (stride [2])");
    expect(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow("Conv2d: padding='same' is not supported for strided convolutions (stride [2,2])");
    expect(() => new Conv2d(3, 4, 0)).toThrow('Conv2d: kernelSize must be a positive integer or a list of 2 of them, got 0');
    expect(() => conv2d(x, k, w([3]))).toThrow('conv2d: bias [3] must have shape [2] to match weight [2,3,3,3]');
  });
  it('dtype mismatches and integer input', () => {
    expect(() => conv2d(x.double(), w([2, 3, 3, 3]))).toThrow('conv2d: input dtype float64 and weight dtype float32 differ');
    expect(() => conv2d(x.int(), w([2, 3, 3, 3]).int())).toThrow('conv2d: input must be float32 or float64, got int32');
  });
  it('input, weight and bias on different backends', () => {
    const xc = onCpu(() => tensor(new Float32Array(2 * 3 * 5 * 5), { shape: [2, 3, 5, 5] })); // x is on the default backend
    for (const b of BACKENDS.filter((c) => c.backend !== 'cpu')) {
      const k = onBackend(b, () => w([2, 3, 3, 3]));
      expect(() => conv2d(xc, k)).toThrow(`conv2d: input is on backend 'cpu' but weight is on '${k.backend}'; move one with .toBackend()`);
      const bias = onBackend(b, () => w([2]));
      expect(() => conv2d(xc, onCpu(() => w([2, 3, 3, 3])), bias)).toThrow(`conv2d: input is on backend 'cpu' but bias is on '${bias.backend}'`);
    }
  });
});
