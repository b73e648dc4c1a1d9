// matmul.test.ts — the gpujs backend's batched matmul against the CPU backend, per gpu.js mode:
// at the Backend-method level (M, N, K over {1, 7, 33, 65}, batch dims, broadcast batches,
// transposed / permuted / step-sliced operands with offsets, K = 0, empty M, N or batch, int32),
// both kernel forms (webasm's blocked one and the one-thread-per-element one the GL modes run),
// then through the Tensor API (products and their gradients, nn.Linear).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grad, manualSeed, nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { View } from '../../../src/backend/backend.js';
import { CpuBackend } from '../../../src/backend/cpu/index.js';
import type { GpuBuffer } from '../../../src/backend/gpujs/buffer.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import type { DType, TypedArray } from '../../../src/tensor/dtype.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import { matmulSource, type MatmulGeometry } from '../../../kernels/matmul.js';
import { expectClose } from '../../helpers/close.js';
import { gpujsModes } from '../../helpers/backends.js';

const MODES = gpujsModes();
const cpu = new CpuBackend();
const TOL = 1e-4; // float32 sums of up to 65 terms of magnitude < 4

/** Deterministic values: floats in (-2, 2), or integers in [-8, 8) for int32. */
function values(n: number, seed: number, dtype: DType = 'float32'): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => (dtype === 'int32' ? Math.floor(16 * next()) - 8 : Math.fround(4 * next() - 2)));
}

/**
 * How an operand (…batch, R, C) is stored: 'contiguous'; 'transposed' (stored (…, C, R), as
 * x @ W^T reads W); 'permuted' (every dim reversed); 'strided' (every second element of a larger
 * storage, from an offset); 'broadcast' (batch dims of stride 0, one matrix for every batch entry).
 */
type Layout = 'contiguous' | 'transposed' | 'permuted' | 'strided' | 'broadcast';

function layoutOf(shape: number[], layout: Layout): { stride: number[]; offset: number; size: number } {
  const r = shape.length;
  if (layout === 'transposed') {
    const st = contiguousStrides([...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]]);
    return { stride: [...st.slice(0, r - 2), st[r - 1], st[r - 2]], offset: 0, size: numel(shape) };
  }
  if (layout === 'permuted') {
    const rev = contiguousStrides([...shape].reverse());
    return { stride: shape.map((_, d) => rev[r - 1 - d]), offset: 0, size: numel(shape) };
  }
  if (layout === 'strided') {
    const s = contiguousStrides(shape.map((n) => 2 * n + 1));
    return { stride: s.map((v) => 2 * v), offset: s.reduce((a, b) => a + b, 0), size: numel(shape.map((n) => 2 * n + 1)) };
  }
  if (layout === 'broadcast') {
    const mat = contiguousStrides(shape.slice(r - 2));
    return { stride: [...shape.slice(0, r - 2).map(() => 0), ...mat], offset: 0, size: numel(shape.slice(r - 2)) };
  }
  return { stride: contiguousStrides(shape), offset: 0, size: numel(shape) };
}

interface Pair {
  c: View<TypedArray>;
  g: View<GpuBuffer>;
}

/** The same view of the same host values on cpu and on gpujs backend `b`. */
function pair(b: GpuJsBackend, dtype: DType, shape: number[], layout: Layout, seed: number): Pair {
  const { stride, offset, size } = layoutOf(shape, layout);
  const vals = values(size, seed, dtype);
  const typed = (): TypedArray => (dtype === 'int32' ? Int32Array.from(vals) : Float32Array.from(vals));
  return { c: { data: typed(), shape, stride, offset }, g: { data: b.fromHost(dtype, typed()), shape, stride, offset } };
}

/** gpujs storage vs cpu storage (exact for int32). */
function expectSame(b: GpuJsBackend, got: GpuBuffer, want: TypedArray, dtype: DType): void {
  const g = b.toHost({ data: got, shape: [got.size], stride: [1], offset: 0 }, dtype);
  expect(g.length).toBe(want.length);
  if (dtype === 'int32') expect(Array.from(g)).toEqual(Array.from(want));
  else expectClose(g, want, TOL, TOL);
}

