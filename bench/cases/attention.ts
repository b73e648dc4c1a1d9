// attention.ts — scaled dot-product attention over every head of a batch at once, in ms per call:
//   attention-fwd      O = softmax(Q Kᵀ / sqrt(hs)) V, q, k, v (4, 4, 128, 32) (batch, heads, seq, hs)
//   attention-fwd-bwd  the same, then dQ, dK, dV of sum(O)
// tensorloom: nn.functional.scaledDotProductAttention. tfjs: the same composed from its ops,
// matMul(q, k, false, true) · scale -> softmax -> matMul(p, v) (batched matMul over the two leading
// dims), and tf.grads for the backward. GFLOP/s counts the matmuls: 2 of 2·B·nh·L·S·hs flops
// forward, 4 more backward (dP, dV, dQ, dK), so the rate reads against the matmul cases'.

import type * as tfjs from '@tensorflow/tfjs';
import * as tl from '../../src/index.js';
import { uniform } from '../data.js';
import type { BenchCase } from '../types.js';

const SHAPE = [4, 4, 128, 32]; // (B, nh, L, hs), self-attention so S = L
const [B, NH, L, HS] = SHAPE;
const SCALE = 1 / Math.sqrt(HS);
const N = B * NH * L * HS;
const MATMUL_FLOPS = 2 * B * NH * L * L * HS; // one of Q Kᵀ, P V
// entries in [-2, 2): scores spread over a few units, so the softmax is neither flat nor one-hot
const qData = uniform(N, 900, -2, 2), kData = uniform(N, 901, -2, 2), vData = uniform(N, 902, -1, 1);

/**
 * A few entries spread over a tensor, each over the tensor's rms: O(1) numbers that catch a layout
 * mix-up (as conv.ts's).
 */
function probes(a: ArrayLike<number>): number[] {
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += a[i] * a[i];
  const rms = Math.sqrt(ss / a.length);
  return [0, 0.29, 0.61, 1].map((f) => a[Math.floor(f * (a.length - 1))] / rms);
}

function attentionCase(backward: boolean): BenchCase {
  return {
    name: backward ? 'attention-fwd-bwd' : 'attention-fwd',
    description: `softmax(q kᵀ / sqrt(${HS})) v, q, k, v (${SHAPE.join(', ')})${backward ? ', backward of the sum to q, k and v' : ''}`,
    metric: { unit: 'GFLOP/s', amount: ((backward ? 6 : 2) * MATMUL_FLOPS) / 1e9 },
    target: { minRatio: 2, label: `${backward ? 'attention-fwd-bwd' : 'attention-fwd'}: tensorloom >= 2x tfjs` },
    tensorloom: ({ finish }) => {
      const [q, k, v] = [qData, kData, vData].map((d) => tl.tensor(d, { shape: SHAPE, requiresGrad: backward }));
      const step = (): tl.Tensor => {
        if (!backward) return tl.noGrad(() => tl.nn.functional.scaledDotProductAttention(q, k, v));
        for (const t of [q, k, v]) t.grad = null;
        const out = tl.nn.functional.scaledDotProductAttention(q, k, v); // (B, nh, L, hs)
        out.sum().backward();
        return out;
      };
      return {
        run: () => {
          finish(step());
          if (backward) for (const t of [q, k, v]) finish(t.grad!);
        },
        check: () => {
          const out = step();
          return [...probes(out.dataSync()), ...(backward ? [q, k, v].flatMap((t) => probes(t.grad!.dataSync())) : [])];
        },
      };
    },
    tfjs: ({ tf, finish }) => {
      const [q, k, v] = [qData, kData, vData].map((d) => tf.tensor4d(d, SHAPE as [number, number, number, number]));
      const attend = (q: tfjs.Tensor, k: tfjs.Tensor, v: tfjs.Tensor): tfjs.Tensor =>
        tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), SCALE)), v); // (B, nh, L, L) -> (B, nh, L, hs)
      const grads = tf.grads((q: tfjs.Tensor, k: tfjs.Tensor, v: tfjs.Tensor) => tf.sum(attend(q, k, v)));
      return {
        run: () =>
          tf.tidy(() => {
            if (!backward) return finish(attend(q, k, v));
            finish(grads([q, k, v]));
          }),
        check: () =>
          tf.tidy(() => [
            ...probes(attend(q, k, v).dataSync()),
            ...(backward ? grads([q, k, v]).flatMap((g) => probes(g.dataSync())) : []),
          ]),
        dispose: () => tf.dispose([q, k, v]),
      };
    },
  };
}

export const attentionCases: BenchCase[] = [attentionCase(false), attentionCase(true)];
