// kernels.ts — one case per backend kernel family, so `npm run bench` times every kernel on the
// cpu backend and on each gpujs mode side by side (and against tfjs where it has the same op):
// unary and broadcast binary maps, a strided copy, row reductions, argmax, softmax, layer norm,
// batched matmul, pooling, index-select and gather, cat, and an in-place update (assign).
// Forward only, float32; GB/s counts bytes read and written once.

import * as tl from '../../src/index.js';
import type * as tfjs from '@tensorflow/tfjs';
import { randomInts, uniform } from '../data.js';
import type { BenchCase, TfjsContext } from '../types.js';

const probe = (c: ArrayLike<number>): number[] => [c[0], c[c.length >> 1], c[c.length - 1]];

interface KernelCase {
  name: string;
  description: string;
  /** bytes moved per call (for GB/s), or flops via `gflop` */
  bytes?: number;
  gflop?: number;
  /** builds the tensorloom inputs and returns the op */
  tl: () => () => tl.Tensor;
  /** the same op in tfjs (inputs built once; the op runs inside tf.tidy) */
  tf?: (tf: TfjsContext['tf']) => { op: () => tfjs.Tensor; inputs: tfjs.Tensor[] };
  checkTol?: number;
}

function kernelCase(k: KernelCase): BenchCase {
  return {
    name: k.name,
    description: k.description,
    metric: k.gflop ? { unit: 'GFLOP/s', amount: k.gflop } : { unit: 'GB/s', amount: k.bytes! / 1e9 },
    checkTol: k.checkTol,
    tensorloom: ({ finish }) => {
      const op = k.tl();
      return { run: () => finish(op()), check: () => probe(op().dataSync()) };
    },
    tfjs: k.tf
      ? ({ tf, finish }) => {
          const { op, inputs } = k.tf!(tf);
          return {
            run: () => tf.tidy(() => finish(op())),
            check: () => tf.tidy(() => probe(op().dataSync())),
            dispose: () => tf.dispose(inputs),
          };
        }
      : undefined,
  };
}

const M = 1024, N = 1024, MN = M * N;
const x2 = (seed: number, lo = -1, hi = 1): Float32Array => uniform(MN, seed, lo, hi);

