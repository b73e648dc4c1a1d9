// train.ts — one full training step (forward, loss, backward, optimizer update) of the two
// models of examples/mnist.ts, in ms per step: tensorloom's nn.Sequential + optim against the
// same model built from tf.layers and stepped by a tf.train optimizer's minimize():
//   mlp-train-step  x (128, 784) -> Linear 256 -> relu -> Linear 10; cross-entropy; SGD lr 0.01
//   cnn-train-step  x (64, 1, 28, 28) -> conv 8 5x5 pad 2 -> relu -> maxpool 2 -> conv 16 5x5
//                   pad 2 -> relu -> maxpool 2 -> flatten (784) -> Linear 10; cross-entropy; Adam lr 1e-3
// Both start from tensorloom's seeded initial weights (copied into tfjs's layouts) and see the same
// batch; the check resets both to those weights, takes one step and compares the loss before and
// after it. tfjs's CNN uses dataFormat 'channelsFirst' (NCHW, as tensorloom), which tfjs-layers
// runs as transposes around its NHWC kernels; channels-last on pre-transposed data was no faster
// (7.0 vs 6.6 s per step), since tfjs-backend-cpu's Conv2DBackpropFilter dominates either way.

import type * as tfjs from '@tensorflow/tfjs';
import * as tl from '../../src/index.js';
import { permute, randomInts, uniform } from '../data.js';
import type { BenchCase, Runner, TensorloomContext, TfjsContext } from '../types.js';

type Model = tl.nn.Module & { forward(x: tl.Tensor): tl.Tensor };
type HostTensor = { data: Float32Array; shape: number[] };

interface TrainSetup {
  /** batch size, input shape (NCHW for images) and class count */
  B: number;
  inShape: number[];
  classes: number;
  seed: number;
  tensorloomModel(): Model;
  tensorloomOptimizer(params: tl.Tensor[]): tl.optim.Optimizer;
  /** the tfjs model, and a tensorloom parameter in tfjs's layout */
  tfjsModel(tf: TfjsContext['tf']): tfjs.Sequential;
  toTfjs(p: HostTensor): HostTensor;
  tfjsOptimizer(tf: TfjsContext['tf']): tfjs.Optimizer;
}

/** tensorloom's initial parameters for `setup`, drawn once from its seed, as host arrays in parameters() order. */
const initialCache = new Map<TrainSetup, HostTensor[]>();
function initialParams(setup: TrainSetup): HostTensor[] {
  let params = initialCache.get(setup);
  if (!params) {
    tl.manualSeed(setup.seed);
    params = setup.tensorloomModel().parameters().map((p) => ({ data: Float32Array.from(p.dataSync()), shape: [...p.shape] }));
    initialCache.set(setup, params);
  }
  return params;
}

const batchOf = (s: TrainSetup): Float32Array => uniform(s.B * s.inShape.reduce((a, b) => a * b, 1), s.seed + 1, 0, 1); // pixels in [0, 1)
const labelsOf = (s: TrainSetup): Int32Array => randomInts(s.B, s.seed + 2, s.classes);

/** Loss before and after the step, and the drop in percent (so a wrong update shows at the losses' scale). */
const lossCheck = (before: number, after: number): number[] => [before, after, (100 * (before - after)) / before];

function tensorloomRunner(s: TrainSetup, { finish }: TensorloomContext): Runner {
  const init = initialParams(s);
  const model = s.tensorloomModel();
  const params = model.parameters();
  const reset = (): void => tl.noGrad(() => params.forEach((p, i) => p.copy_(tl.tensor(init[i].data, { shape: init[i].shape }))));
  reset();
  let opt = s.tensorloomOptimizer(params);
  const lossFn = new tl.nn.CrossEntropyLoss();
  const x = tl.tensor(batchOf(s), { shape: [s.B, ...s.inShape] });
  const y = tl.tensor(labelsOf(s), { shape: [s.B] }); // (B,) int32 class indices
  const step = (): tl.Tensor => {
    const loss = lossFn.forward(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss;
  };
  return {
    run: () => {
      finish(step());
      for (const p of params) finish(p);
    },
    check: () => {
      reset();
      opt = s.tensorloomOptimizer(params);
      const before = step().item();
      const after = tl.noGrad(() => lossFn.forward(model.forward(x), y).item());
      return lossCheck(before, after);
    },
  };
}

function tfjsRunner(s: TrainSetup, { tf, finish }: TfjsContext): Runner {
  const init = initialParams(s).map(s.toTfjs);
  const model = s.tfjsModel(tf);
  const reset = (): void => tf.tidy(() => model.setWeights(init.map((p) => tf.tensor(p.data, p.shape))));
  reset();
  const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  let opt = s.tfjsOptimizer(tf);
  const x = tf.tensor(batchOf(s), [s.B, ...s.inShape]);
  const yOneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labelsOf(s), 'int32'), s.classes).toFloat()); // (B, classes)
  const loss = (): tfjs.Scalar => tf.losses.softmaxCrossEntropy(yOneHot, model.apply(x, { training: true }) as tfjs.Tensor) as tfjs.Scalar;
  const step = (): tfjs.Scalar => opt.minimize(loss, true, vars)!; // mean over the batch, as CrossEntropyLoss
  return {
    run: () => tf.tidy(() => finish(step())),
    check: () =>
      tf.tidy(() => {
        reset();
        opt.dispose();
        opt = s.tfjsOptimizer(tf);
        const before = step().dataSync()[0];
        return lossCheck(before, loss().dataSync()[0]);
      }),
    dispose: () => {
      model.dispose();
      opt.dispose();
      tf.dispose([x, yOneHot]);
    },
  };
}

