// matmul.test.ts — the gpujs backend's batched matmul against the CPU backend, per gpu.js mode:
// at the Backend-method level (M, N, K over {1, 7, 33, 65}, batch dims, broadcast batches,
// transposed / permuted / step-sliced operands with offsets, K = 0, empty M, N or batch, int32),
// both kernel forms (webasm's blocked one and the one-thread-per-element one the GL modes run),
// then through the Tensor API (products and their gradients, nn.Linear).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { numel } from '../../../src/tensor/shape.js';
import { matmulSource, type MatmulGeometry } from '../../../kernels/matmul.js';
import type { Built } from '../../helpers/crosscheck.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, pair, sameGradsOnBoth, values, type Layout } from './kit.js';

const MODES = gpujsModes();
const TOL = 1e-4; // float32 sums of up to 65 terms of magnitude < 4
const INTS = [-8, 8] as const; // int32 operands: products and sums of up to 33 stay far below 2^24

/** a (…batch, M, K) @ b (…batch, K, N) on both backends. */
function check(b: GpuJsBackend, batch: number[], M: number, K: number, N: number, la: Layout, lb: Layout, dtype: DType = 'float32'): void {
  const x = pair(b, dtype, [...batch, M, K], la, 1 + M + K, undefined, INTS), y = pair(b, dtype, [...batch, K, N], lb, 2 + K + N, undefined, INTS);
  expectSame(b, b.matmul(x.g, y.g, dtype), cpu.matmul(x.c, y.c, dtype) as TypedArray, dtype, TOL);
}

const SIZES = [1, 7, 33, 65];
const LAYOUTS: [Layout, Layout][] = [['contiguous', 'contiguous'], ['contiguous', 'transposed'], ['transposed', 'contiguous'], ['strided', 'permuted']];

