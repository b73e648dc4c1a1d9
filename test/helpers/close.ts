// close.ts — numeric comparison helpers for tests: nested arrays or typed arrays compared
// elementwise within atol + rtol * |expected|, with the first mismatch named in the failure.

import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

export type Nested = number | boolean | Nested[];

export function flat(x: Nested | ArrayLike<number>): number[] {
  if (typeof x === 'number' || typeof x === 'boolean') return [Number(x)];
  if (Array.isArray(x)) return (x as Nested[]).flatMap((v) => flat(v));
  return Array.from(x as ArrayLike<number>);
}

export function expectClose(actual: Tensor | Nested | ArrayLike<number>, expected: Nested | ArrayLike<number>, atol = 1e-5, rtol = 1e-5): void {
  const a = flat(isTensor(actual) ? (actual.toArray() as Nested) : actual);
  const e = flat(expected);
  expect(a.length, 'number of elements').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = (Number.isNaN(e[i]) && Number.isNaN(a[i])) || a[i] === e[i] || Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]);
    if (!ok) expect.fail(`element ${i}: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'dataSync' in x && 'shape' in x;
}