function trainCase(name: string, description: string, s: TrainSetup, timing?: BenchCase['timing']): BenchCase {
  return {
    name,
    description,
    target: { minRatio: 2, label: `${name}: tensorloom >= 2x tfjs steps/s` },
    timing,
    tensorloom: (ctx) => tensorloomRunner(s, ctx),
    tfjs: (ctx) => tfjsRunner(s, ctx),
  };
}

// Linear weight (out, in) -> dense kernel (in, out); biases are the same in both
const linearToDense = (p: HostTensor): HostTensor =>
  p.shape.length === 2 ? { data: permute(p.data, p.shape, [1, 0]), shape: [p.shape[1], p.shape[0]] } : p;

const mlpSetup: TrainSetup = {
  B: 128,
  inShape: [784],
  classes: 10,
  seed: 400,
  tensorloomModel: () => new tl.nn.Sequential(new tl.nn.Linear(784, 256), new tl.nn.ReLU(), new tl.nn.Linear(256, 10)) as never,
  tensorloomOptimizer: (params) => new tl.optim.SGD(params, { lr: 0.01 }),
  tfjsModel: (tf) =>
    tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }), tf.layers.dense({ units: 10 })],
    }),
  toTfjs: linearToDense,
  tfjsOptimizer: (tf) => tf.train.sgd(0.01),
};

const cnnSetup: TrainSetup = {
  B: 64,
  inShape: [1, 28, 28],
  classes: 10,
  seed: 500,
  tensorloomModel: () =>
    new tl.nn.Sequential(
      new tl.nn.Conv2d(1, 8, 5, { padding: 2 }), new tl.nn.ReLU(), new tl.nn.MaxPool2d(2), // (B, 8, 14, 14)
      new tl.nn.Conv2d(8, 16, 5, { padding: 2 }), new tl.nn.ReLU(), new tl.nn.MaxPool2d(2), // (B, 16, 7, 7)
      new tl.nn.Flatten(), new tl.nn.Linear(16 * 7 * 7, 10), // (B, 784) -> (B, 10)
    ) as never,
  tensorloomOptimizer: (params) => new tl.optim.Adam(params, { lr: 1e-3 }),
  tfjsModel: (tf) =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [1, 28, 28], dataFormat: 'channelsFirst', filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' }), // (B, 8, 14, 14)
        tf.layers.conv2d({ dataFormat: 'channelsFirst', filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst' }), // (B, 16, 7, 7)
        tf.layers.flatten(), // (B, 784) in (c, h, w) order, as nn.Flatten
        tf.layers.dense({ units: 10 }),
      ],
    }),
  // conv weight (outC, inC, kh, kw) -> kernel (kh, kw, inC, outC), whatever the dataFormat
  toTfjs: (p) =>
    p.shape.length === 4 ? { data: permute(p.data, p.shape, [2, 3, 1, 0]), shape: [p.shape[2], p.shape[3], p.shape[1], p.shape[0]] } : linearToDense(p),
  tfjsOptimizer: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8), // torch's eps (tfjs defaults to 1e-7)
};

export const trainCases: BenchCase[] = [
  trainCase('mlp-train-step', 'MLP 784-256-10 (relu), batch 128, cross-entropy, SGD lr 0.01: forward, loss, backward, update', mlpSetup),
  // a tfjs step takes ~7 s (its conv dW loop, see conv.ts): few calls
  trainCase('cnn-train-step', 'MNIST CNN conv8-pool-conv16-pool-linear10 (5x5 pad 2, relu), batch 64, cross-entropy, Adam lr 1e-3: one step', cnnSetup, { warmupCalls: 1, minSamples: 2 }),
];
