// demo.ts — `npm run example:autograd`: fits a 2-layer tanh network to y = sin(x) on [-pi, pi]
// with nothing but tensors and autograd (no nn/optim), printing the loss as it falls. Every
// parameter is a leaf tensor with requiresGrad; each step is forward, backward, and an in-place
// SGD update.

import { linspace, manualSeed, noGrad, randn, zeros } from '../src/index.js';

manualSeed(0);
const x = linspace(-Math.PI, Math.PI, 256).reshape(-1, 1); // (256, 1)
const y = x.sin(); // (256, 1)

const H = 32;
const W1 = randn([1, H]).mul(1.0).requiresGrad_(); // (1, H)
const b1 = zeros([H], { requiresGrad: true });
const W2 = randn([H, 1]).mul(1 / Math.sqrt(H)).requiresGrad_(); // (H, 1)
const b2 = zeros([1], { requiresGrad: true });
const params = [W1, b1, W2, b2];

const lr = 0.02, steps = 2000;
const t0 = Date.now();
for (let step = 0; step <= steps; step++) {
  const h = x.matmul(W1).add(b1).tanh(); // (256, H)
  const pred = h.matmul(W2).add(b2); // (256, 1)
  const loss = pred.sub(y).pow(2).mean();
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => {
    for (const p of params) p.sub_(p.grad!.mul(lr));
  });
  if (step % 200 === 0) {
    const bar = '#'.repeat(Math.round((step / steps) * 30)).padEnd(30, '.');
    console.log(`[${bar}] step ${String(step).padStart(4)}  loss ${loss.item().toFixed(6)}`);
  }
}
console.log(`fitted sin(x) with a 1-${H}-1 tanh net in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
