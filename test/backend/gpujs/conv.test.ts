// conv.test.ts — the gpujs backend's sliding-window kernels (im2col, col2im, max and average
// pooling and their adjoints) against the CPU backend, per gpu.js mode: at the Backend-method
// level over geometries with stride, padding, dilation, odd sizes, ceil-mode and asymmetric
// ('same') output sizes, on contiguous, channels-last and step-sliced views, with ties and NaN in
// the max-pooling data; then through the Tensor API (nn.Conv2d + MaxPool2d, AvgPool2d, conv1d,
// forward and backward).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { AvgPoolMode, Window2d } from '../../../src/backend/backend.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import { makeBackend } from '../../../src/backend/registry.js';
import { contiguousStrides, numel } from '../../../src/tensor/shape.js';
import type { Built } from '../../helpers/crosscheck.js';
import { gpujsModes } from '../../helpers/backends.js';
import { cpu, expectSame, sameGradsOnBoth, values, viewPair, type Layout } from './kit.js';

const MODES = gpujsModes();

/** Deterministic values in [-2, 2) on a grid of quarters, so pooling windows hold ties. */
const quarters = (n: number, seed: number): number[] => values(n, seed, 'float32', undefined, undefined, 'quarters');

/** Window geometry with PyTorch's output size (floor or ceil mode), or an explicit one. */
function geom(nchw: number[], k: number[], s: number[], p: number[], d: number[], ceil = false, out?: number[]): Window2d {
  const size = (n: number, kk: number, pp: number, ss: number, dd: number): number => {
    let o = Math.floor((n + 2 * pp - dd * (kk - 1) - 1 + (ceil ? ss - 1 : 0)) / ss) + 1;
    if (ceil && (o - 1) * ss >= n + pp) o--;
    return o;
  };
  const [n, c, h, w] = nchw;
  const [oh, ow] = out ?? [size(h, k[0], p[0], s[0], d[0]), size(w, k[1], p[1], s[1], d[1])];
  return { n, c, h, w, kh: k[0], kw: k[1], sh: s[0], sw: s[1], ph: p[0], pw: p[1], dh: d[0], dw: d[1], oh, ow };
}

const GEOMS: [string, Window2d][] = [
  ['3x3 stride 1 pad 1', geom([2, 3, 7, 9], [3, 3], [1, 1], [1, 1], [1, 1])],
  ['3x2 stride (2,1) pad 1 dilation (1,2)', geom([2, 3, 7, 9], [3, 2], [2, 1], [1, 1], [1, 2])],
  ['2x2 stride 2 on odd 7x5, ceil mode', geom([1, 2, 7, 5], [2, 2], [2, 2], [0, 0], [1, 1], true)],
  ['3x3 stride 2 pad 1, ceil mode', geom([2, 1, 8, 8], [3, 3], [2, 2], [1, 1], [1, 1], true)],
  ['4x4 "same" (pad 1 top/left, 2 bottom/right)', geom([1, 2, 6, 5], [4, 4], [1, 1], [1, 1], [1, 1], false, [6, 5])],
  ['5x5 dilation 2 stride 3 pad 2 on 33x13', geom([1, 1, 33, 13], [5, 5], [3, 3], [2, 2], [2, 2])],
  ['1x1 stride 2 on 1-row input (conv1d)', geom([3, 4, 1, 9], [1, 1], [1, 2], [0, 0], [1, 1])],
  ['window = whole 4x6 input', geom([2, 2, 4, 6], [4, 6], [1, 1], [0, 0], [1, 1])],
];
const MODES_AVG: AvgPoolMode[] = [
  { countIncludePad: true, divisorOverride: 0 },
  { countIncludePad: false, divisorOverride: 0 },
  { countIncludePad: true, divisorOverride: 3 },
];

