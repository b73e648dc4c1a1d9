// softmax.test.ts — the gpujs backend's softmax / log-softmax against the CPU backend, per gpu.js
// mode: at the Backend-method level along every axis of contiguous, permuted, step-sliced and
// broadcast views, with large logits (exp overflows unless the max is subtracted), -inf lanes,
// NaN and +inf, long (two-pass) lanes, int32 input and zero sizes; then softmax, logSoftmax and
// crossEntropy with their gradients through the Tensor API.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, setBackend, tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, layoutOf, pair, sameOnBoth, seeded as t, values, type Layout } from './kit.js';

const MODES = gpujsModes();

for (const mode of MODES) {
  describe(`gpujs softmax kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const layouts: Layout[] = ['contiguous', 'permuted', 'strided', 'broadcast'];

    describe('softmax and log-softmax', () => {
      const cases: [string, number[], number, Layout][] = [];
      for (const [shape, axes] of [[[1], [0]], [[7], [0]], [[3, 33], [0, 1]], [[4, 7, 5], [0, 1, 2]], [[2, 1, 257], [1, 2]]] as [number[], number[]][]) {
        for (const axis of axes) for (const l of layouts) cases.push([`${shape} along ${axis} ${l}`, shape, axis, l]);
      }
      it.each(cases)('%s', (_, shape, axis, layout) => {
        const x = pair(b, 'float32', shape, layout, 15);
        // large logits: exp overflows unless the max is subtracted
        const big = pair(b, 'float32', shape, layout, 16, values(layoutOf(shape, layout).size, 16).map((v) => v * 60));
        for (const log of [false, true]) {
          for (const v of [x, big]) expectSame(b, b.softmax(v.g, axis, log, 'float32'), cpu.softmax(v.c, axis, log, 'float32'), 'float32');
        }
      });

      it('-inf entries, all -inf lanes, NaN and +inf as the CPU twin', () => {
        // lanes (rows of 4): some -inf; all -inf (NaN out, as torch); a NaN; a +inf
        const data = [1, -Infinity, 3, 0, -Infinity, -Infinity, -Infinity, -Infinity, 1, NaN, 2, 0, Infinity, 1, 2, 3];
        for (const log of [false, true]) {
          // each time the lanes hold the rows of `data`: along a contiguous axis, a strided one, axis 0
          for (const [axis, layout, stored] of [[1, 'contiguous', data], [1, 'permuted', transpose4(data)], [0, 'contiguous', transpose4(data)]] as [number, Layout, number[]][]) {
            const x = pair(b, 'float32', [4, 4], layout, 0, stored);
            expectSame(b, b.softmax(x.g, axis, log, 'float32'), cpu.softmax(x.c, axis, log, 'float32'), 'float32');
          }
        }
      });

      it('long lanes (two-pass max and sum), int32 input, zero sizes', () => {
        for (const [shape, axis, layout] of [[[3, 3001], 1, 'contiguous'], [[2100, 3], 0, 'permuted'], [[5000], 0, 'strided']] as [number[], number, Layout][]) {
          const x = pair(b, 'float32', shape, layout, 17);
          for (const log of [false, true]) expectSame(b, b.softmax(x.g, axis, log, 'float32'), cpu.softmax(x.c, axis, log, 'float32'), 'float32');
        }
        const xi = pair(b, 'int32', [3, 5], 'permuted', 18, values(15, 18, 'int32', -5, 5));
        for (const log of [false, true]) expectSame(b, b.softmax(xi.g, 1, log, 'float32'), cpu.softmax(xi.c, 1, log, 'float32'), 'float32');
        for (const shape of [[0, 4], [4, 0]]) {
          const x = pair(b, 'float32', shape, 'contiguous', 0);
          expect(b.softmax(x.g, 1, false, 'float32').size).toBe(0);
        }
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  describe(`gpujs softmax through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    it('softmax, logSoftmax and crossEntropy with their gradients', () => {
      sameOnBoth(mode, () => {
        const logits = t([6, 11], 4).mul(3).requiresGrad_();
        const target = tensor([0, 3, 10, 5, 2, 7], { dtype: 'int32' });
        const p = logits.softmax(1), lp = logits.t().logSoftmax(0); // lp: (11, 6)
        const loss = nn.functional.crossEntropy(logits, target).add(p.mul(t([6, 11], 5)).sum()).add(lp.mul(t([11, 6], 6)).sum());
        loss.backward();
        return [p, lp, loss, logits.grad!];
      });
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}

/** A row-major 4x4 matrix's values in column-major order (so a permuted view reads the original). */
function transpose4(d: number[]): number[] {
  return Array.from({ length: 16 }, (_, i) => d[(i % 4) * 4 + Math.floor(i / 4)]);
}
