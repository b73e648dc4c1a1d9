// creation.ts — making tensors: tensor() from numbers, nested arrays or typed arrays, and
// zeros/ones/full/arange/linspace/eye/rand/randn/randint/randperm and the *Like variants.
// Every creation op takes {dtype, requiresGrad} as its last argument (float32 by default).
// Reference: torch.tensor, torch.zeros, torch.arange (end exclusive), torch.linspace.

import type { DType, TypedArray } from './dtype.js';
import { allocTyped, dtypeOfTyped, isDType, isFloating } from './dtype.js';
import { checkShape, fmt, numel } from './shape.js';
import { fromHost, Tensor, type NestedArray } from './tensor.js';
import { fillNormal, fillUniform, permutation, random as randomUniform, randomInt } from './random.js';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /**
   * Make the tensor on this tensor's backend, and with its dtype unless `dtype` is given (as
   * PyTorch's `x.new_zeros(...)` / `device=x.device`). Without it: the current backend.
   */
  like?: Tensor;
}
export interface TensorOptions extends CreateOptions {
  /** Shape for typed-array data (defaults to 1-D). */
  shape?: number[];
}

/** The tensor of host `values` on the backend the options ask for, requiring grad if asked. */
function make(op: string, values: TypedArray, shape: number[], dtype: DType, opts: CreateOptions): Tensor {
  if (opts.like !== undefined && !(opts.like instanceof Tensor)) throw new Error(`${op}: option like must be a Tensor, got ${typeof opts.like}`);
  const t = fromHost(values, shape, dtype, opts.like);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The dtype asked for: opts.dtype, else the `like` tensor's, else `fallback`. */
function dtypeOf(op: string, opts: CreateOptions, fallback: DType): DType {
  return checkDType(op, opts.dtype ?? opts.like?.dtype ?? fallback);
}

function checkDType(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new Error(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  return dtype;
}

/** Flattens a nested array, checking that it is rectangular; returns [values, shape, allBool]. */
function flattenNested(data: NestedArray): [number[], number[], boolean] {
  const shape: number[] = [];
  for (let d: NestedArray = data; Array.isArray(d); d = d[0]) {
    shape.push(d.length);
    if (d.length === 0) break;
  }
  const values: number[] = [];
  let allBool = true;
  const walk = (x: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(x)) throw new Error(`tensor: ragged nested array at ${path || 'top'}: expected a number, got an array`);
      if (typeof x !== 'number' && typeof x !== 'boolean') throw new Error(`tensor: element at ${path} is ${typeof x}, expected a number or boolean`);
      if (typeof x !== 'boolean') allBool = false;
      values.push(Number(x));
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array at ${path || 'top'}: expected length ${shape[depth]}, got ${Array.isArray(x) ? x.length : typeof x}`);
    }
    x.forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, '');
  return [values, shape, allBool && values.length > 0];
}

function fromNumbers(values: ArrayLike<number>, shape: number[], dtype: DType, opts: CreateOptions): Tensor {
  const arr = allocTyped(dtype, values.length);
  if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new Error(`tensor: value ${v} at flat index ${i} is not a valid int32`);
      arr[i] = v;
    }
  } else if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) arr[i] = values[i] ? 1 : 0;
  } else arr.set(values);
  return make('tensor', arr, shape, dtype, opts);
}

/**
 * Creates a tensor from a number (0-d), nested arrays, or a typed array (with `shape`).
 * Data is copied. Numbers default to float32, booleans to bool, typed arrays to their own dtype.
 */
export function tensor(data: NestedArray | TypedArray | ArrayLike<number>, opts: TensorOptions = {}): Tensor {
  let t: Tensor;
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const dtype = dtypeOf('tensor', opts, dtypeOfTyped(typed));
    const shape = checkShape('tensor', opts.shape ?? [typed.length]);
    if (numel(shape) !== typed.length) throw new Error(`tensor: shape ${fmt(shape)} needs ${numel(shape)} values, got a typed array of ${typed.length}`);
    t = fromNumbers(typed, shape, dtype, opts);
  } else if (typeof data === 'number' || typeof data === 'boolean' || Array.isArray(data)) {
    const [values, shape, allBool] = flattenNested(data as NestedArray);
    const dtype = dtypeOf('tensor', opts, allBool ? 'bool' : 'float32');
    const target = opts.shape ? checkShape('tensor', opts.shape) : shape;
    if (numel(target) !== values.length) throw new Error(`tensor: shape ${fmt(target)} needs ${numel(target)} values, got ${values.length}`);
    t = fromNumbers(values, target, dtype, opts);
  } else {
    throw new Error(`tensor: cannot make a tensor from ${data === null ? 'null' : typeof data}`);
  }
  return t;
}

export function full(shape: number[], value: number, opts: CreateOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}
/** full() under the name of the op the user called, for its error messages. */
function filled(op: string, shape: number[], value: number, opts: CreateOptions): Tensor {
  const s = checkShape(op, shape);
  const dtype = dtypeOf(op, opts, 'float32');
  const arr = allocTyped(dtype, numel(s));
  if (value !== 0) arr.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return make(op, arr, s, dtype, opts);
}
export const zeros = (shape: number[], opts: CreateOptions = {}): Tensor => filled('zeros', shape, 0, opts);
export const ones = (shape: number[], opts: CreateOptions = {}): Tensor => filled('ones', shape, 1, opts);
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled('zerosLike', t.shape, 0, { like: t, ...opts });
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled('onesLike', t.shape, 1, { like: t, ...opts });
export const fullLike = (t: Tensor, v: number, opts: CreateOptions = {}): Tensor => filled('fullLike', t.shape, v, { like: t, ...opts });

/** [start, end) in steps of `step`; arange(n) = [0, n). Last argument may be options. */
export function arange(start: number, end?: number | CreateOptions, step?: number | CreateOptions, opts?: CreateOptions): Tensor {
  let o: CreateOptions = opts ?? {};
  if (typeof end === 'object') { o = end; end = undefined; }
  if (typeof step === 'object') { o = step; step = undefined; }
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  const st = step ?? 1;
  if (st === 0 || !Number.isFinite(st)) throw new Error(`arange: step must be a non-zero finite number, got ${st}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`arange: start and end must be finite, got ${lo} and ${hi}`);
  const [n] = checkShape('arange', [Math.max(0, Math.ceil((hi - lo) / st))]);
  const dtype = dtypeOf('arange', o, 'float32');
  const arr = allocTyped(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = lo + i * st;
  return make('arange', arr, [n], dtype, o);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkShape('linspace', [steps]);
  const dtype = dtypeOf('linspace', opts, 'float32');
  const arr = allocTyped(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill symmetrically from both ends, as PyTorch, so the last value is exactly `end`
  for (let i = 0; i < steps; i++) arr[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return make('linspace', arr, [steps], dtype, opts);
}

/** n x m identity (m defaults to n). */
export function eye(n: number, m?: number | CreateOptions, opts: CreateOptions = {}): Tensor {
  if (typeof m === 'object') { opts = m; m = undefined; }
  const cols = m ?? n;
  checkShape('eye', [n, cols]);
  const dtype = dtypeOf('eye', opts, 'float32');
  const arr = allocTyped(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) arr[i * cols + i] = 1;
  return make('eye', arr, [n, cols], dtype, opts);
}

function floatDType(op: string, opts: CreateOptions): DType {
  const dtype = dtypeOf(op, opts, 'float32');
  if (!isFloating(dtype)) throw new Error(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** U[0, 1) samples from the global generator (see manualSeed). */
export function rand(shape: number[], opts: CreateOptions = {}): Tensor {
  const s = checkShape('rand', shape);
  const arr = new Float64Array(numel(s));
  fillUniform(arr);
  const dtype = floatDType('rand', opts);
  // a double just below 1 rounds to 1 in float32: keep those at the largest float32 below 1
  const f32 = (u: number): number => Math.min(Math.fround(u), 1 - 2 ** -24);
  return make('rand', dtype === 'float64' ? arr : Float32Array.from(arr, f32), s, dtype, opts);
}

/** N(0, 1) samples from the global generator. */
export function randn(shape: number[], opts: CreateOptions = {}): Tensor {
  const s = checkShape('randn', shape);
  const arr = new Float64Array(numel(s));
  fillNormal(arr);
  const dtype = floatDType('randn', opts);
  return make('randn', dtype === 'float64' ? arr : Float32Array.from(arr), s, dtype, opts);
}

/** Uniform integers in [low, high) as int32 (or the given dtype). */
export function randint(low: number, high: number, shape: number[], opts: CreateOptions = {}): Tensor {
  const s = checkShape('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new Error(`randint: need integers low < high, got low=${low}, high=${high}`);
  const dtype = checkDType('randint', opts.dtype ?? 'int32');
  const arr = allocTyped(dtype, numel(s));
  for (let i = 0; i < arr.length; i++) arr[i] = randomInt(low, high);
  return make('randint', arr, s, dtype, opts);
}

/** A random permutation of 0..n-1 as int32. */
export function randperm(n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a non-negative integer, got ${n}`);
  checkShape('randperm', [n]);
  return make('randperm', permutation(n), [n], 'int32', opts);
}

/**
 * Draws `numSamples` category indices per row of non-negative weights `probs` (1-D (C) or
 * 2-D (N, C); rows need not sum to 1), as torch.multinomial. Without replacement each index is
 * drawn at most once per row. Returns int32 (numSamples) or (N, numSamples).
 */
export function multinomial(probs: Tensor, numSamples: number, opts: { replacement?: boolean } = {}): Tensor {
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new Error(`multinomial: probs must be 1-D or 2-D, got shape ${fmt(probs.shape)}`);
  const C = probs.shape[probs.ndim - 1], N = probs.ndim === 2 ? probs.shape[0] : 1;
  const replacement = opts.replacement ?? false;
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  if (!replacement && numSamples > C) throw new Error(`multinomial: cannot draw ${numSamples} samples from ${C} categories without replacement`);
  const w = probs.dataSync();
  const out = new Int32Array(N * numSamples);
  for (let r = 0; r < N; r++) {
    const row = Array.from(w.subarray(r * C, (r + 1) * C));
    if (row.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new Error(`multinomial: row ${r} has a negative, infinite or NaN weight`);
    for (let s = 0; s < numSamples; s++) {
      const total = row.reduce((a, b) => a + b, 0);
      if (total <= 0) throw new Error(`multinomial: row ${r} has no positive weight left to sample`);
      let u = randomUniform() * total, i = 0;
      while (i < C - 1 && (u >= row[i] || row[i] === 0)) { u -= row[i]; i++; }
      out[r * numSamples + s] = i;
      if (!replacement) row[i] = 0;
    }
  }
  return fromHost(out, probs.ndim === 2 ? [N, numSamples] : [numSamples], 'int32', probs);
}
