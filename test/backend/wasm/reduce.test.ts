// reduce.test.ts — the wasm backend's float32 sum / max / min (kernels/wasm/reduce.ts) against the
// CPU reference: max/min bit for bit, sums (float64 in both) within one float32 rounding; on every
// kernel form (inner rows, outer columns, middle and several axes, permuted, step-sliced and
// broadcast inputs), with few outputs (the threads split the reduction), on 2^20 + 3 elements
// (threaded by size alone), NaN and ±inf anywhere, and 1 thread against 2.

import { describe, expect, it } from 'vitest';
import type { ReduceOp, View } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { values, type Layout } from '../gpujs/kit.js';
import { expectClose } from '../../helpers/close.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm, type Pair } from './pairs.js';

type Arr = TypedArray;
const OPS: ReduceOp[] = ['sum', 'max', 'min'];

/** wasm against cpu: max/min the same bits, sum within a float32 rounding of the float64 sums. */
function expectReduce(op: ReduceOp, got: Arr, want: Arr): void {
  if (op === 'sum') expectClose(got, want, 1e-6, 2.5e-7);
  else expectBits(got, want, op);
}

/** [shape, axes, layout]: each kernel form and input layout. */
const CASES: [number[], number[], Layout][] = [
  [[1031], [0], 'contiguous'], //                        one output, inner form
  [[37, 129], [1], 'contiguous'], //                     rows (inner form)
  [[129, 37], [0], 'contiguous'], //                     columns (outer form)
  [[9, 21, 13], [1], 'contiguous'], //                   a middle axis (outer form)
  [[9, 21, 13], [0, 2], 'contiguous'], //                two axes around a kept one (inner form)
  [[5, 6, 7, 8], [0, 1, 2, 3], 'contiguous'], //         everything
  [[9, 21, 13], [2], 'permuted'], //                     reduced dim strided, kept dims contiguous
  [[9, 21, 13], [0], 'permuted'], //                     reduced dim contiguous in memory
  [[9, 21, 13], [1, 2], 'strided'], //                   step-sliced input
  [[7, 33, 10], [0], 'broadcast'], //                    stride-0 reduced dim
  [[7, 33, 10], [1], 'broadcast'], //                    stride-0 kept dim
  [[3, 1, 5], [1], 'contiguous'], //                     only a size-1 dim: a copy
  [[4, 6], [], 'contiguous'], //                         no axes
  [[2, 300], [1], 'contiguous'], //                      fewer outputs than 2 x threads: split
  [[300, 3], [0], 'contiguous'], //                      the same in the outer form
  [[1, 3], [1], 'contiguous'], //                        fewer elements than threads
];

describe.each(CASES)('wasm reduce %j over %j (%s)', (shape, axes, layout) => {
  const x = viewPair('float32', shape, layout, values(numel(shape), 21));
  for (const [name, threads, split] of THREAD_CASES) {
    it(`sum, max, min as cpu (${name})`, () => {
      for (const op of OPS) {
        const { result, calls } = onThreads(threads, split, () => wasm.reduce(op, x.w, axes, 'float32'));
        expect(calls).toEqual([['reduceF32', threads]]);
        expectReduce(op, result, cpu.reduce(op, x.c, axes, 'float32'));
      }
    });
  }
});

describe('wasm reduce: large inputs, special values, fallbacks', () => {
  const N = 2 ** 20 + 3;
  const big = viewPair('float32', [N], 'contiguous', values(N, 22));
  const grid = viewPair('float32', [1024, 1027], 'contiguous', values(1024 * 1027, 23));

  it('2^20 + 3 elements: threaded by size alone, 1 and 2 threads agree within rounding', () => {
    for (const [what, x, axes] of [['all', big, [0]], ['rows', grid, [1]], ['columns', grid, [0]], ['all of a grid', grid, [0, 1]]] as [string, Pair, number[]][]) {
      for (const op of OPS) {
        const two = onThreads(2, false, () => wasm.reduce(op, x.w, axes, 'float32'));
        expect(two.calls, `${what} ${op}`).toEqual([['reduceF32', 2]]);
        const one = onThreads(1, false, () => wasm.reduce(op, x.w, axes, 'float32'));
        expectReduce(op, two.result, one.result);
        expectReduce(op, two.result, cpu.reduce(op, x.c, axes, 'float32'));
      }
    }
  });

  it('a float64 sum: 2^20 + 3 values of mixed sign, close to the exact sum where float32 steps would drift', () => {
    const vals = values(N, 24).map((v, i) => (i % 2 ? 1e4 + v : -1e4 + v));
    const x = viewPair('float32', [N], 'contiguous', vals);
    const exact = Float32Array.from(vals).reduce((s, v) => s + v, 0);
    const got = onThreads(2, false, () => wasm.reduce('sum', x.w, [0], 'float32')).result[0];
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.abs(exact) * 2 ** -23);
  });

  it('NaN anywhere makes max, min and sum NaN; ±inf as the cpu', () => {
    const n = 4099;
    for (const at of [0, 3, 17, 2048, 2050, n - 1]) {
      const vals = values(n, 25);
      vals[at] = NaN;
      const x = viewPair('float32', [n], 'contiguous', vals);
      const rows = viewPair('float32', [1, n], 'contiguous', vals);
      for (const [name, threads, split] of THREAD_CASES) {
        const { result } = onThreads(threads, split, () => OPS.map((op) => wasm.reduce(op, x.w, [0], 'float32')[0]));
        expect(result, `NaN at ${at}, ${name}`).toEqual([NaN, NaN, NaN]);
        const cols = onThreads(threads, split, () => wasm.reduce('max', rows.w, [0], 'float32')).result;
        expectBits(cols, cpu.reduce('max', rows.c, [0], 'float32'), `max of one row, NaN at ${at}`);
      }
    }
    const inf = viewPair('float32', [2, 9], 'contiguous', [1, Infinity, 3, -2, 5, 6, 7, 8, 9, -Infinity, 1, 2, 3, 4, 5, 6, 7, Infinity]);
    for (const op of OPS) for (const axes of [[0], [1], [0, 1]]) {
      expectBits(wasm.reduce(op, inf.w, axes, 'float32'), cpu.reduce(op, inf.c, axes, 'float32'), `${op} ${axes}`);
    }
  });

  it('inputs outside wasm memory, empty inputs, and what stays on the reference', () => {
    const host: View<Arr> = { data: Float32Array.from(values(60, 26)), shape: [6, 10], stride: [10, 1], offset: 0 };
    const s = wasm.reduce('sum', host, [0], 'float32');
    expect(wasm.runtime.heap.isResident(s)).toBe(true);
    expectReduce('sum', s, cpu.reduce('sum', host, [0], 'float32'));
    const empty = viewPair('float32', [0, 3], 'contiguous', []);
    expect(Array.from(wasm.reduce('sum', empty.w, [0], 'float32'))).toEqual([0, 0, 0]);
    expect(Array.from(wasm.reduce('max', empty.w, [0], 'float32'))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(wasm.reduce('sum', empty.w, [1], 'float32').length).toBe(0);
    const x = viewPair('float32', [4, 5], 'permuted', values(20, 27));
    expectBits(wasm.reduce('prod', x.w, [1], 'float32'), cpu.reduce('prod', x.c, [1], 'float32'), 'prod');
    const d = viewPair('float64', [4, 5], 'strided', values(20, 28, 'float64'));
    expectBits(wasm.reduce('sum', d.w, [0], 'float64'), cpu.reduce('sum', d.c, [0], 'float64'), 'sum float64');
  });
});
