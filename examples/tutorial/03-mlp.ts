// 03-mlp.ts — tutorial chapter 3 (docs/tutorial/03-mlp.md): a 2-16-16-1 tanh MLP on two moons,
// by hand (weight tensors with requiresGrad, the logistic loss written out, manual SGD) and with
// nn.Sequential, nn.Linear, nn.BCEWithLogitsLoss and optim.SGD, initialised identically and run in
// lockstep; then the nn model's graph drawn with toDot (out/tutorial/03-mlp-graph.{dot,svg}).
// Run: npx tsx examples/tutorial/03-mlp.ts

import { manualSeed, nn, noGrad, optim, rand, toDot, type Tensor } from '../../src/index.js';
import { writeGraph } from './lib/a-dot.js';
import { asciiRegions, makeMoons } from './lib/a-moons.js';

manualSeed(0);
const { x, y } = makeMoons(200, 0.1); // x (200, 2), y (200, 1) of 0/1

// ---- 1. by hand ---------------------------------------------------------------------------------
// Linear's default init (PyTorch's): W ~ U(±b) with b = √3 · gain / √fanIn, gain = √(2 / (1 + 5))
// (kaiming_uniform with a = √5), i.e. b = 1/√fanIn; the bias ~ U(±1/√fanIn). Drawn W first, then b.
function initLinear(fanIn: number, fanOut: number): [Tensor, Tensor] {
  const a = Math.sqrt(5), gain = Math.sqrt(2 / (1 + a * a));
  const bw = Math.sqrt(3) * (gain / Math.sqrt(fanIn)), bb = 1 / Math.sqrt(fanIn);
  const W = rand([fanOut, fanIn], { dtype: 'float64' }).mul(2 * bw).sub(bw).float().requiresGrad_(); // (out, in)
  const b = rand([fanOut], { dtype: 'float64' }).mul(2 * bb).sub(bb).float().requiresGrad_(); // (out)
  return [W, b];
}
manualSeed(1);
const [W1, b1] = initLinear(2, 16);
const [W2, b2] = initLinear(16, 16);
const [W3, b3] = initLinear(16, 1);
const params = [W1, b1, W2, b2, W3, b3];

function mlp(input: Tensor): Tensor {
  const h1 = input.matmul(W1.t()).add(b1).tanh(); // (N, 16)
  const h2 = h1.matmul(W2.t()).add(b2).tanh(); // (N, 16)
  return h2.matmul(W3.t()).add(b3); // (N, 1) logits
}

// loss = mean(log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0) = mean(max(z, 0) - z y + log(1 + e^-|z|))
function logisticLoss(z: Tensor, target: Tensor): Tensor {
  return z.relu().sub(z.mul(target)).add(z.abs().neg().exp().add(1).log()).mean();
}

// ---- 2. with the library ------------------------------------------------------------------------
manualSeed(1);
const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 1));
const lossFn = new nn.BCEWithLogitsLoss();
const lr = 0.5;
const opt = new optim.SGD(model.parameters(), { lr });

console.log('## init');
const named = model.namedParameters();
named.forEach(([name, p], i) => {
  const same = p.sub(params[i]).abs().max().item() === 0;
  console.log(`${name.padEnd(8)} ${JSON.stringify(p.shape).padEnd(8)} identical to the hand-made tensor: ${same}`);
});

// ---- 3. train both in lockstep ------------------------------------------------------------------
const accuracy = (z: Tensor): number => z.gt(0).float().eq(y).float().mean().item();
console.log('\n## train');
console.log('step   loss by hand   loss nn   accuracy');
let worst = 0;
const steps = 300;
for (let step = 0; step <= steps; step++) {
  // by hand: forward, zero the grads, backward, p <- p - lr · dL/dp
  const z = mlp(x);
  const loss = logisticLoss(z, y);
  for (const p of params) p.grad = null;
  loss.backward();
  noGrad(() => { for (const p of params) p.sub_(p.grad!.mul(lr)); });

  // the library: the same four steps
  const zNN = model.forward(x);
  const lossNN = lossFn.forward(zNN, y);
  opt.zeroGrad();
  lossNN.backward();
  opt.step();

  worst = Math.max(worst, Math.abs(loss.item() - lossNN.item()));
  if (step % 30 === 0) {
    console.log(`${String(step).padStart(4)}   ${loss.item().toFixed(5).padStart(12)}   ${lossNN.item().toFixed(5).padStart(7)}   ${(accuracy(zNN) * 100).toFixed(1).padStart(7)}%`);
  }
}
console.log(`largest |loss by hand - loss nn| over ${steps + 1} steps: ${worst < 1e-5 ? '< 1e-5' : worst.toExponential(2)}`);

console.log('\n## regions');
console.log('after training: o = upper moon (class 0), x = lower moon (class 1), · = where the net says class 0');
console.log(noGrad(() => asciiRegions((g) => model.forward(g), x, y)));

// ---- 4. the graph of the nn model's loss -----------------------------------------------------------
// drawn before any backward through it, so the boxes hold only exact facts (names, shapes, dtypes);
// after lossNow.backward() they would also show each gradient's norm
console.log('\n## graph');
opt.zeroGrad();
const lossNow = lossFn.forward(model.forward(x), y);
const dot = toDot(lossNow, { params: model, rankdir: 'TB' });
const [dotPath, svgPath] = await writeGraph('03-mlp-graph', dot);
const ops = [...dot.matchAll(/^ {2}op\d+ \[label="(\w+)/gm)].map((m) => m[1]);
const leaves = [...dot.matchAll(/^ {2}leaf\d+ \[label="(.*?)\\n(\[.*?\])/gm)].map((m) => `${m[1]} ${m[2]}`);
console.log(`${ops.length} ops, ${leaves.length} parameters (${leaves.join(', ')}), ${(dot.match(/^ {2}const\d+ \[/gm) ?? []).length} inputs that need no gradient`);
console.log(`the ops in forward order:\n${ops.join(' ')}`);
console.log(`wrote ${dotPath} and ${svgPath}`);
