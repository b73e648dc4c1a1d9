// elementwise.ts — CPU kernels for copy/cast, unary and binary maps, where and clamp.
// Each op is a plain loop over one row (see strided.ts); the switch on the op sits outside
// the loop. The math here is the reference the gpu.js kernels in kernels/ must match.
// Reference: the C99 <math.h> semantics behind JS Math.*; Abramowitz & Stegun 7.1.26 for erf.

import type { BinaryOp, UnaryOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { forEachRow } from './strided.js';

type Arr = TypedArray;

/** erf(x) to ~1e-15 via a Taylor series near 0 and a continued-fraction erfc tail. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x, sum = x;
    const x2 = x * x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz-free, fixed depth)
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export function copyKernel(x: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  const src = x.data;
  let o = 0;
  const toBool = dtype === 'bool';
  forEachRow(x.shape, [x.stride], [x.offset], (offs, n, inner) => {
    let i = offs[0];
    const s = inner[0];
    if (toBool) for (let j = 0; j < n; j++, i += s) out[o++] = src[i] !== 0 ? 1 : 0;
    else for (let j = 0; j < n; j++, i += s) out[o++] = src[i];
  });
  return out;
}

function unaryRow(op: UnaryOp, out: Arr, o: number, x: Arr, i: number, s: number, n: number): void {
  const e = o + n;
  switch (op) {
    case 'neg': for (; o < e; o++, i += s) out[o] = -x[i]; return;
    case 'exp': for (; o < e; o++, i += s) out[o] = Math.exp(x[i]); return;
    case 'log': for (; o < e; o++, i += s) out[o] = Math.log(x[i]); return;
    case 'sqrt': for (; o < e; o++, i += s) out[o] = Math.sqrt(x[i]); return;
    case 'abs': for (; o < e; o++, i += s) out[o] = Math.abs(x[i]); return;
    case 'sign': for (; o < e; o++, i += s) out[o] = Math.sign(x[i]); return;
    case 'sin': for (; o < e; o++, i += s) out[o] = Math.sin(x[i]); return;
    case 'cos': for (; o < e; o++, i += s) out[o] = Math.cos(x[i]); return;
    case 'tanh': for (; o < e; o++, i += s) out[o] = Math.tanh(x[i]); return;
    case 'sigmoid':
      // written so exp never overflows: for v<0 use e^v/(1+e^v)
      for (; o < e; o++, i += s) {
        const v = x[i];
        if (v >= 0) out[o] = 1 / (1 + Math.exp(-v));
        else { const z = Math.exp(v); out[o] = z / (1 + z); }
      }
      return;
    case 'relu': for (; o < e; o++, i += s) { const v = x[i]; out[o] = v > 0 ? v : 0; } return;
    case 'erf': for (; o < e; o++, i += s) out[o] = erf(x[i]); return;
    case 'reciprocal': for (; o < e; o++, i += s) out[o] = 1 / x[i]; return;
    case 'floor': for (; o < e; o++, i += s) out[o] = Math.floor(x[i]); return;
    case 'ceil': for (; o < e; o++, i += s) out[o] = Math.ceil(x[i]); return;
    // round half to even, as torch.round
    case 'round': for (; o < e; o++, i += s) { const v = x[i], r = Math.round(v); out[o] = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; } return;
    case 'logicalNot': for (; o < e; o++, i += s) out[o] = x[i] === 0 ? 1 : 0; return;
    case 'isnan': for (; o < e; o++, i += s) out[o] = x[i] !== x[i] ? 1 : 0; return;
  }
}

export function unaryKernel(op: UnaryOp, x: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  let o = 0;
  forEachRow(x.shape, [x.stride], [x.offset], (offs, n, inner) => {
    unaryRow(op, out, o, x.data, offs[0], inner[0], n);
    o += n;
  });
  return out;
}

function binaryRow(op: BinaryOp, out: Arr, o: number, a: Arr, i: number, sa: number, b: Arr, j: number, sb: number, n: number): void {
  const e = o + n;
  switch (op) {
    case 'add': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] + b[j]; return;
    case 'sub': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] - b[j]; return;
    case 'mul': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] * b[j]; return;
    case 'div': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] / b[j]; return;
    case 'pow': for (; o < e; o++, i += sa, j += sb) out[o] = Math.pow(a[i], b[j]); return;
    // maximum/minimum propagate NaN, as torch.maximum
    case 'maximum': for (; o < e; o++, i += sa, j += sb) { const p = a[i], q = b[j]; out[o] = p > q || p !== p ? p : q; } return;
    case 'minimum': for (; o < e; o++, i += sa, j += sb) { const p = a[i], q = b[j]; out[o] = p < q || p !== p ? p : q; } return;
    case 'eq': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] === b[j] ? 1 : 0; return;
    case 'ne': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] !== b[j] ? 1 : 0; return;
    case 'lt': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] < b[j] ? 1 : 0; return;
    case 'le': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] <= b[j] ? 1 : 0; return;
    case 'gt': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] > b[j] ? 1 : 0; return;
    case 'ge': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] >= b[j] ? 1 : 0; return;
    case 'logicalAnd': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] !== 0 && b[j] !== 0 ? 1 : 0; return;
    case 'logicalOr': for (; o < e; o++, i += sa, j += sb) out[o] = a[i] !== 0 || b[j] !== 0 ? 1 : 0; return;
  }
}

export function binaryKernel(op: BinaryOp, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(a.shape));
  let o = 0;
  forEachRow(a.shape, [a.stride, b.stride], [a.offset, b.offset], (offs, n, inner) => {
    binaryRow(op, out, o, a.data, offs[0], inner[0], b.data, offs[1], inner[1], n);
    o += n;
  });
  // bool arithmetic saturates (True + True = True), as PyTorch
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  return out;
}

export function whereKernel(cond: View<Arr>, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(a.shape));
  const c = cond.data, x = a.data, y = b.data;
  let o = 0;
  forEachRow(a.shape, [cond.stride, a.stride, b.stride], [cond.offset, a.offset, b.offset], (offs, n, inner) => {
    let p = offs[0], i = offs[1], j = offs[2];
    const sp = inner[0], si = inner[1], sj = inner[2];
    for (let e = o + n; o < e; o++, p += sp, i += si, j += sj) out[o] = c[p] !== 0 ? x[i] : y[j];
  });
  return out;
}

export function clampKernel(x: View<Arr>, lo: number | null, hi: number | null, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  const l = lo ?? -Infinity, h = hi ?? Infinity;
  let o = 0;
  forEachRow(x.shape, [x.stride], [x.offset], (offs, n, inner) => {
    let i = offs[0];
    const s = inner[0];
    for (let e = o + n; o < e; o++, i += s) {
      const v = x.data[i];
      out[o] = v < l ? l : v > h ? h : v; // NaN passes through
    }
  });
  return out;
}
