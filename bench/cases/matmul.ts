// matmul.ts — square float32 matrix products C = A @ B, n = 128 … 1024, in GFLOP/s
// (2 n^3 flops: n^2 outputs, each n multiplies and n adds).

import * as tl from '../../src/index.js';
import { uniform } from '../data.js';
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
    tensorloom: ({ finish }) => {
      const A = tl.tensor(a, { shape: [n, n] }), B = tl.tensor(b, { shape: [n, n] });
      return {
        run: () => finish(A.matmul(B)),
        check: () => probe(A.matmul(B).dataSync()),
      };
    },
    tfjs: ({ tf }) => {
      const A = tf.tensor2d(a, [n, n]), B = tf.tensor2d(b, [n, n]);
      return {
        run: () => tf.tidy(() => void tf.matMul(A, B).dataSync()),
        check: () => tf.tidy(() => probe(tf.matMul(A, B).dataSync())),
        dispose: () => tf.dispose([A, B]),
      };
    },
  };
}

export const matmulCases: BenchCase[] = [128, 256, 512, 1024].map(matmulCase);
