// elementwise.ts — gpu.js kernels for copy/cast, unary and binary maps, where and clamp.
// CPU twins: copyKernel, unaryKernel, binaryKernel, whereKernel, clampKernel in
// src/backend/cpu/elementwise.ts. Operands arrive broadcast to the output's shape (stride 0
// on broadcast dims); one thread computes one output element.

import type { BinaryOp, UnaryOp } from '../src/backend/backend.js';
import type { DType } from '../src/tensor/dtype.js';
import { coordLines, indexExpr, lit, sig, type KernelSource } from './common.js';

// ---- helpers the kernels call (plain functions in gpu.js's JavaScript subset) -------------

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32's resolution near 1). */
function erf(x: number): number {
  const ax = Math.abs(x);
  const t = 1.0 / (1.0 + 0.3275911 * ax);
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const y = 1.0 - poly * Math.exp(-ax * ax);
  return x < 0.0 ? -y : y;
}

/** Math.pow with C's rule for a negative base: defined for integral exponents only. */
function powf(a: number, b: number): number {
  if (b === 0.0) return 1.0;
  if (a >= 0.0) return Math.pow(a, b);
  const r = Math.floor(b);
  if (r !== b) return 0.0 / 0.0;
  const m = Math.pow(-a, b);
  if (r - Math.floor(r / 2.0) * 2.0 > 0.5) return -m;
  return m;
}

/** Logistic function without overflow: e^v / (1 + e^v) for v < 0. */
function sigmoidf(v: number): number {
  if (v >= 0.0) return 1.0 / (1.0 + Math.exp(-v));
  const z = Math.exp(v);
  return z / (1.0 + z);
}

/** Round half to even, as torch.round. */
function roundEven(v: number): number {
  const r = Math.floor(v + 0.5);
  if (r - v === 0.5 && r - Math.floor(r / 2.0) * 2.0 > 0.5) return r - 1.0;
  return r;
}

/** tanh that saturates instead of overflowing exp. */
function tanhf(v: number): number {
  if (v > 10.0) return 1.0;
  if (v < -10.0) return -1.0;
  const e = Math.exp(2.0 * v);
  return (e - 1.0) / (e + 1.0);
}

/** Rounds toward zero, as storing into an Int32Array does. */
function truncf(v: number): number {
  if (v < 0.0) return Math.ceil(v);
  return Math.floor(v);
}

const HELPERS = [erf, powf, sigmoidf, roundEven, tanhf, truncf];

// ---- the maps, one expression each (CPU twin: unaryRow / binaryRow) ------------------------

const UNARY: Record<UnaryOp, (x: string) => string> = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `(${x} > 0.0 ? 1.0 : (${x} < 0.0 ? -1.0 : ${x}))`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tanh: (x) => `tanhf(${x})`,
  sigmoid: (x) => `sigmoidf(${x})`,
  relu: (x) => `(${x} > 0.0 ? ${x} : 0.0)`,
  erf: (x) => `erf(${x})`,
  reciprocal: (x) => `1.0 / ${x}`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
  round: (x) => `roundEven(${x})`,
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

/** The store into an output of `dtype`: int32 truncates, bool saturates to 0/1 (CPU: typed-array stores). */
export function castExpr(v: string, dtype: DType): string {
  if (dtype === 'int32') return `truncf(${v})`;
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
    return e;
  });
}
