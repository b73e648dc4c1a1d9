// elementwise.ts — memory-bound kernels on 1M float32 elements, in GB/s of memory traffic:
// add moves 3 × 4 bytes per element (read a, read b, write c); a full sum reads 4 bytes each.

import * as tl from '../../src/index.js';
import { uniform } from '../data.js';
import type { BenchCase } from '../types.js';

const N = 1 << 20;
const probe = (c: ArrayLike<number>): number[] => [c[0], c[c.length >> 1], c[c.length - 1]];

const add: BenchCase = {
  name: 'add-1M',
  description: `a + b, two contiguous float32 tensors of ${N} elements`,
  metric: { unit: 'GB/s', amount: (3 * 4 * N) / 1e9 },
  target: { minRatio: 1, label: 'add 1M: tensorloom >= 1x tfjs GB/s' },
  tensorloom: ({ finish }) => {
    const a = tl.tensor(uniform(N, 3)), b = tl.tensor(uniform(N, 4));
    return {
      run: () => finish(a.add(b)),
      check: () => probe(a.add(b).dataSync()),
    };
  },
  tfjs: ({ tf, finish }) => {
    const a = tf.tensor1d(uniform(N, 3)), b = tf.tensor1d(uniform(N, 4));
    return {
      run: () => tf.tidy(() => finish(tf.add(a, b))),
      check: () => tf.tidy(() => probe(tf.add(a, b).dataSync())),
      dispose: () => tf.dispose([a, b]),
    };
  },
};

// values in [0, 1) so the sum (~N/2) is far from 0 and float32 accumulation error stays relative
const sum: BenchCase = {
  name: 'sum-1M',
  description: `full sum of a contiguous float32 tensor of ${N} elements`,
  metric: { unit: 'GB/s', amount: (4 * N) / 1e9 },
  target: { minRatio: 1, label: 'sum 1M: tensorloom >= 1x tfjs GB/s' },
  tensorloom: ({ finish }) => {
    const x = tl.tensor(uniform(N, 5, 0, 1));
    return {
      run: () => finish(x.sum()),
      check: () => [x.sum().item()],
    };
  },
  tfjs: ({ tf, finish }) => {
    const x = tf.tensor1d(uniform(N, 5, 0, 1));
    return {
      run: () => tf.tidy(() => finish(tf.sum(x))),
      check: () => tf.tidy(() => [tf.sum(x).dataSync()[0]]),
      dispose: () => x.dispose(),
    };
  },
};

export const elementwiseCases: BenchCase[] = [add, sum];
