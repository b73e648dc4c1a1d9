// demo.ts — `npm run example:autograd`: fits a 2-layer tanh network to y = sin(x) on [-pi, pi]
// with nothing but tensors and autograd (no nn/optim), printing the loss as it falls. Every
// parameter is a leaf tensor with requiresGrad; each step is forward, backward, and an in-place
// SGD update. At the end it draws two autograd graphs with toDot and renderSvg: micrograd's
// neuron o = tanh(x1·w1 + x2·w2 + b) with every value and gradient (out/autograd-neuron.svg), and
// the network's loss with its parameters named (out/autograd-mlp.svg).

import { mkdirSync, writeFileSync } from 'node:fs';
import { linspace, manualSeed, noGrad, randn, tensor, toDot, zeros, type Tensor } from '../src/index.js';
import { renderSvg } from '../src/node.js';

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

// ---- the graphs ----------------------------------------------------------------------------
async function writeGraph(name: string, output: Tensor, params: Record<string, Tensor>): Promise<void> {
  mkdirSync('out', { recursive: true });
  const dot = toDot(output, { params, values: true });
  writeFileSync(`out/${name}.dot`, dot);
  writeFileSync(`out/${name}.svg`, await renderSvg(dot));
  console.log(`wrote out/${name}.svg (${dot.split('\n').filter((l) => / \[label=/.test(l)).length} nodes)`);
}

// micrograd's neuron: o = tanh(x1·w1 + x2·w2 + b), with b chosen so that o = 1/√2
const leaf = (v: number) => tensor(v, { requiresGrad: true, dtype: 'float64' });
const [x1, x2, w1, w2, b] = [leaf(2), leaf(0), leaf(-3), leaf(1), leaf(6.881373587019543)];
const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
o.backward(); // do/dx1 = w1·(1 − o²) = −1.5, do/dw1 = x1·(1 − o²) = 1, do/dx2 = 0.5, do/dw2 = 0
await writeGraph('autograd-neuron', o, { x1, x2, w1, w2, b });

for (const p of params) p.grad = null;
const loss = x.matmul(W1).add(b1).tanh().matmul(W2).add(b2).sub(y).pow(2).mean();
loss.backward();
await writeGraph('autograd-mlp', loss, { W1, b1, W2, b2 });
