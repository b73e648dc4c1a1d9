// conv.test.ts — the gpujs backend's im2col and col2im against the CPU backend, per gpu.js mode:
// at the Backend-method level over geometries with stride, padding, dilation, odd sizes,
// ceil-mode and asymmetric ('same') output sizes (kit.ts's GEOMS, shared with pool.test.ts), on
// contiguous, channels-last and step-sliced views; then convolutions through the Tensor API
// (nn.Conv2d + MaxPool2d, strided, dilated, grouped, 'same', conv1d; forward and backward).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import { numel } from '../../../src/tensor/shape.js';
import type { Built } from '../../helpers/crosscheck.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, GEOMS, geom, quarters, sameGradsOnBoth, viewPair, WINDOW_LAYOUTS } from './kit.js';

const MODES = gpujsModes();

for (const mode of MODES) {
  describe(`gpujs im2col and col2im kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const cases = GEOMS.map(([name, g], i) => [name, g, WINDOW_LAYOUTS[i % 3]] as const);

    describe.each(cases)('%s', (_, g, layout) => {
      const xShape = [g.n, g.c, g.h, g.w];
      const colShape = [g.n, g.c * g.kh * g.kw, g.oh * g.ow];

      it(`im2col and col2im (${layout} input)`, () => {
        const x = viewPair(b, 'float32', xShape, layout, quarters(numel(xShape), 1));
        expectSame(b, b.im2col(x.g, g, 'float32'), cpu.im2col(x.c, g, 'float32'), 'float32');
        const cols = viewPair(b, 'float32', colShape, layout, quarters(numel(colShape), 2));
        expectSame(b, b.col2im(cols.g, g, 'float32'), cpu.col2im(cols.c, g, 'float32'), 'float32');
      });
    });

    it('handles an empty batch', () => {
      const g = geom([0, 2, 5, 5], [3, 3], [1, 1], [1, 1], [1, 1]);
      const x = viewPair(b, 'float32', [0, 2, 5, 5], 'contiguous', []);
      expect(b.im2col(x.g, g, 'float32').size).toBe(0);
      const cols = viewPair(b, 'float32', [0, 18, 25], 'contiguous', []);
      expect(b.col2im(cols.g, g, 'float32').size).toBe(0);
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.activeMode).toBe(mode);
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  // ---- through the Tensor API ------------------------------------------------------------------------
  describe(`gpujs convolutions through the Tensor API [${mode}]`, () => {
    let b: GpuJsBackend;
    beforeAll(() => { b = setBackend('gpujs', { mode }) as GpuJsBackend; });
    afterAll(() => { setBackend('cpu'); });

    /** Outputs and gradients against cpu's, both built after manualSeed(3) (conv weights are random). */
    const sameOnBoth = (build: () => Built): void => sameGradsOnBoth(mode, build, { tol: 1e-4, seed: 3 });
    const input = (shape: number[], seed: number): Tensor =>
      tensor(quarters(numel(shape), seed).map((v, i) => v + 0.01 * Math.sin(i)), { shape, requiresGrad: true }); // no ties

    it('nn.Conv2d + MaxPool2d (ceil mode), forward and backward', () => {
      sameOnBoth(() => {
        const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
        const pool = new nn.MaxPool2d(2, { ceilMode: true });
        const x = input([2, 3, 7, 7], 1);
        return { out: pool.forward(conv.forward(x)), wrt: [x, conv.weight, conv.bias!] };
      });
    });

    it('strided, dilated, grouped and "same" convolutions', () => {
      sameOnBoth(() => {
        const conv = new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], dilation: [1, 2], padding: 1, groups: 2 });
        const x = input([2, 4, 9, 8], 2);
        return { out: conv.forward(x), wrt: [x, conv.weight, conv.bias!] };
      });
      sameOnBoth(() => {
        const conv = new nn.Conv2d(2, 3, 4, { padding: 'same', bias: false });
        const x = input([1, 2, 6, 5], 3);
        return { out: conv.forward(x), wrt: [x, conv.weight] };
      });
      sameOnBoth(() => {
        const conv = new nn.Conv1d(3, 5, 5, { stride: 2, padding: 2 });
        const x = input([2, 3, 33], 4);
        return { out: conv.forward(x), wrt: [x, conv.weight, conv.bias!] };
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}
