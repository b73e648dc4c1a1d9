// conv.ts — conv2d forward + backward on the two conv layers of a small MNIST CNN, batch 64:
//   conv2d-fwd-bwd-28  x (64, 1, 28, 28)  * w (16, 1, 5, 5) pad 2  -> y (64, 16, 28, 28); dW, db
//   conv2d-fwd-bwd-14  x (64, 16, 14, 14) * w (32, 16, 5, 5) pad 2 -> y (64, 32, 14, 14); dX, dW, db
// with loss = sum(y), so dy = 1 (the first layer's input is data: no dX); and a forward alone:
//   conv2d-fwd-32      x (8, 16, 32, 32)  * w (32, 16, 3, 3) pad 1  -> y (8, 32, 32, 32), no bias
// GFLOP/s counts the
// matmuls a convolution is made of, 2 N outC oh ow C kh kw flops each for y, dW and dX, so the
// rate reads against the matmul cases' and the gap is im2col/col2im and bias overhead.
// tfjs: tf.conv2d in its native NHWC layout (x transposed once at setup) and tf.grads.
// (Folded from a one-off script that timed these two layers against their matmuls alone.)

import type * as tfjs from '@tensorflow/tfjs';
import * as tl from '../../src/index.js';
import { permute, uniform } from '../data.js';
import type { BenchCase } from '../types.js';

/**
 * A few entries spread over a tensor, each over the tensor's rms: O(1) numbers that catch a layout
 * mix-up. The fractions are off the powers of two, since with dy = 1 every dW[o] and dX[n] is alike.
 */
function probes(a: ArrayLike<number>): number[] {
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += a[i] * a[i];
  const rms = Math.sqrt(ss / a.length);
  return [0, 0.29, 0.61, 1].map((f) => a[Math.floor(f * (a.length - 1))] / rms);
}

function convCase(x: [number, number, number, number], w: [number, number, number, number], inputGrad: boolean): BenchCase {
  const [N, C, H, W] = x, [outC, , kh, kw] = w;
  const pad = (kh - 1) / 2; // 'same' for odd kernels at stride 1: oh = H, ow = W
  const matmulFlops = 2 * N * outC * H * W * C * kh * kw;
  const bound = 1 / Math.sqrt(C * kh * kw); // PyTorch's default init range
  const xData = uniform(N * C * H * W, 600 + C, -1, 1), wData = uniform(outC * C * kh * kw, 700 + C, -bound, bound);
  const bData = uniform(outC, 800 + C, -bound, bound);
  return {
    name: `conv2d-fwd-bwd-${H}`,
    description: `conv2d (${x.join(', ')}) * (${w.join(', ')}) pad ${pad} + bias, sum, backward to ${inputGrad ? 'x, ' : ''}w and b`,
    metric: { unit: 'GFLOP/s', amount: ((inputGrad ? 3 : 2) * matmulFlops) / 1e9 },
    // tfjs-backend-cpu's dW loop (Conv2DBackpropFilter, a TensorBuffer.get per multiply) takes
    // ~3 s here for the 28x28 layer and ~20 s for the 14x14 one, so one warmup call and one or two
    // samples (the total bench stays under 4 minutes); at seconds a call, the spread is small
    timing: { warmupCalls: 1, minSamples: inputGrad ? 1 : 2 },
    tensorloom: ({ finish }) => {
      const xt = tl.tensor(xData, { shape: x, requiresGrad: inputGrad });
      const wt = tl.tensor(wData, { shape: w, requiresGrad: true });
      const bt = tl.tensor(bData, { requiresGrad: true });
      const leaves = inputGrad ? [xt, wt, bt] : [wt, bt];
      const step = (): tl.Tensor => {
        for (const t of leaves) t.grad = null;
        const y = tl.nn.functional.conv2d(xt, wt, bt, { padding: pad }); // (N, outC, H, W)
        y.sum().backward();
        return y;
      };
      return {
        run: () => {
          finish(step());
          for (const t of leaves) finish(t.grad!);
        },
        check: () => {
          const y = step();
          return [...probes(y.dataSync()), ...probes(wt.grad!.dataSync()), ...(inputGrad ? probes(xt.grad!.dataSync()) : [])];
        },
      };
    },
    tfjs: ({ tf, finish }) => {
      const xt = tf.tensor4d(permute(xData, x, [0, 2, 3, 1]), [N, H, W, C]); // NCHW -> NHWC
      const wt = tf.tensor4d(permute(wData, w, [2, 3, 1, 0]), [kh, kw, C, outC]); // (outC, C, kh, kw) -> (kh, kw, C, outC)
      const bt = tf.tensor1d(bData);
      const conv = (xi: tfjs.Tensor4D, wi: tfjs.Tensor4D, bi: tfjs.Tensor1D): tfjs.Tensor4D => tf.add(tf.conv2d(xi, wi, 1, pad), bi); // (N, H, W, outC)
      const loss = (xi: tfjs.Tensor4D, wi: tfjs.Tensor4D, bi: tfjs.Tensor1D): tfjs.Scalar => tf.sum(conv(xi, wi, bi));
      // d loss / d [x,] w, b
      const grads = (): tfjs.Tensor[] =>
        inputGrad
          ? tf.grads(loss as (...a: tfjs.Tensor[]) => tfjs.Scalar)([xt, wt, bt])
          : tf.grads((wi: tfjs.Tensor, bi: tfjs.Tensor) => loss(xt, wi as tfjs.Tensor4D, bi as tfjs.Tensor1D))([wt, bt]);
      // NHWC / (kh, kw, C, outC) results back to tensorloom's NCHW / (outC, C, kh, kw) for the check
      const nchw = (t: tfjs.Tensor): Float32Array => permute(t.dataSync() as Float32Array, t.shape, [0, 3, 1, 2]);
      return {
        run: () => tf.tidy(() => finish(grads())),
        check: () =>
          tf.tidy(() => {
            const g = grads();
            const [dx, dw] = inputGrad ? [g[0], g[1]] : [null, g[0]];
            return [
              ...probes(nchw(conv(xt, wt, bt))),
              ...probes(permute(dw.dataSync() as Float32Array, dw.shape, [3, 2, 0, 1])),
              ...(dx ? probes(nchw(dx)) : []),
            ];
          }),
        dispose: () => tf.dispose([xt, wt, bt]),
      };
    },
  };
}

