// mlp.ts — one training step's forward + backward of a 4-layer MLP, in ms per step:
//   x (B, 784) -> Linear 512 -> relu -> Linear 256 -> relu -> Linear 128 -> relu -> Linear 10
//   loss = mean_i -log softmax(logits_i)[y_i]   (cross-entropy written from logSoftmax)
// B = 64. Both libraries start from the same weights, so loss and gradients must agree.
// Linear is x @ W^T + b with W (out, in), as torch.nn.Linear (so matmul sees a transposed view).

import type * as tfjs from '@tensorflow/tfjs';
import * as tl from '../../src/index.js';
import { randomInts, uniform } from '../data.js';
import type { BenchCase } from '../types.js';

const B = 64, SIZES = [784, 512, 256, 128, 10];
const LAYERS = SIZES.slice(1).map((out, l) => ({ inF: SIZES[l], out }));
const C = SIZES[SIZES.length - 1];

// PyTorch's default Linear init range: U(-1/sqrt(in), 1/sqrt(in)) for W and b
const weights = LAYERS.map(({ inF, out }, l) => ({
  w: uniform(out * inF, 100 + l, -1 / Math.sqrt(inF), 1 / Math.sqrt(inF)),
  b: uniform(out, 200 + l, -1 / Math.sqrt(inF), 1 / Math.sqrt(inF)),
}));
const xData = uniform(B * SIZES[0], 300, 0, 1);
const labels = randomInts(B, 301, C);

/** Loss, then the squared norm of the first and last weight gradients and the last bias's. */
const CHECK_PARAMS = [0, 2 * LAYERS.length - 2, 2 * LAYERS.length - 1];

export const mlpCase: BenchCase = {
  name: 'mlp-fwd-bwd',
  description: `MLP ${SIZES.join('-')}, batch ${B}, relu, softmax cross-entropy; forward + backward`,
  checkTol: 1e-3,
  tensorloom: ({ finish }) => {
    const x = tl.tensor(xData, { shape: [B, SIZES[0]] });
    const y = tl.tensor(labels, { shape: [B, 1] }); // (B, 1) int32 for gather
    const params = LAYERS.flatMap(({ inF, out }, l) => [
      tl.tensor(weights[l].w, { shape: [out, inF], requiresGrad: true }),
      tl.tensor(weights[l].b, { requiresGrad: true }),
    ]);
    const step = (): tl.Tensor => {
      for (const p of params) p.grad = null;
      let h = x;
      LAYERS.forEach((_, l) => {
        h = h.matmul(params[2 * l].t()).add(params[2 * l + 1]); // (B, out)
        if (l < LAYERS.length - 1) h = h.relu();
      });
      const loss = h.logSoftmax(1).gather(1, y).mean().neg(); // (B, C) -> (B, 1) -> ()
      loss.backward();
      return loss;
    };
    return {
      run: () => {
        finish(step());
        for (const p of params) finish(p.grad!);
      },
      check: () => {
        const loss = step().item();
        return [loss, ...CHECK_PARAMS.map((i) => params[i].grad!.mul(params[i].grad!).sum().item())];
      },
    };
  },
  tfjs: ({ tf, finish }) => {
    const x = tf.tensor2d(xData, [B, SIZES[0]]);
    const yOneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), C), 'float32')); // (B, C)
    // tidy frees the initial values; variables survive it
    const params = tf.tidy(() => LAYERS.flatMap(({ inF, out }, l) => [
      tf.variable(tf.tensor2d(weights[l].w, [out, inF])),
      tf.variable(tf.tensor1d(weights[l].b)),
    ]));
    const lossFn = (): tfjs.Scalar => {
      let h: tfjs.Tensor2D = x;
      LAYERS.forEach((_, l) => {
        h = tf.add(tf.matMul(h, params[2 * l] as tfjs.Tensor2D, false, true), params[2 * l + 1]);
        if (l < LAYERS.length - 1) h = tf.relu(h);
      });
      // log p[y] picked with one-hot labels, the tfjs idiom (tf.losses.softmaxCrossEntropy); tf.gather
      // with batchDims works too but its gradient splits the batch into B separate ops
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(h), yOneHot), 1))) as tfjs.Scalar;
    };
    return {
      run: () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(lossFn, params);
          finish([value, ...Object.values(grads)]);
        }),
      check: () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(lossFn, params);
          const g = params.map((p) => grads[p.name]);
          return [value.dataSync()[0], ...CHECK_PARAMS.map((i) => tf.sum(tf.square(g[i])).dataSync()[0])];
        }),
      dispose: () => tf.dispose([x, yOneHot, ...params]),
    };
  },
};