for (const mode of MODES) {
  describe(`gpujs matmul kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;

    // every size on every axis, 16 combinations (a Latin square over M, N -> K), layouts cycled
    const grid: [string, number, number, number, Layout, Layout][] = [];
    SIZES.forEach((M, i) => SIZES.forEach((N, j) => {
      const K = SIZES[(i + j) % 4];
      const [la, lb] = LAYOUTS[(i + 2 * j) % 4];
      grid.push([`${M}x${K} @ ${K}x${N}, a ${la}, b ${lb}`, M, K, N, la, lb]);
    }));
    it.each(grid)('%s', (_, M, K, N, la, lb) => check(b, [], M, K, N, la, lb));

    const batched: [string, number[], number, number, number, Layout, Layout][] = [
      ['batch [3], contiguous', [3], 7, 33, 5, 'contiguous', 'contiguous'],
      ['batch [2,3], b transposed (x @ W^T per batch)', [2, 3], 5, 7, 9, 'contiguous', 'transposed'],
      ['batch [2,2], both permuted', [2, 2], 6, 5, 7, 'permuted', 'permuted'],
      ['batch [3,1,2], step-sliced with offsets', [3, 1, 2], 9, 4, 6, 'strided', 'strided'],
      ['batch [4], a broadcast (one weight for every entry, as conv)', [4], 16, 33, 10, 'batchBroadcast', 'contiguous'],
      ['batch [2,3], b broadcast and transposed', [2, 3], 7, 5, 3, 'transposed', 'batchBroadcast'],
    ];
    it.each(batched)('%s', (_, batch, M, K, N, la, lb) => check(b, batch, M, K, N, la, lb));

    it('gives zeros for K = 0 and empty outputs for M, N or a batch dim of 0', () => {
      for (const [batch, M, K, N] of [[[2], 3, 0, 4], [[], 5, 0, 1], [[], 0, 3, 4], [[2], 3, 4, 0], [[0, 2], 3, 4, 5]] as [number[], number, number, number][]) {
        const x = pair(b, 'float32', [...batch, M, K], 'contiguous', 3), y = pair(b, 'float32', [...batch, K, N], 'transposed', 4);
        const out = b.matmul(x.g, y.g, 'float32');
        expect(out.size).toBe(numel(batch) * M * N);
        expectSame(b, out, cpu.matmul(x.c, y.c, 'float32') as TypedArray, 'float32', TOL);
      }
    });

    it('is exact on int32 (rounding toward zero as an Int32Array store)', () => {
      check(b, [2], 7, 33, 6, 'contiguous', 'transposed', 'int32');
      check(b, [], 5, 4, 3, 'permuted', 'contiguous', 'int32');
    });

    it('refuses float64', () => {
      const x = pair(b, 'float32', [2, 2], 'contiguous', 5);
      expect(() => b.matmul(x.g, x.g, 'float64')).toThrow('gpujs.matmul: float64 is not supported');
    });

    it('the one-thread-per-element form (the GL modes\' kernel) matches too', () => {
      // on webasm matmul runs the blocked kernel; this runs the other form on this mode directly
      for (const [batch, M, K, N, la, lb] of [[[], 7, 33, 5, 'transposed', 'strided'], [[2, 3], 3, 6, 65, 'permuted', 'batchBroadcast'], [[], 1, 1, 1, 'contiguous', 'contiguous']] as [number[], number, number, number, Layout, Layout][]) {
        const x = pair(b, 'float32', [...batch, M, K], la, 6), y = pair(b, 'float32', [...batch, K, N], lb, 7);
        const nd = batch.length;
        // batch dims passed uncollapsed (collapsing is an optimisation, not a requirement)
        const g: MatmulGeometry = {
          batch, aBatch: x.g.stride.slice(0, nd), bBatch: y.g.stride.slice(0, nd), M, K, N,
          ars: x.g.stride[nd], acs: x.g.stride[nd + 1], brs: y.g.stride[nd], bcs: y.g.stride[nd + 1],
        };
        const out = b.run(() => matmulSource(g, 'float32'), 'float32', numel(batch) * M * N, [x.g.data, x.g.offset, y.g.data, y.g.offset]);
        expectSame(b, out, cpu.matmul(x.c, y.c, 'float32') as TypedArray, 'float32', TOL);
      }
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.activeMode).toBe(mode);
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  // ---- through the Tensor API ------------------------------------------------------------------------
  describe(`gpujs matmul through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    /** Outputs and gradients against cpu's, both built after manualSeed(7) (nn.Linear's weights are random). */
    const sameOnBoth = (build: () => Built): void => sameGradsOnBoth(mode, build, { tol: TOL, seed: 7 });
    const t = (shape: number[], seed: number): Tensor => tensor(values(numel(shape), seed), { shape, requiresGrad: true });

    it('batched product, batch against one matrix, transposed operands, vectors', () => {
      sameOnBoth(() => { const a = t([2, 3, 7, 33], 1), w = t([33, 5], 2); return { out: a.matmul(w), wrt: [a, w] }; });
      sameOnBoth(() => { const a = t([4, 7, 6], 3), c = t([4, 9, 6], 4); return { out: a.matmul(c.transpose(1, 2)), wrt: [a, c] }; });
      sameOnBoth(() => { const a = t([5, 2, 3], 5), c = t([3, 4], 6); return { out: a.matmul(c), wrt: [a, c] }; });
      sameOnBoth(() => { const a = t([7, 33], 7), v = t([33], 8); return { out: a.matmul(v), wrt: [a, v] }; });
      sameOnBoth(() => { const a = t([3, 1, 4, 5], 9), c = t([2, 5, 6], 10); return { out: a.matmul(c), wrt: [a, c] }; });
    });

    it('nn.Linear forward and backward', () => {
      sameOnBoth(() => {
        const lin = new nn.Linear(33, 7);
        const x = t([2, 5, 33], 11);
        return { out: lin.forward(x), wrt: [x, lin.weight, lin.bias!] };
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}
