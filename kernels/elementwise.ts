// elementwise.ts — gpu.js kernels for copy/cast, unary and binary maps, where and clamp.
// CPU twins: unaryKernel (its UNARY table), binaryKernel (BINARY), whereKernel, clampKernel in
// src/backend/cpu/elementwise.ts; copy's is copyStrided in src/backend/strided.ts. Operands
// arrive broadcast to the output's shape (stride 0 on broadcast dims); one thread computes one
// output element.

import type { BinaryOp, UnaryOp } from '../src/backend/backend.js';
import type { DType } from '../src/tensor/dtype.js';
import { coordLines, helper, indexExpr, lit, sig, type KernelSource } from './common.js';

// ---- helpers the kernels call: source text in gpu.js's JavaScript subset (see helper()) -----
// GLSL leaves log, sqrt and pow undefined outside their real domain (SwiftShader's log(0) is
// -88, its pow(0, 0.5) 7.7e-20), so these guard every special case the CPU's Math.* defines.

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32's resolution near 1). */
const ERF = helper(`function erf(x) {
  const ax = Math.abs(x);
  const t = 1.0 / (1.0 + 0.3275911 * ax);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const y = 1.0 - poly * Math.exp(-ax * ax);
  return x < 0.0 ? -y : y;
}`);

/**
 * Math.pow(a, b) with every rule of JS/C99 pow except the sign of a zero result: NaN in, NaN
 * out (but pow(NaN, 0) = 1); a negative base takes integral exponents only; integral |b| < 128
 * by square-and-multiply, exact where the result is an integer below 2^24 (GLSL's pow is
 * exp2(b log2 a), which gives 3^2 = 8.9999995 and truncates to 8 in int32).
 * `zero` is a run-time 0 (GLSL folds a constant 1.0 / 0.0 to 3.4e38).
 */
const POWF = helper(`function powf(a, b) {
  if (b === 0.0) return 1.0;
  if (a !== a || b !== b) return a + b;
  const m = Math.abs(a);
  const n = Math.abs(b);
  const zero = Math.min(m, 0.0);
  if (n > 3.4028234e38) {
    if (m === 1.0) return zero / zero;
    if (m > 1.0) return b > 0.0 ? 1.0 / zero : 0.0;
    return b > 0.0 ? 0.0 : 1.0 / zero;
  }
  if (Math.floor(n) !== n) {
    if (a > 0.0) return Math.pow(a, b);
    if (a === 0.0) return b > 0.0 ? 0.0 : 1.0 / zero;
    if (m > 3.4028234e38) return b > 0.0 ? 1.0 / zero : 0.0;
    return zero / zero;
  }
  let r = 1.0;
  if (n < 128.0) {
    let base = m;
    let e = n;
    for (let i = 0; i < 7; i++) {
      const half = Math.floor(e * 0.5);
      if (e - half * 2.0 > 0.5) r = r * base;
      base = base * base;
      e = half;
    }
  } else if (m === 0.0) {
    r = 0.0;
  } else {
    r = Math.pow(m, n);
  }
  if (a < 0.0 && n - Math.floor(n * 0.5) * 2.0 > 0.5) r = -r;
  if (b < 0.0) return 1.0 / r;
  return r;
}`);

/** Logistic function without overflow: e^v / (1 + e^v) for v < 0. */
const SIGMOIDF = helper(`function sigmoidf(v) {
  if (v >= 0.0) return 1.0 / (1.0 + Math.exp(-v));
  const z = Math.exp(v);
  return z / (1.0 + z);
}`);

/**
 * Round half to even, as torch.round, from floor and the exact fraction v - floor(v)
 * (floor(v + 0.5) would round 0.49999997 + 0.5 up to 1 in float32). -0.5 < v < 0 gives -0.
 */
const ROUND_HALF_EVEN = helper(`function roundHalfEven(v) {
  const r = Math.floor(v);
  const d = v - r;
  const up = d > 0.5 || (d === 0.5 && r - Math.floor(r * 0.5) * 2.0 > 0.5);
  if (!up) return r;
  if (r === -1.0) return v * 0.0;
  return r + 1.0;
}`);

/** tanh that saturates instead of overflowing exp. */
const TANHF = helper(`function tanhf(v) {
  if (v > 10.0) return 1.0;
  if (v < -10.0) return -1.0;
  const e = Math.exp(2.0 * v);
  return (e - 1.0) / (e + 1.0);
}`);

const HELPERS = [ERF, POWF, SIGMOIDF, ROUND_HALF_EVEN, TANHF];

// ---- the maps, one expression each (CPU twin: unaryRow / binaryRow) ------------------------