export const kernelCases: BenchCase[] = [
  kernelCase({
    name: 'k-exp-1M', description: 'exp of a contiguous float32 tensor of 1M elements', bytes: 8 * MN,
    tl: () => { const x = tl.tensor(x2(11)); return () => x.exp(); },
    tf: (tf) => { const x = tf.tensor1d(x2(11)); return { op: () => tf.exp(x), inputs: [x] }; },
  }),
  kernelCase({
    name: 'k-add-bcast', description: `(${M}, ${N}) + (${N}) broadcast add`, bytes: 8 * MN + 4 * N,
    tl: () => { const a = tl.tensor(x2(12), { shape: [M, N] }), b = tl.tensor(uniform(N, 13)); return () => a.add(b); },
    tf: (tf) => { const a = tf.tensor2d(x2(12), [M, N]), b = tf.tensor1d(uniform(N, 13)); return { op: () => tf.add(a, b), inputs: [a, b] }; },
  }),
  kernelCase({
    name: 'k-transpose', description: `(${M}, ${N}) transposed and made contiguous (strided copy)`, bytes: 8 * MN,
    tl: () => { const a = tl.tensor(x2(14), { shape: [M, N] }); return () => a.t().contiguous(); },
    tf: (tf) => { const a = tf.tensor2d(x2(14), [M, N]); return { op: () => tf.transpose(a), inputs: [a] }; },
  }),
  kernelCase({
    name: 'k-sum-rows', description: `(${M}, ${N}) summed over dim 1`, bytes: 4 * MN + 4 * M,
    tl: () => { const a = tl.tensor(x2(15), { shape: [M, N] }); return () => a.sum(1); },
    tf: (tf) => { const a = tf.tensor2d(x2(15), [M, N]); return { op: () => tf.sum(a, 1), inputs: [a] }; },
  }),
  kernelCase({
    name: 'k-argmax-rows', description: `argmax of (${M}, ${N}) over dim 1`, bytes: 4 * MN + 4 * M,
    tl: () => { const a = tl.tensor(x2(16), { shape: [M, N] }); return () => a.argmax(1); },
    tf: (tf) => { const a = tf.tensor2d(x2(16), [M, N]); return { op: () => tf.argMax(a, 1), inputs: [a] }; },
  }),
  kernelCase({
    name: 'k-softmax', description: 'softmax of (512, 1000) over the last dim', bytes: 8 * 512 * 1000,
    tl: () => { const a = tl.tensor(uniform(512000, 17, -4, 4), { shape: [512, 1000] }); return () => a.softmax(-1); },
    tf: (tf) => { const a = tf.tensor2d(uniform(512000, 17, -4, 4), [512, 1000]); return { op: () => tf.softmax(a), inputs: [a] }; },
  }),
  kernelCase({
    name: 'k-layernorm', description: 'layer norm of (512, 768) over the last dim, no affine', bytes: 8 * 512 * 768,
    tl: () => { const a = tl.tensor(uniform(512 * 768, 18), { shape: [512, 768] }); return () => tl.nn.functional.layerNorm(a, 768); },
    tf: (tf) => {
      const a = tf.tensor2d(uniform(512 * 768, 18), [512, 768]);
      return { op: () => { const { mean, variance } = tf.moments(a, 1, true); return tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))); }, inputs: [a] };
    },
  }),
  kernelCase({
    name: 'k-bmm', description: 'batched matmul (32, 64, 64) @ (32, 64, 64)', gflop: (2 * 32 * 64 ** 3) / 1e9, checkTol: 1e-3,
    tl: () => { const a = tl.tensor(uniform(32 * 4096, 19), { shape: [32, 64, 64] }), b = tl.tensor(uniform(32 * 4096, 20), { shape: [32, 64, 64] }); return () => a.matmul(b); },
    tf: (tf) => { const a = tf.tensor3d(uniform(32 * 4096, 19), [32, 64, 64]), b = tf.tensor3d(uniform(32 * 4096, 20), [32, 64, 64]); return { op: () => tf.matMul(a, b), inputs: [a, b] }; },
  }),
  // pooling: tensorloom is NCHW, tfjs NHWC; the check probes are layout-dependent, so only tfjs's
  // speed is compared (no tfjs check) by giving tfjs its own layout of the same sizes
  kernelCase({
    name: 'k-maxpool2d', description: 'max pool 2x2 stride 2 of (32, 16, 24, 24)', bytes: 4 * 32 * 16 * 24 * 24 * 1.25,
    tl: () => { const a = tl.tensor(uniform(32 * 16 * 576, 21), { shape: [32, 16, 24, 24] }); return () => tl.nn.functional.maxPool2d(a, 2); },
  }),
  kernelCase({
    name: 'k-avgpool2d', description: 'average pool 3x3 stride 1 pad 1 of (32, 16, 24, 24)', bytes: 4 * 32 * 16 * 24 * 24 * 2,
    tl: () => { const a = tl.tensor(uniform(32 * 16 * 576, 22), { shape: [32, 16, 24, 24] }); return () => tl.nn.functional.avgPool2d(a, 3, { stride: 1, padding: 1 }); },
  }),
  kernelCase({
    name: 'k-index-select', description: 'rows of a (10000, 128) table picked by 4096 indices (embedding lookup)', bytes: 2 * 4 * 4096 * 128,
    tl: () => { const t = tl.tensor(uniform(10000 * 128, 23), { shape: [10000, 128] }), i = tl.tensor(randomInts(4096, 24, 10000)); return () => t.indexSelect(0, i); },
    tf: (tf) => { const t = tf.tensor2d(uniform(10000 * 128, 23), [10000, 128]), i = tf.tensor1d(randomInts(4096, 24, 10000), 'int32'); return { op: () => tf.gather(t, i), inputs: [t, i] }; },
  }),
  kernelCase({
    name: 'k-gather-dim1', description: 'torch.gather of 16 columns per row from (1024, 1000)', bytes: 2 * 4 * 1024 * 16,
    tl: () => { const t = tl.tensor(uniform(1024000, 25), { shape: [1024, 1000] }), i = tl.tensor(randomInts(1024 * 16, 26, 1000), { shape: [1024, 16] }); return () => t.gather(1, i); },
  }),
  kernelCase({
    name: 'k-cat', description: 'cat of two (512, 1024) tensors along dim 1', bytes: 2 * 4 * 2 * 512 * 1024,
    tl: () => { const a = tl.tensor(uniform(512 * 1024, 27), { shape: [512, 1024] }), b = tl.tensor(uniform(512 * 1024, 28), { shape: [512, 1024] }); return () => tl.cat([a, b], 1); },
    tf: (tf) => { const a = tf.tensor2d(uniform(512 * 1024, 27), [512, 1024]), b = tf.tensor2d(uniform(512 * 1024, 28), [512, 1024]); return { op: () => tf.concat([a, b], 1), inputs: [a, b] }; },
  }),
  kernelCase({
    name: 'k-add-inplace', description: 'in-place a.add_(b) on 1M elements (an optimizer-style update; assign)', bytes: 12 * MN,
    tl: () => { const a = tl.tensor(x2(29)), b = tl.tensor(x2(30, -1e-3, 1e-3)); return () => a.add_(b); },
  }),
];
