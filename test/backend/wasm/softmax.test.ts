// softmax.test.ts — the wasm backend's float32 softmax and log-softmax (kernels/wasm/softmax.ts)
// against the CPU reference, within 1e-6: along the last axis (contiguous lanes, SIMD tails) and
// along others (lanes gathered through scratch), on permuted and step-sliced inputs, large inputs
// threaded by size alone with the same bits on 1 and 2 threads, and lanes holding NaN or ±inf.

import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { values, type Layout } from '../gpujs/kit.js';
import { expectClose } from '../../helpers/close.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm } from './pairs.js';

type Arr = TypedArray;

/** Softmax values within 1e-6 (relative) of the cpu's; NaN and ±inf where the cpu has them. */
const expectSoftmax = (got: Arr, want: Arr): void => expectClose(got, want, 1e-9, 1e-6);

const CASES: [number[], number, Layout][] = [
  [[6, 37], 1, 'contiguous'],
  [[6, 37], 0, 'contiguous'],
  [[3, 5, 7], 1, 'contiguous'],
  [[3, 5, 7], 2, 'permuted'],
  [[3, 5, 7], 0, 'strided'],
  [[4, 9], 1, 'broadcast'],
  [[5, 1], 1, 'contiguous'],
  [[2, 3], 1, 'contiguous'],
];

describe.each(CASES)('wasm softmax %j along %i (%s)', (shape, axis, layout) => {
  const x = viewPair('float32', shape, layout, values(numel(shape), 31).map((v) => 4 * v));
  for (const [name, threads, split] of THREAD_CASES) {
    it(`softmax and log-softmax as cpu (${name})`, () => {
      for (const log of [false, true]) {
        const { result, calls } = onThreads(threads, split, () => wasm.softmax(x.w, axis, log, 'float32'));
        expect(calls.map(([k]) => k)).toEqual(['softmaxF32']);
        expectSoftmax(result, cpu.softmax(x.c, axis, log, 'float32'));
      }
    });
  }
});

describe('wasm softmax: large inputs and special values', () => {
  it('(512, 2051) along each axis: threaded by size alone, the same bits on 1 and 2 threads', () => {
    const x = viewPair('float32', [512, 2051], 'contiguous', values(512 * 2051, 32).map((v) => 8 * v));
    for (const axis of [1, 0]) {
      for (const log of [false, true]) {
        const two = onThreads(2, false, () => wasm.softmax(x.w, axis, log, 'float32'));
        expect(two.calls).toEqual([['softmaxF32', 2]]);
        expectBits(onThreads(1, false, () => wasm.softmax(x.w, axis, log, 'float32')).result, two.result, `axis ${axis} log ${log}`);
        expectSoftmax(two.result, cpu.softmax(x.c, axis, log, 'float32'));
      }
    }
  });

  it('lanes with NaN, -inf, +inf and large logits, as the cpu (NaN for an all -inf lane)', () => {
    const lanes = [
      [1, NaN, 3, 4, 5], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity], [0, -Infinity, 1, -Infinity, 2],
      [Infinity, 1, 2, 3, 4], [1000, 1001, 1002, -1000, 999], [-1e30, 0, 1e-30, 5, -5],
    ];
    const x = viewPair('float32', [6, 5], 'contiguous', lanes.flat());
    for (const log of [false, true]) {
      for (const [name, threads, split] of THREAD_CASES) {
        const got = onThreads(threads, split, () => wasm.softmax(x.w, 1, log, 'float32')).result;
        expectSoftmax(got, cpu.softmax(x.c, 1, log, 'float32'));
        expect(Array.from(got.slice(5, 10)), name).toEqual([NaN, NaN, NaN, NaN, NaN]);
        expect(Number.isNaN(got[1]) && got.slice(0, 5).every(Number.isNaN), `${name}: the NaN lane`).toBe(true);
      }
    }
  });

  it('empty inputs, and float64 on the reference', () => {
    expect(wasm.softmax(viewPair('float32', [0, 3], 'contiguous', []).w, 1, false, 'float32').length).toBe(0);
    expect(wasm.softmax(viewPair('float32', [3, 0], 'contiguous', []).w, 1, true, 'float32').length).toBe(0);
    const d = viewPair('float64', [3, 4], 'permuted', values(12, 33, 'float64'));
    expectBits(wasm.softmax(d.w, 1, true, 'float64'), cpu.softmax(d.c, 1, true, 'float64'), 'float64');
  });
});
