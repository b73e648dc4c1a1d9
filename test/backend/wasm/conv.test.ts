// conv.test.ts — the wasm backend's im2col and col2im (kernels/wasm/conv.ts) against the CPU
// reference, bit for bit: over gpujs/kit.ts's geometries (stride, padding, dilation, ceil mode,
// 'same', conv1d rows) and view layouts, on one thread and with every kernel shared out; large
// sizes that take the threaded path on their own, equal on 1 and 2 threads; then conv2d and
// conv1d forward and backward through the Tensor API, within 1e-4 of the cpu backend.

import { describe, expect, it } from 'vitest';
import { manualSeed, nn, tensor, type Tensor } from '../../../src/index.js';
import type { Window2d } from '../../../src/backend/backend.js';
import { numel } from '../../../src/tensor/shape.js';
import { onBackend, WASM_CASES } from '../../helpers/backends.js';
import { expectCloseScaled, expectMatchesCpu, type Built } from '../../helpers/crosscheck.js';
import { GEOMS, WINDOW_LAYOUTS, geom, quarters, values, type Layout } from '../gpujs/kit.js';
import { cpu, expectBits, onThreads, THREAD_CASES, viewPair, wasm } from './pairs.js';

const colShape = (g: Window2d): number[] => [g.n, g.c * g.kh * g.kw, g.oh * g.ow];
const xShape = (g: Window2d): number[] => [g.n, g.c, g.h, g.w];

/** im2col and col2im of `layout` views on wasm (threads as given) and on cpu: the same bits. */
function expectWindowsMatch(g: Window2d, layout: Layout, threads: number, split: boolean): [string, number][] {
  const x = viewPair('float32', xShape(g), layout, values(numel(xShape(g)), 1));
  const cols = viewPair('float32', colShape(g), layout, values(numel(colShape(g)), 2));
  const { result, calls } = onThreads(threads, split, () => [wasm.im2col(x.w, g, 'float32'), wasm.col2im(cols.w, g, 'float32')]);
  expectBits(result[0], cpu.im2col(x.c, g, 'float32'), 'im2col');
  expectBits(result[1], cpu.col2im(cols.c, g, 'float32'), 'col2im');
  return calls;
}

describe('wasm im2col and col2im kernels', () => {
  describe.each(GEOMS)('%s', (_, g) => {
    for (const [name, threads, split] of THREAD_CASES) {
      it.each(WINDOW_LAYOUTS)(`%s input, ${name}`, (layout) => {
        expect(expectWindowsMatch(g, layout, threads, split).map(([k]) => k)).toEqual(['im2col', 'col2im']);
      });
    }
  });

  // large enough that threadsFor picks 2 threads; the strided layout (16x the storage) on a smaller one
  const LARGE: [string, Window2d, Layout][] = [
    ['3x3 pad 1 on (4, 24, 40, 36)', geom([4, 24, 40, 36], [3, 3], [1, 1], [1, 1], [1, 1]), 'contiguous'],
    ['5x5 stride 2 dilation 2 pad 2 on (3, 16, 45, 50)', geom([3, 16, 45, 50], [5, 5], [2, 2], [2, 2], [2, 2]), 'channelsLast'],
    ['3x2 stride (1, 3) pad (0, 1) dilation (2, 1) on (2, 32, 33, 31)', geom([2, 32, 33, 31], [3, 2], [1, 3], [0, 1], [2, 1]), 'contiguous'],
    ['1x1 stride 2 ceil mode on (2, 64, 47, 47)', geom([2, 64, 47, 47], [1, 1], [2, 2], [0, 0], [1, 1], true), 'channelsLast'],
    ['3x3 stride 2 pad 1 on (2, 16, 32, 32)', geom([2, 16, 32, 32], [3, 3], [2, 2], [1, 1], [1, 1]), 'strided'],
    ['3x3 pad 1 on (2, 8, 40, 40)', geom([2, 8, 40, 40], [3, 3], [1, 1], [1, 1], [1, 1]), 'strided'],
  ];
  it.each(LARGE)('large: %s (%s input): 2 threads by size alone, the same bits as 1 thread and as cpu', (_, g, layout) => {
    expect(expectWindowsMatch(g, layout, 2, false)).toEqual([['im2col', 2], ['col2im', 2]]);
    expect(expectWindowsMatch(g, layout, 1, false)).toEqual([['im2col', 1], ['col2im', 1]]);
  });

  it('handles an empty batch and more threads than planes', () => {
    const empty = geom([0, 2, 5, 5], [3, 3], [1, 1], [1, 1], [1, 1]);
    const x = viewPair('float32', [0, 2, 5, 5], 'contiguous', []);
    expect(wasm.im2col(x.w, empty, 'float32').length).toBe(0);
    expect(wasm.col2im(viewPair('float32', [0, 18, 25], 'contiguous', []).w, empty, 'float32').length).toBe(0);
    const one = geom([1, 1, 3, 2], [2, 2], [1, 1], [1, 1], [1, 1]); // 1 plane over 2 threads
    expect(expectWindowsMatch(one, 'strided', 2, true)).toEqual([['im2col', 2], ['col2im', 2]]);
  });

  it('takes the reference for float64, exactly', () => {
    const g = GEOMS[1][1];
    const x = viewPair('float64', xShape(g), 'strided', values(numel(xShape(g)), 3));
    expectBits(wasm.im2col(x.w, g, 'float64'), cpu.im2col(x.c, g, 'float64'), 'im2col float64');
  });
});

