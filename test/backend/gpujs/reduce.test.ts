// reduce.test.ts — the gpujs backend's reductions (sum/max/min/prod over axes) and
// arg-reductions against the CPU backend, per gpu.js mode: first at the Backend-method level on
// contiguous, permuted, step-sliced and broadcast views, odd and zero sizes, several axes, full
// reductions to 0-d, long (two-pass) reductions, int32/bool data, NaN and ±inf; then through the
// Tensor API (sum/mean/var/amax/argmax/max(dim) and gradients). Softmax: softmax.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, tensor } from '../../../src/index.js';
import type { ReduceOp } from '../../../src/backend/backend.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, layoutOf, pair, sameOnBoth, seeded as t, values, whole, type Layout } from './kit.js';

const MODES = gpujsModes();

const OPS: ReduceOp[] = ['sum', 'max', 'min', 'prod'];

for (const mode of MODES) {
  describe(`gpujs reduction kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const layouts: Layout[] = ['contiguous', 'permuted', 'strided', 'broadcast'];

    // ---- reduce ----------------------------------------------------------------------------------
    describe('reduce', () => {
      const cases: [string, number[], number[], Layout][] = [];
      const geometry: [number[], number[][]][] = [
        [[1], [[0]]],
        [[7], [[0]]],
        [[257], [[0]]],
        [[3, 5], [[0], [1], [0, 1]]],
        [[4, 7, 5], [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]]],
        [[2, 3, 1, 33], [[0, 1, 3], [2], [1, 2]]],
      ];
      for (const [shape, axesList] of geometry) {
        for (const axes of axesList) for (const l of layouts) cases.push([`${shape} over [${axes}] ${l}`, shape, axes, l]);
      }
      it.each(cases)('%s', (_, shape, axes, layout) => {
        const x = pair(b, 'float32', shape, layout, 1);
        // products of up to 257 values in (-2, 2) under/overflow, so prod sees values near ±1
        const p = pair(b, 'float32', shape, layout, 1, values(layoutOf(shape, layout).size, 1).map((v) => Math.fround(1 + v / 16)));
        for (const op of OPS) {
          const v = op === 'prod' ? p : x;
          expectSame(b, b.reduce(op, v.g, axes, 'float32'), cpu.reduce(op, v.c, axes, 'float32'), 'float32', op === 'max' || op === 'min' ? 0 : 1e-5);
        }
      });

      it('long reductions run in two passes and index every element exactly once', () => {
        // integer-valued floats sum exactly in float32 and float64 alike: any missing or doubled
        // element shows as an exact mismatch
        const ints = (n: number, seed: number): number[] => values(n, seed, 'int32', -3, 4);
        const geometries: [number[], number[], Layout][] = [
          [[1000003], [0], 'contiguous'],
          [[3, 5001], [1], 'contiguous'],
          [[4097, 3], [0], 'permuted'],
          [[40, 3, 301], [0, 2], 'contiguous'],
          [[301, 40], [0, 1], 'strided'],
          [[2, 2050], [1], 'broadcast'],
        ];
        for (const [shape, axes, layout] of geometries) {
          const x = pair(b, 'float32', shape, layout, 2, ints(layoutOf(shape, layout).size, 2));
          for (const op of OPS.filter((o) => o !== 'prod')) {
            expectSame(b, b.reduce(op, x.g, axes, 'float32'), cpu.reduce(op, x.c, axes, 'float32'), 'float32', 0);
          }
        }
        // a full sum of 1M elements: pass 1 (1024 chunks), pass 2 (one thread over the partials)
        const x = pair(b, 'float32', [1 << 20], 'contiguous', 3);
        const calls = b.runner.stats.calls;
        b.reduce('sum', x.g, [0], 'float32');
        expect(b.runner.stats.calls - calls).toBe(2);
      });

      it('a float32 sum of 1M positive values stays within 1e-6 of the float64 sum', () => {
        // a plain float32 running sum is off by ~2e-5 here; blocks and chunks keep the error small
        const n = 1_000_003;
        const data = values(n, 4).map((v) => Math.fround((v + 2) / 4)); // in (0, 1)
        const x = pair(b, 'float32', [n], 'contiguous', 4, data);
        const exact = data.reduce((s, v) => s + v, 0);
        const got = b.toHost(whole(b.reduce('sum', x.g, [0], 'float32')), 'float32')[0];
        expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
        // and per row, over rows of 100000
        const rows = pair(b, 'float32', [10, 100000], 'contiguous', 5, data.slice(0, 1000000));
        expectSame(b, b.reduce('sum', rows.g, [1], 'float32'), cpu.reduce('sum', rows.c, [1], 'float32'), 'float32', 1e-6);
      });

      it('int32 and bool inputs: exact sums (as int32), max/min in their own dtype', () => {
        for (const [shape, axes, layout] of [[[7, 33], [1], 'permuted'], [[5, 3, 4], [0, 2], 'strided'], [[2000], [0], 'contiguous']] as [number[], number[], Layout][]) {
          const xi = pair(b, 'int32', shape, layout, 6);
          for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
            expectSame(b, b.reduce(op, xi.g, axes, 'int32'), cpu.reduce(op, xi.c, axes, 'int32'), 'int32');
          }
          const xb = pair(b, 'bool', shape, layout, 7);
          expectSame(b, b.reduce('sum', xb.g, axes, 'int32'), cpu.reduce('sum', xb.c, axes, 'int32'), 'int32');
          for (const op of ['max', 'min'] as ReduceOp[]) expectSame(b, b.reduce(op, xb.g, axes, 'bool'), cpu.reduce(op, xb.c, axes, 'bool'), 'bool');
        }
        // int32 sums up to 2^24 stay exact (a float32 accumulator holds them)
        const big = pair(b, 'int32', [4, 1000], 'contiguous', 0, Array.from({ length: 4000 }, (_, i) => 4000 + (i % 7)));
        expectSame(b, b.reduce('sum', big.g, [0, 1], 'int32'), cpu.reduce('sum', big.c, [0, 1], 'int32'), 'int32');
      });

      it('max/min propagate NaN; sums and products see ±inf', () => {
        const data = [1, NaN, 3, -Infinity, 2, 5, Infinity, 0, -1, 4, 2, NaN];
        for (const axes of [[0], [1], [0, 1]]) {
          for (const layout of ['contiguous', 'permuted'] as Layout[]) {
            const x = pair(b, 'float32', [3, 4], layout, 0, data);
            for (const op of OPS) expectSame(b, b.reduce(op, x.g, axes, 'float32'), cpu.reduce(op, x.c, axes, 'float32'), 'float32');
          }
        }
        const y = pair(b, 'float32', [2, 3], 'contiguous', 0, [-Infinity, -Infinity, -Infinity, 1, Infinity, -Infinity]);
        for (const op of OPS) expectSame(b, b.reduce(op, y.g, [1], 'float32'), cpu.reduce(op, y.c, [1], 'float32'), 'float32');
      });

      it('zero-size dims: an empty reduced dim gives the start value, an empty kept dim nothing', () => {
        // (the Tensor API refuses max/min over an empty dim, as torch; the kernels still agree)
        for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
          const x = pair(b, dtype, [3, 0, 2], 'contiguous', 8);
          for (const op of OPS) {
            const out = op === 'sum' && dtype === 'bool' ? 'int32' : dtype;
            expectSame(b, b.reduce(op, x.g, [1], out), cpu.reduce(op, x.c, [1], out), out);
            expectSame(b, b.reduce(op, x.g, [0, 2], out), cpu.reduce(op, x.c, [0, 2], out), out);
          }
        }
        const x = pair(b, 'float32', [3, 0, 2], 'contiguous', 8);
        expect(b.toHost(whole(b.reduce('sum', x.g, [1], 'float32')), 'float32')).toEqual(new Float32Array(6));
        expect(Array.from(b.toHost(whole(b.reduce('max', x.g, [0, 1], 'float32')), 'float32'))).toEqual([-Infinity, -Infinity]);
        expect(b.reduce('sum', x.g, [0, 2], 'float32').size).toBe(0);
      });

      it('reduces to 0-d (all axes) and copies when no axis is reduced', () => {
        for (const layout of layouts) {
          const x = pair(b, 'float32', [5, 3, 7], layout, 9);
          for (const op of OPS.filter((o) => o !== 'prod')) {
            const full = b.reduce(op, x.g, [0, 1, 2], 'float32');
            expect(full.size).toBe(1);
            expectSame(b, full, cpu.reduce(op, x.c, [0, 1, 2], 'float32'), 'float32');
            expectSame(b, b.reduce(op, x.g, [], 'float32'), cpu.reduce(op, x.c, [], 'float32'), 'float32', 0);
          }
        }
        const s = pair(b, 'float32', [], 'contiguous', 10);
        expectSame(b, b.reduce('sum', s.g, [], 'float32'), cpu.reduce('sum', s.c, [], 'float32'), 'float32', 0);
      });

      it('refuses float64', () => {
        const x = pair(b, 'float32', [3], 'contiguous', 0);
        expect(() => b.reduce('sum', x.g, [0], 'float64')).toThrow(/gpujs\.sum: float64 is not supported/);
      });
    });

    // ---- argReduce -------------------------------------------------------------------------------
    describe('argReduce', () => {
      const cases: [string, number[], number, Layout][] = [];
      for (const [shape, axes] of [[[1], [0]], [[7], [0]], [[33], [0]], [[3, 5], [0, 1]], [[4, 7, 5], [0, 1, 2]], [[2, 1, 257], [1, 2]]] as [number[], number[]][]) {
        for (const axis of axes) for (const l of layouts) cases.push([`${shape} along ${axis} ${l}`, shape, axis, l]);
      }
      it.each(cases)('%s', (_, shape, axis, layout) => {
        const size = layoutOf(shape, layout).size;
        const floats = pair(b, 'float32', shape, layout, 11);
        // few distinct values: many ties, where the first index must win
        const ties = pair(b, 'float32', shape, layout, 12, values(size, 12, 'int32', -2, 3));
        const ints = pair(b, 'int32', shape, layout, 13);
        for (const op of ['argmax', 'argmin'] as const) {
          for (const x of [floats, ties, ints]) expectSame(b, b.argReduce(op, x.g, axis), cpu.argReduce(op, x.c, axis), 'int32');
        }
      });

      it('the first NaN wins; ±inf are ordinary extremes; long axes (two passes) agree', () => {
        const data = [1, NaN, 3, NaN, -Infinity, 2, Infinity, 5, 0, -Infinity, Infinity, -1];
        for (const axis of [0, 1]) {
          for (const layout of ['contiguous', 'permuted'] as Layout[]) {
            const x = pair(b, 'float32', [3, 4], layout, 0, data);
            for (const op of ['argmax', 'argmin'] as const) expectSame(b, b.argReduce(op, x.g, axis), cpu.argReduce(op, x.c, axis), 'int32');
          }
        }
        for (const [shape, axis] of [[[3001], 0], [[3, 2500], 1], [[2100, 2], 0]] as [number[], number][]) {
          const x = pair(b, 'float32', shape, 'contiguous', 14, values(numel(shape), 14, 'int32', -40, 41));
          for (const op of ['argmax', 'argmin'] as const) expectSame(b, b.argReduce(op, x.g, axis), cpu.argReduce(op, x.c, axis), 'int32');
        }
      });

      it('an empty kept dim gives an empty result', () => {
        const x = pair(b, 'float32', [0, 4], 'contiguous', 0);
        expect(b.argReduce('argmax', x.g, 1).size).toBe(0);
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  describe(`gpujs reductions through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    it('sum, mean, var, std, amax, amin and logsumexp with their gradients, on permuted views', () => {
      sameOnBoth(mode, () => {
        const a = t([5, 7, 3], 1).requiresGrad_();
        const x = a.permute([2, 0, 1]); // (3, 5, 7)
        const outs = [x.sum(), x.sum([0, 2]), x.mean(1, true), x.var([1, 2]), x.std(0), x.amax(2), x.amin([0, 1]), x.logsumexp(1)];
        const loss = outs.reduce((s, o, k) => s.add(o.mul(k + 1).sum()), x.sum().mul(0));
        loss.backward();
        return [...outs, a.grad!];
      });
    });

    it('argmax, argmin and max(dim) (values, first-index indices, gradient)', () => {
      sameOnBoth(mode, () => {
        const a = tensor(values(60, 2, 'int32', -3, 4), { shape: [4, 15] }).to('float32').requiresGrad_();
        const { values: v, indices } = a.t().max(1); // (15,)
        v.sum().backward();
        return [a.argmax(1), a.argmin(0, true), a.t().argmax(), indices, v, a.grad!];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });

    it('int32 and bool sums', () => {
      sameOnBoth(mode, () => {
        const i = t([6, 9], 3, 'int32');
        return [i.sum(), i.sum(0), i.gt(0).sum(1), i.amax(1), i.t().amin(0)];
      });
    });
  });
}
