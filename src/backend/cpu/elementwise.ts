// elementwise.ts — CPU kernels for unary and binary maps, where and clamp (copy/cast is
// copyStrided in ../strided.ts), and GELU's backward. Each op is a plain loop over one row (see
// ../strided.ts), one row loop per op in the UNARY and BINARY tables, which are
// Record<UnaryOp|BinaryOp, …> so the compiler proves every op has one. The math here is the reference kernels/elementwise.ts must
// match. Reference: the C99 <math.h> semantics behind JS Math.*; fdlibm s_erf.c for erf.

import type { BinaryOp, UnaryOp, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { forEachRow } from '../strided.js';

type Arr = TypedArray;

// erf by fdlibm's s_erf.c (Sun Microsystems 1993; also glibc's and musl's): rational fits on
// four intervals of |x|, under 1 ulp of a double, a dozen multiply-adds and at most two exp calls.

/**
 * erf(x) to within 1 ulp of a double, by |x|:
 *   [0, 0.84375)      x + x P(x²) / Q(x²)
 *   [0.84375, 1.25)   erx + P(|x| - 1) / Q(|x| - 1),  erx = erf(1) rounded to 27 bits
 *   [1.25, 6)         1 - exp(-x² - 0.5625 + R(1/x²) / S(1/x²)) / |x|   (two fits, split at 1/0.35)
 *   [6, inf]          1 (erfc(6) < 3e-17)
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    const z = x * x;
    const p = 1.28379167095512558561e-1 + z * (-3.25042107247001499370e-1 + z * (-2.84817495755985104766e-2 + z * (-5.77027029648944159157e-3 + z * -2.37630166566501626084e-5)));
    const q = 1 + z * (3.97917223959155352819e-1 + z * (6.50222499887672944485e-2 + z * (5.08130628187576562776e-3 + z * (1.32494738004321644526e-4 + z * -3.96022827877536812320e-6))));
    return x + x * (p / q);
  }
  const sign = x < 0 ? -1 : 1;
  if (ax < 1.25) {
    const s = ax - 1;
    const p = -2.36211856075265944077e-3 + s * (4.14856118683748331666e-1 + s * (-3.72207876035701323847e-1 + s * (3.18346619901161753674e-1 + s * (-1.10894694282396677476e-1 + s * (3.54783043256182359371e-2 + s * -2.16637559486879084300e-3)))));
    const q = 1 + s * (1.06420880400844228286e-1 + s * (5.40397917702171048937e-1 + s * (7.18286544141962662868e-2 + s * (1.26171219808761642112e-1 + s * (1.36370839120290507362e-2 + s * 1.19844998467991074170e-2)))));
    return sign * (8.45062911510467529297e-1 + p / q);
  }
  if (ax >= 6) return sign;
  const s = 1 / (ax * ax);
  let r: number, q: number;
  if (ax < 1 / 0.35) {
    r = -9.86494403484714822705e-3 + s * (-6.93858572707181764372e-1 + s * (-1.05586262253232909814e1 + s * (-6.23753324503260060396e1 + s * (-1.62396669462573470355e2 + s * (-1.84605092906711035994e2 + s * (-8.12874355063065934246e1 + s * -9.81432934416914548592e0))))));
    q = 1 + s * (1.96512716674392571292e1 + s * (1.37657754143519042600e2 + s * (4.34565877475229228821e2 + s * (6.45387271733267880336e2 + s * (4.29008140027567833386e2 + s * (1.08635005541779435134e2 + s * (6.57024977031928170135e0 + s * -6.04244152148580987438e-2)))))));
  } else {
    r = -9.86494292470009928597e-3 + s * (-7.99283237680523006574e-1 + s * (-1.77579549177547519889e1 + s * (-1.60636384855821916062e2 + s * (-6.37566443368389627722e2 + s * (-1.02509513161107724954e3 + s * -4.83519191608651397019e2)))));
    q = 1 + s * (3.03380607434824582924e1 + s * (3.25792512996573918826e2 + s * (1.53672958608443695994e3 + s * (3.19985821950859553908e3 + s * (2.55305040643316442583e3 + s * (4.74528541206955367215e2 + s * -2.24409524465858183362e1))))));
  }
  // exp(-x²) as exp(-z²) exp((z - x)(z + x)) with z = x rounded to 24 bits, so that z² is exact
  const z = Math.fround(ax);
  const erfc = (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q)) / ax;
  return sign * (1 - erfc); // NaN stays NaN
}

/** out[o .. o+n) = f(x[i], x[i+s], ...): one op's loop over one row. */
type UnaryRow = (out: Arr, o: number, x: Arr, i: number, s: number, n: number) => void;

export const UNARY: Record<UnaryOp, UnaryRow> = {
  neg: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = -x[i]; },
  exp: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.exp(x[i]); },
  log: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.log(x[i]); },
  sqrt: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.sqrt(x[i]); },
  abs: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.abs(x[i]); },
  sign: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.sign(x[i]); },
  sin: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.sin(x[i]); },
  cos: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.cos(x[i]); },
  tanh: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.tanh(x[i]); },
  // written so exp never overflows: for v < 0 use e^v / (1 + e^v)
  sigmoid: (out, o, x, i, s, n) => {
    for (const e = o + n; o < e; o++, i += s) {
      const v = x[i];
      if (v >= 0) out[o] = 1 / (1 + Math.exp(-v));
      else { const z = Math.exp(v); out[o] = z / (1 + z); }
    }
  },
  relu: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) { const v = x[i]; out[o] = v > 0 ? v : 0; } },
  erf: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = erf(x[i]); },
  // exact GELU: x Φ(x) = x/2 (1 + erf(x / √2))
  gelu: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) { const v = x[i]; out[o] = 0.5 * v * (1 + erf(v * Math.SQRT1_2)); } },
  reciprocal: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = 1 / x[i]; },
  floor: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.floor(x[i]); },
  ceil: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = Math.ceil(x[i]); },
  // round half to even, as torch.round
  round: (out, o, x, i, s, n) => {
    for (const e = o + n; o < e; o++, i += s) { const v = x[i], r = Math.round(v); out[o] = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }
  },
  logicalNot: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = x[i] === 0 ? 1 : 0; },
  isnan: (out, o, x, i, s, n) => { for (const e = o + n; o < e; o++, i += s) out[o] = x[i] !== x[i] ? 1 : 0; },
};