// ---- convolutions through the Tensor API ----------------------------------------------------------

/** Values with no ties, so max pooling picks the same element on both backends. */
const input = (shape: number[], seed: number): Tensor =>
  tensor(quarters(numel(shape), seed).map((v, i) => v + 0.01 * Math.sin(i)), { shape, requiresGrad: true });

const CONVS: [string, () => Built][] = [
  ['Conv2d 3x3 pad 1 + MaxPool2d (ceil mode)', () => {
    const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
    const x = input([2, 3, 7, 7], 1);
    return { out: new nn.MaxPool2d(2, { ceilMode: true }).forward(conv.forward(x)), wrt: [x, conv.weight, conv.bias!] };
  }],
  ['strided, dilated, grouped', () => {
    const conv = new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], dilation: [1, 2], padding: 1, groups: 2 });
    const x = input([2, 4, 9, 8], 2);
    return { out: conv.forward(x), wrt: [x, conv.weight, conv.bias!] };
  }],
  ["'same' 4x4, no bias, on a channels-last input", () => {
    const conv = new nn.Conv2d(2, 3, 4, { padding: 'same', bias: false });
    const x = input([1, 5, 6, 2], 3).permute([0, 3, 1, 2]); // (N, H, W, C) -> (N, C, H, W)
    return { out: conv.forward(x), wrt: [x, conv.weight] };
  }],
  ['Conv1d stride 2 pad 2', () => {
    const conv = new nn.Conv1d(3, 5, 5, { stride: 2, padding: 2 });
    const x = input([2, 3, 33], 4);
    return { out: conv.forward(x), wrt: [x, conv.weight, conv.bias!] };
  }],
  ['large: (8, 16, 32, 32) * (32, 16, 3, 3) pad 1, AvgPool2d', () => {
    const conv = new nn.Conv2d(16, 32, 3, { padding: 1 });
    const x = input([8, 16, 32, 32], 5);
    return { out: new nn.AvgPool2d(2).forward(conv.forward(x)), wrt: [x, conv.weight, conv.bias!] };
  }],
  ['large: stride 2 dilation 2 5x5 on (4, 8, 41, 37)', () => {
    const conv = new nn.Conv2d(8, 12, 5, { stride: 2, dilation: 2, padding: 3 });
    const x = input([4, 8, 41, 37], 6);
    return { out: conv.forward(x), wrt: [x, conv.weight, conv.bias!] };
  }],
];

for (const b of WASM_CASES) {
  describe(`wasm convolutions through the Tensor API [${b.name}]`, () => {
    it.each(CONVS)('%s: forward and backward within 1e-4 of cpu', (_, build) => {
      onBackend(b, () => expectMatchesCpu(build, { tol: 1e-4, seed: 3 }));
    });
  });
}

describe('wasm convolutions on 1 and 2 threads', () => {
  it.each(CONVS.slice(4))('%s: the same outputs and gradients', (_, build) => {
    const run = (threads: number): { result: Float32Array[]; calls: [string, number][] } => onBackend(WASM_CASES[0], () => onThreads(threads, false, () => {
      manualSeed(3);
      const { out, wrt } = build();
      const y = out as Tensor;
      y.mul(y).sum().backward();
      return [y.dataSync(), ...wrt.map((t) => t.grad!.dataSync())].map((a) => Float32Array.from(a));
    }));
    const one = run(1).result, two = run(2);
    expect(two.calls.filter(([k, nt]) => (k === 'im2col' || k === 'col2im') && nt === 2).length).toBe(2);
    // bit for bit from the conv and GEMM kernels; 1e-6 leaves the reductions (bias gradient) free to split
    one.forEach((a, i) => expectCloseScaled(two.result[i], a, 1e-6, `tensor ${i}`));
  });
});
