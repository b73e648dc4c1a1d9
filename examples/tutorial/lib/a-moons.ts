// a-moons.ts — chapter 3's toy data: two interleaving half circles in the plane ("two moons", as
// scikit-learn's make_moons) with Gaussian noise from tensorloom's seeded generator, and an ASCII
// picture of a classifier's decision regions over them.
// Reference: sklearn.datasets.make_moons.

import { cat, linspace, ones, randn, tensor, zeros, type Tensor } from '../../../src/index.js';

/**
 * n points (n/2 per moon): x (n, 2), y (n, 1) with 0 for the upper moon and 1 for the lower.
 * Call manualSeed first for the same noise every run.
 */
export function makeMoons(n: number, noise = 0.1): { x: Tensor; y: Tensor } {
  if (!Number.isInteger(n) || n < 2 || n % 2) throw new Error(`makeMoons: n must be an even integer >= 2, got ${n}`);
  const th = linspace(0, Math.PI, n / 2).reshape(-1, 1); // (n/2, 1)
  const upper = cat([th.cos(), th.sin()], 1); // (n/2, 2)
  const lower = cat([th.cos().neg().add(1), th.sin().neg().add(0.5)], 1); // (n/2, 2)
  const x = cat([upper, lower], 0).add(randn([n, 2]).mul(noise)); // (n, 2)
  const y = cat([zeros([n / 2, 1]), ones([n / 2, 1])], 0); // (n, 1)
  return { x, y };
}

/**
 * The plane [-1.5, 2.5] × [-1, 1.5] as a grid of characters: '·' where `logit` < 0 (class 0),
 * ' ' where it is >= 0 (class 1); the points on top as 'o' (class 0) and 'x' (class 1).
 */
export function asciiRegions(logit: (grid: Tensor) => Tensor, x: Tensor, y: Tensor, cols = 64, rows = 20): string {
  const x0 = -1.5, x1 = 2.5, y0 = -1, y1 = 1.5;
  const cells: number[][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) cells.push([x0 + ((c + 0.5) * (x1 - x0)) / cols, y1 - ((r + 0.5) * (y1 - y0)) / rows]);
  }
  const z = logit(tensor(cells)).dataSync(); // (rows · cols)
  const pic: string[][] = Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (z[r * cols + c] < 0 ? '·' : ' ')));
  const xs = x.dataSync(), ys = y.dataSync();
  for (let i = 0; i < ys.length; i++) {
    const c = Math.floor(((xs[2 * i] - x0) / (x1 - x0)) * cols), r = Math.floor(((y1 - xs[2 * i + 1]) / (y1 - y0)) * rows);
    if (r >= 0 && r < rows && c >= 0 && c < cols) pic[r][c] = ys[i] ? 'x' : 'o';
  }
  return pic.map((line) => line.join('').trimEnd()).join('\n');
}
