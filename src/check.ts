// check.ts — the one home for argument checks used across the library (layers, optimizers,
// schedulers, nlp). Each throws a plain Error whose message starts with the op the user called
// and names the offending value: `Adam: invalid eps -1 (must be >= 0)`.
// Shape checks (dims, sizes) live in tensor/shape.ts; dtype checks next to the dtypes.

import { fmt } from './tensor/shape.js';

/** How a value is shown in a message: arrays as [a, b], strings quoted, objects by kind. */
export function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name === 'Tensor' ? 'a Tensor' : 'an object';
  return String(value);
}

/** Throws `${op}: invalid ${option} ${value} (${rule})` unless ok. */
export function check(op: string, ok: boolean, option: string, value: unknown, rule: string): void {
  if (!ok) throw new Error(`${op}: invalid ${option} ${show(value)} (${rule})`);
}

/** A finite number >= 0 (NaN and Infinity fail). */
export function checkNonNegative(op: string, option: string, value: unknown): number {
  check(op, typeof value === 'number' && Number.isFinite(value) && value >= 0, option, value, 'must be a finite number >= 0');
  return value as number;
}

/** A finite number (NaN and ±Infinity fail). */
export function checkFinite(op: string, option: string, value: unknown): number {
  check(op, typeof value === 'number' && Number.isFinite(value), option, value, 'must be a finite number');
  return value as number;
}

/** An integer > 0. */
export function checkPositiveInt(op: string, option: string, value: unknown): number {
  check(op, typeof value === 'number' && Number.isInteger(value) && value > 0, option, value, 'must be a positive integer');
  return value as number;
}

/** A probability in [0, 1] (dropout rates, masking rates). */
export function checkProbability(op: string, option: string, value: unknown): number {
  check(op, typeof value === 'number' && value >= 0 && value <= 1, option, value, 'must be between 0 and 1');
  return value as number;
}

/** An options object whose keys are all in `allowed` (own keys only, so 'constructor' is caught too). */
export function checkKeys(op: string, options: unknown, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${op}: expected an options object, got ${show(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new Error(`${op}: unknown option '${k}' (options are ${allowed.join(', ')})`);
  }
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(op: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new Error(`${op}: ${option} must be ${allowed.map((a) => `'${a}'`).join(', ')}; got ${show(value)}`);
  }
  return value as T;
}

/**
 * A size argument given as one integer or a list of `n` integers (PyTorch's _pair), each >= min;
 * throws `${op}: ${name} must be a positive integer or a list of 2 of them, got …` otherwise.
 */
export function intTuple(op: string, name: string, v: unknown, n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : Array.isArray(v) ? v : null;
  const bound = min === 0 ? 'non-negative' : 'positive';
  if (!list || list.length !== n || !list.every((k) => typeof k === 'number' && Number.isInteger(k) && k >= min)) {
    throw new Error(`${op}: ${name} must be a ${bound} integer${n > 1 ? ` or a list of ${n} of them` : ''}, got ${Array.isArray(v) ? fmt(v) : String(v)}`);
  }
  return [...list];
}

/** Two tensors of one dtype (an input and the weights it meets). */
export function checkSameDtype(op: string, what: string, t: { dtype: string }, w: { dtype: string }, wName = 'the weights'): void {
  if (t.dtype !== w.dtype) throw new Error(`${op}: ${what} has dtype ${t.dtype}, but ${wName} ${wName.endsWith('s') ? 'are' : 'is'} ${w.dtype}`);
}
