// datasets.ts — the Classify page's 2-D toy datasets, as in TensorFlow Playground: two
// concentric circles, XOR (the four quadrants), and two interleaved spirals. Points lie in about
// [-1, 1]²; labels are 0 or 1; `noise` is the standard deviation of Gaussian jitter added to each
// coordinate. Every random number comes from tensorloom's generator (manualSeed).

import { rand, randn } from '../../../src/index.js';

export type DatasetName = 'circles' | 'xor' | 'spiral';
export const DATASETS: DatasetName[] = ['circles', 'xor', 'spiral'];

export interface Dataset {
  /** n points, row-major (n, 2) */
  x: Float32Array;
  /** n labels, 0 or 1 */
  y: Float32Array;
  n: number;
}

/** `n` points of dataset `name` with Gaussian noise of standard deviation `noise`. */
export function makeDataset(name: DatasetName, n: number, noise = 0): Dataset {
  if (!DATASETS.includes(name)) throw new Error(`dataset: unknown dataset '${String(name)}' (choose ${DATASETS.join(', ')})`);
  if (!Number.isInteger(n) || n < 2) throw new Error(`dataset: n must be an integer >= 2, got ${n}`);
  if (!(noise >= 0)) throw new Error(`dataset: noise must be >= 0, got ${noise}`);
  const u = rand([n, 2]).dataSync();
  const jitter = randn([n, 2]).dataSync();
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = [u[2 * i], u[2 * i + 1]];
    let p: [number, number];
    if (name === 'circles') {
      // label 1: inner disc of radius 0.5; label 0: ring between 0.7 and 1
      y[i] = i % 2;
      const r = y[i] === 1 ? 0.5 * Math.sqrt(a) : 0.7 + 0.3 * a;
      p = [r * Math.cos(2 * Math.PI * b), r * Math.sin(2 * Math.PI * b)];
    } else if (name === 'xor') {
      // label 1 where the coordinates share a sign; kept 0.05 off the axes
      const c = [2 * a - 1, 2 * b - 1].map((v) => v + Math.sign(v) * 0.05) as [number, number];
      y[i] = c[0] * c[1] > 0 ? 1 : 0;
      p = c;
    } else {
      // arm k (= label) turns 1.75 times, radius growing from 0.05 to 0.95
      y[i] = i % 2;
      const t = Math.floor(i / 2) / Math.ceil(n / 2);
      const angle = 1.75 * 2 * Math.PI * t + Math.PI * y[i];
      const r = 0.05 + 0.9 * t;
      p = [r * Math.sin(angle), r * Math.cos(angle)];
    }
    x[2 * i] = p[0] + noise * jitter[2 * i];
    x[2 * i + 1] = p[1] + noise * jitter[2 * i + 1];
  }
  return { x, y, n };
}
