// matmul.ts — square float32 matrix products C = A @ B, n = 128 … 2048, in GFLOP/s
// (2 n^3 flops: n^2 outputs, each n multiplies and n adds). At n = 2048 (17 GFLOP a call) the
// slowest columns sit out (tfjs on cpu ~1 GFLOP/s and gpujs's cpu mode would take ~40-60 s a call)
// and the rest take one warmup call and one sample.

import * as tl from '../../src/index.js';
import { uniform } from '../data.js';
import { TFJS_CPU, TL_GPUJS_CPU } from '../columns.js';
import type { BenchCase } from '../types.js';

/** A few entries of C spread over the matrix (first, middle, last). */
const probe = (c: ArrayLike<number>): number[] => [c[0], c[c.length >> 1], c[c.length - 1]];

function matmulCase(n: number): BenchCase {
  const a = uniform(n * n, 1), b = uniform(n * n, 2);
  return {
    name: `matmul-${n}`,
    description: `(${n},${n}) @ (${n},${n}) float32`,
    metric: { unit: 'GFLOP/s', amount: (2 * n ** 3) / 1e9 },
    target: n === 512 ? { minRatio: 2, label: 'matmul 512: tensorloom >= 2x tfjs GFLOP/s' } : undefined,
    ...(n >= 2048
      ? {
          timing: { warmupCalls: 1, minSamples: 1 },
          skip: { [TFJS_CPU]: 'skipped at n = 2048 (~40 s a call)', [TL_GPUJS_CPU]: 'skipped at n = 2048 (~60 s a call)' },
        }
      : {}),
    tensorloom: ({ finish }) => {
      const A = tl.tensor(a, { shape: [n, n] }), B = tl.tensor(b, { shape: [n, n] });
      return {
        run: () => finish(A.matmul(B)),
        check: () => probe(A.matmul(B).dataSync()),
      };
    },
    tfjs: ({ tf, finish }) => {
      const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
      return {
        run: () => tf.tidy(() => finish(tf.matMul(A, B))),
        check: () => tf.tidy(() => probe(tf.matMul(A, B).dataSync())),
        dispose: () => tf.dispose([A, B]),
      };
    },
  };
}

export const matmulCases: BenchCase[] = [128, 256, 512, 1024, 2048].map(matmulCase);