export function unaryKernel(op: UnaryOp, x: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  const row = UNARY[op];
  let o = 0;
  forEachRow(x.shape, [x.stride], [x.offset], (offs, n, inner) => {
    row(out, o, x.data, offs[0], inner[0], n);
    o += n;
  });
  return out;
}

// y = x Φ(x)   dx = dy (Φ(x) + x φ(x)),  Φ(x) = (1 + erf(x / √2)) / 2,  φ(x) = exp(-x² / 2) / √(2π)
export function geluBackwardKernel(x: View<Arr>, dy: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(x.shape));
  const invSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
  let o = 0;
  forEachRow(x.shape, [x.stride, dy.stride], [x.offset, dy.offset], (offs, n, inner) => {
    for (let j = 0, i = offs[0], k = offs[1]; j < n; j++, i += inner[0], k += inner[1]) {
      const v = x.data[i];
      const cdf = 0.5 * (1 + erf(v * Math.SQRT1_2)), pdf = Math.exp(-0.5 * v * v) * invSqrt2Pi;
      out[o++] = dy.data[k] * (cdf + v * pdf);
    }
  });
  return out;
}

/** out[o .. o+n) = f(a[i], b[j]), stepping i by sa and j by sb: one op's loop over one row. */
type BinaryRow = (out: Arr, o: number, a: Arr, i: number, sa: number, b: Arr, j: number, sb: number, n: number) => void;

export const BINARY: Record<BinaryOp, BinaryRow> = {
  add: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] + b[j]; },
  sub: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] - b[j]; },
  mul: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] * b[j]; },
  div: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] / b[j]; },
  pow: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = Math.pow(a[i], b[j]); },
  // maximum/minimum propagate NaN, as torch.maximum
  maximum: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) { const p = a[i], q = b[j]; out[o] = p > q || p !== p ? p : q; } },
  minimum: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) { const p = a[i], q = b[j]; out[o] = p < q || p !== p ? p : q; } },
  eq: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] === b[j] ? 1 : 0; },
  ne: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] !== b[j] ? 1 : 0; },
  lt: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] < b[j] ? 1 : 0; },
  le: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] <= b[j] ? 1 : 0; },
  gt: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] > b[j] ? 1 : 0; },
  ge: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] >= b[j] ? 1 : 0; },
  logicalAnd: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] !== 0 && b[j] !== 0 ? 1 : 0; },
  logicalOr: (out, o, a, i, sa, b, j, sb, n) => { for (const e = o + n; o < e; o++, i += sa, j += sb) out[o] = a[i] !== 0 || b[j] !== 0 ? 1 : 0; },
};

export function binaryKernel(op: BinaryOp, a: View<Arr>, b: View<Arr>, dtype: DType): Arr {
  const out = allocTyped(dtype, numel(a.shape));
  const row = BINARY[op];
  let o = 0;
  forEachRow(a.shape, [a.stride, b.stride], [a.offset, b.offset], (offs, n, inner) => {
    row(out, o, a.data, offs[0], inner[0], b.data, offs[1], inner[1], n);
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