for (const mode of MODES) {
  describe(`gpujs sliding-window kernels [${mode}]`, () => {
    const b = makeBackend('test', 'gpujs', { mode }) as GpuJsBackend;
    const cases = GEOMS.map(([name, g], i) => [name, g, (['contiguous', 'channelsLast', 'strided'] as Layout[])[i % 3]] as const);

    describe.each(cases)('%s', (_, g, layout) => {
      const xShape = [g.n, g.c, g.h, g.w], oShape = [g.n, g.c, g.oh, g.ow];
      const colShape = [g.n, g.c * g.kh * g.kw, g.oh * g.ow];

      it(`im2col and col2im (${layout} input)`, () => {
        const x = viewPair(b, 'float32', xShape, layout, quarters(numel(xShape), 1));
        expectSame(b, b.im2col(x.g, g, 'float32'), cpu.im2col(x.c, g, 'float32'), 'float32');
        const cols = viewPair(b, 'float32', colShape, layout, quarters(numel(colShape), 2));
        expectSame(b, b.col2im(cols.g, g, 'float32'), cpu.col2im(cols.c, g, 'float32'), 'float32');
      });

      it(`maxPool2d values, indices and backward (${layout} input, ties and NaN)`, () => {
        const vals = quarters(numel(xShape), 3);
        vals[Math.floor(vals.length / 3)] = NaN; // NaN wins its windows
        if (vals.length > 5) vals[5] = -Infinity;
        const x = viewPair(b, 'float32', xShape, layout, vals);
        const got = b.maxPool2d(x.g, g, 'float32'), want = cpu.maxPool2d(x.c, g, 'float32');
        expectSame(b, got.values, want.values, 'float32');
        expectSame(b, got.indices, want.indices, 'int32');
        // backward from strided dy and from indices stored channels-last on the host
        const dy = viewPair(b, 'float32', oShape, 'strided', quarters(numel(oShape), 4));
        const idx = viewPair(b, 'int32', oShape, 'channelsLast', Array.from(want.indices));
        expectSame(b, b.maxPool2dBackward(dy.g, idx.g, g, 'float32'), cpu.maxPool2dBackward(dy.c, idx.c, g, 'float32'), 'float32');
        // and from the device-resident indices the forward returned
        const idxDev = { data: got.indices, shape: oShape, stride: contiguousStrides(oShape), offset: 0 };
        const idxHost = { data: want.indices, shape: oShape, stride: contiguousStrides(oShape), offset: 0 };
        expectSame(b, b.maxPool2dBackward(dy.g, idxDev, g, 'float32'), cpu.maxPool2dBackward(dy.c, idxHost, g, 'float32'), 'float32');
      });

      if (g.dh === 1 && g.dw === 1) it(`avgPool2d and backward in each divisor mode (${layout} input)`, () => {
        const x = viewPair(b, 'float32', xShape, layout, quarters(numel(xShape), 5));
        const dy = viewPair(b, 'float32', oShape, layout, quarters(numel(oShape), 6));
        for (const m of MODES_AVG) {
          expectSame(b, b.avgPool2d(x.g, g, m, 'float32'), cpu.avgPool2d(x.c, g, m, 'float32'), 'float32');
          expectSame(b, b.avgPool2dBackward(dy.g, g, m, 'float32'), cpu.avgPool2dBackward(dy.c, g, m, 'float32'), 'float32');
        }
      });
    });

    it('a window of padding only: max -inf with index -1, average 0 (as the CPU twins)', () => {
      // explicit geometry with a last window entirely in the bottom/right padding
      const g = geom([1, 1, 3, 3], [2, 2], [2, 2], [1, 1], [1, 1], false, [3, 3]);
      const x = viewPair(b, 'float32', [1, 1, 3, 3], 'contiguous', quarters(9, 7));
      const got = b.maxPool2d(x.g, g, 'float32'), want = cpu.maxPool2d(x.c, g, 'float32');
      expect(Array.from(want.indices)).toContain(-1);
      expectSame(b, got.values, want.values, 'float32');
      expectSame(b, got.indices, want.indices, 'int32');
      const m = { countIncludePad: false, divisorOverride: 0 };
      expectSame(b, b.avgPool2d(x.g, g, m, 'float32'), cpu.avgPool2d(x.c, g, m, 'float32'), 'float32');
    });

    it('handles an empty batch', () => {
      const g = geom([0, 2, 5, 5], [3, 3], [1, 1], [1, 1], [1, 1]);
      const x = viewPair(b, 'float32', [0, 2, 5, 5], 'contiguous', []);
      expect(b.im2col(x.g, g, 'float32').size).toBe(0);
      expect(b.maxPool2d(x.g, g, 'float32').indices.size).toBe(0);
      expect(b.avgPool2d(x.g, g, MODES_AVG[0], 'float32').size).toBe(0);
    });

    it('names the op when average pooling is asked for a dilation', () => {
      const g = geom([1, 1, 5, 5], [2, 2], [1, 1], [0, 0], [2, 1]);
      const x = viewPair(b, 'float32', [1, 1, 5, 5], 'contiguous', quarters(25, 8));
      expect(() => b.avgPool2d(x.g, g, MODES_AVG[0], 'float32')).toThrow('avgPool2d: dilation must be 1, got (2, 1)');
      expect(() => cpu.avgPool2d(x.c, g, MODES_AVG[0], 'float32')).toThrow('avgPool2d: dilation must be 1, got (2, 1)');
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.activeMode).toBe(mode);
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });

  // ---- through the Tensor API ------------------------------------------------------------------------
  describe(`gpujs convolution and pooling through the Tensor API [${mode}]`, () => {
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

    it('AvgPool2d (count_include_pad off, ceil mode) and MaxPool2d with padding and dilation', () => {
      sameOnBoth(() => {
        const x = input([2, 3, 7, 6], 5);
        return { out: new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).forward(x), wrt: [x] };
      });
      sameOnBoth(() => {
        const x = input([1, 2, 9, 9], 6);
        return { out: new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2 }).forward(x), wrt: [x] };
      });
    });

    it('ran every kernel on the mode asked for', () => {
      expect(b.runner.stats.fallbacks).toEqual([]);
    });
  });
}