/** a (…batch, M, K) @ b (…batch, K, N) on both backends. */
function check(b: GpuJsBackend, batch: number[], M: number, K: number, N: number, la: Layout, lb: Layout, dtype: DType = 'float32'): void {
  const x = pair(b, dtype, [...batch, M, K], la, 1 + M + K), y = pair(b, dtype, [...batch, K, N], lb, 2 + K + N);
  expectSame(b, b.matmul(x.g, y.g, dtype), cpu.matmul(x.c, y.c, dtype) as TypedArray, dtype);
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
      ['batch [4], a broadcast (one weight for every entry, as conv)', [4], 16, 33, 10, 'broadcast', 'contiguous'],
      ['batch [2,3], b broadcast and transposed', [2, 3], 7, 5, 3, 'transposed', 'broadcast'],
    ];
    it.each(batched)('%s', (_, batch, M, K, N, la, lb) => check(b, batch, M, K, N, la, lb));

    it('gives zeros for K = 0 and empty outputs for M, N or a batch dim of 0', () => {
      for (const [batch, M, K, N] of [[[2], 3, 0, 4], [[], 5, 0, 1], [[], 0, 3, 4], [[2], 3, 4, 0], [[0, 2], 3, 4, 5]] as [number[], number, number, number][]) {
        const x = pair(b, 'float32', [...batch, M, K], 'contiguous', 3), y = pair(b, 'float32', [...batch, K, N], 'transposed', 4);
        const out = b.matmul(x.g, y.g, 'float32');
        expect(out.size).toBe(numel(batch) * M * N);
        expectSame(b, out, cpu.matmul(x.c, y.c, 'float32') as TypedArray, 'float32');
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
      for (const [batch, M, K, N, la, lb] of [[[], 7, 33, 5, 'transposed', 'strided'], [[2, 3], 3, 6, 65, 'permuted', 'broadcast'], [[], 1, 1, 1, 'contiguous', 'contiguous']] as [number[], number, number, number, Layout, Layout][]) {
        const x = pair(b, 'float32', [...batch, M, K], la, 6), y = pair(b, 'float32', [...batch, K, N], lb, 7);
        const nd = batch.length;
        // batch dims passed uncollapsed (collapsing is an optimisation, not a requirement)
        const g: MatmulGeometry = {
          batch, aBatch: x.g.stride.slice(0, nd), bBatch: y.g.stride.slice(0, nd), M, K, N,
          ars: x.g.stride[nd], acs: x.g.stride[nd + 1], brs: y.g.stride[nd], bcs: y.g.stride[nd + 1],
        };
        const out = b.run(() => matmulSource(g, 'float32'), 'float32', numel(batch) * M * N, [x.g.data, x.g.offset, y.g.data, y.g.offset]);
        expectSame(b, out, cpu.matmul(x.c, y.c, 'float32') as TypedArray, 'float32');
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

    /**
     * Builds on gpujs and on cpu from the same seed; compares the outputs and the gradients of
     * sum(out * cotangent) with respect to `wrt`.
     */
    function sameOnBoth(build: () => { out: Tensor; wrt: Tensor[] }): void {
      const run = (): number[][] => {
        manualSeed(7);
        const { out, wrt } = build();
        const seed = tensor(values(out.numel(), 9), { shape: out.shape });
        return [out, ...grad([out], wrt, { gradOutputs: [seed] })].map((t) => Array.from(t.dataSync()));
      };
      const got = run();
      setBackend('cpu');
      let want: number[][];
      try {
        want = run();
      } finally {
        setBackend('gpujs', { mode });
      }
      want.forEach((w, i) => {
        const scale = Math.max(1, ...w.map(Math.abs));
        expectClose(got[i], w, TOL * scale, TOL);
      });
    }
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