/** conv2d forward alone, no bias, stride 1, 'same' padding; each library in its native layout (tfjs NHWC). */
function convForwardCase(x: [number, number, number, number], w: [number, number, number, number]): BenchCase {
  const [N, C, H, W] = x, [outC, , kh, kw] = w;
  const pad = (kh - 1) / 2;
  const bound = 1 / Math.sqrt(C * kh * kw);
  const xData = uniform(N * C * H * W, 650 + C, -1, 1), wData = uniform(outC * C * kh * kw, 750 + C, -bound, bound);
  return {
    name: `conv2d-fwd-${H}`,
    description: `conv2d forward (${x.join(', ')}) * (${w.join(', ')}) pad ${pad}, no bias`,
    metric: { unit: 'GFLOP/s', amount: (2 * N * outC * H * W * C * kh * kw) / 1e9 },
    tensorloom: ({ finish }) => {
      const xt = tl.tensor(xData, { shape: x }), wt = tl.tensor(wData, { shape: w });
      const fwd = (): tl.Tensor => tl.noGrad(() => tl.nn.functional.conv2d(xt, wt, null, { padding: pad })); // (N, outC, H, W)
      return {
        run: () => finish(fwd()),
        check: () => probes(fwd().dataSync()),
      };
    },
    tfjs: ({ tf, finish }) => {
      const xt = tf.tensor4d(permute(xData, x, [0, 2, 3, 1]), [N, H, W, C]); // NCHW -> NHWC, once
      const wt = tf.tensor4d(permute(wData, w, [2, 3, 1, 0]), [kh, kw, C, outC]);
      return {
        run: () => tf.tidy(() => finish(tf.conv2d(xt, wt, 1, pad))),
        check: () => tf.tidy(() => {
          const y = tf.conv2d(xt, wt, 1, pad); // (N, H, W, outC) -> NCHW for the check
          return probes(permute(y.dataSync() as Float32Array, y.shape, [0, 3, 1, 2]));
        }),
        dispose: () => tf.dispose([xt, wt]),
      };
    },
  };
}

export const convCases: BenchCase[] = [
  convForwardCase([8, 16, 32, 32], [32, 16, 3, 3]),
  convCase([64, 1, 28, 28], [16, 1, 5, 5], false),
  convCase([64, 16, 14, 14], [32, 16, 5, 5], true),
];