const UNARY: Record<UnaryOp, (x: string) => string> = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  // log(0) = -Infinity and NaN below 0, as Math.log; GLSL leaves both undefined
  log: (x) => `(${x} > 0.0 ? Math.log(${x}) : (${x} === 0.0 ? ${lit(-Infinity)} : ${lit(NaN)}))`,
  sqrt: (x) => `(${x} >= 0.0 ? Math.sqrt(${x}) : ${lit(NaN)})`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `(${x} > 0.0 ? 1.0 : (${x} < 0.0 ? -1.0 : ${x}))`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tanh: (x) => `tanhf(${x})`,
  sigmoid: (x) => `sigmoidf(${x})`,
  relu: (x) => `(${x} > 0.0 ? ${x} : 0.0)`,
  erf: (x) => `erf(${x})`,
  gelu: (x) => `(0.5 * ${x} * (1.0 + erf(${x} * 0.7071067811865476)))`, // x Φ(x), exact (erf) form
  reciprocal: (x) => `1.0 / ${x}`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
  round: (x) => `roundHalfEven(${x})`,
  logicalNot: (x) => `(${x} === 0.0 ? 1.0 : 0.0)`,
  isnan: (x) => `(${x} !== ${x} ? 1.0 : 0.0)`,
};

const BINARY: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `powf(${a}, ${b})`,
  // maximum/minimum propagate NaN, as torch.maximum
  maximum: (a, b) => `(${a} > ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  minimum: (a, b) => `(${a} < ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  eq: (a, b) => `(${a} === ${b} ? 1.0 : 0.0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1.0 : 0.0)`,
  lt: (a, b) => `(${a} < ${b} ? 1.0 : 0.0)`,
  le: (a, b) => `(${a} <= ${b} ? 1.0 : 0.0)`,
  gt: (a, b) => `(${a} > ${b} ? 1.0 : 0.0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1.0 : 0.0)`,
  logicalAnd: (a, b) => `(${a} !== 0.0 && ${b} !== 0.0 ? 1.0 : 0.0)`,
  logicalOr: (a, b) => `(${a} !== 0.0 || ${b} !== 0.0 ? 1.0 : 0.0)`,
};

/**
 * The store into an output of `dtype`: int32 truncates, bool saturates to 0/1 (CPU: typed-array
 * stores). Needs no helper (Math.trunc is native in every mode), so any kernel may use it.
 */
export function castExpr(v: string, dtype: DType): string {
  if (dtype === 'int32') return `Math.trunc(${v})`;
  if (dtype === 'bool') return `(${v} !== 0.0 ? 1.0 : 0.0)`;
  return v;
}

/**
 * A map over n operands of one (collapsed) shape: output[i] = body(x0[..], x1[..], ...).
 * Operand k is argument `x${k}` with offset argument `o${k}`.
 */
export function mapSource(name: string, shape: readonly number[], strides: readonly (readonly number[])[], dtype: DType, body: (xs: string[]) => string): KernelSource {
  const args = strides.flatMap((_, k) => [`x${k}`, `o${k}`]);
  const reads = strides.map((s, k) => `const v${k} = x${k}[${indexExpr(`o${k}`, s)}];`);
  const vals = strides.map((_, k) => `v${k}`);
  const source = `function (${args.join(', ')}) {
    ${coordLines(shape, 'this.thread.x')}
    ${reads.join('\n    ')}
    return ${castExpr(body(vals), dtype)};
  }`;
  return { key: `map:${name}:${dtype}:${sig(shape)}:${strides.map((s) => s.join(',')).join('|')}`, source, functions: HELPERS };
}

export const copySource = (shape: readonly number[], stride: readonly number[], dtype: DType): KernelSource =>
  mapSource('copy', shape, [stride], dtype, ([x]) => x);

export const unarySource = (op: UnaryOp, shape: readonly number[], stride: readonly number[], dtype: DType): KernelSource =>
  mapSource(op, shape, [stride], dtype, ([x]) => UNARY[op](x));

export const binarySource = (op: BinaryOp, shape: readonly number[], sa: readonly number[], sb: readonly number[], dtype: DType): KernelSource =>
  mapSource(op, shape, [sa, sb], dtype, ([a, b]) => BINARY[op](a, b));

/** where(cond, a, b); CPU twin whereKernel. Masked fill is where with a broadcast scalar. */
export const whereSource = (shape: readonly number[], sc: readonly number[], sa: readonly number[], sb: readonly number[], dtype: DType): KernelSource =>
  mapSource('where', shape, [sc, sa, sb], dtype, ([c, a, b]) => `(${c} !== 0.0 ? ${a} : ${b})`);

/** clamp(x, lo, hi), NaN passing through; CPU twin clampKernel. */
export function clampSource(shape: readonly number[], stride: readonly number[], lo: number | null, hi: number | null, dtype: DType): KernelSource {
  const name = `clamp(${lo},${hi})`;
  return mapSource(name, shape, [stride], dtype, ([x]) => {
    let e = x;
    if (hi !== null) e = `(${x} > ${lit(hi)} ? ${lit(hi)} : ${e})`;
    if (lo !== null) e = `(${x} < ${lit(lo)} ? ${lit(lo)} : ${e})`;
    // GL compilers turn the comparisons into min/max, which drop a NaN: test for it first
    return `(${x} !== ${x} ? ${x} : ${e})`;
  });
}
