// solutions/03-mlp.ts — answers to chapter 3's exercises (docs/tutorial/03-mlp.md): the logistic
// loss on logits written to survive large |z|, and SGD with momentum by hand (PyTorch's rule:
// b ← μ b + g, with b = g on the first step; p ← p − lr b).
// Checked by test/tutorial/03-mlp.test.ts.

import { noGrad, type Tensor } from '../../../src/index.js';

/**
 * mean over elements of −[y log σ(z) + (1 − y) log(1 − σ(z))] = mean(max(z, 0) − z y + log(1 + e^−|z|)):
 * e^−|z| never exceeds 1, so nothing overflows for z = ±1000.
 */
export function bceWithLogits(z: Tensor, y: Tensor): Tensor {
  if (z.shape.join() !== y.shape.join()) throw new Error(`bceWithLogits: logits ${JSON.stringify(z.shape)} and targets ${JSON.stringify(y.shape)} differ in shape`);
  return z.relu().sub(z.mul(y)).add(z.abs().neg().exp().add(1).log()).mean();
}

/** One SGD-with-momentum step; `buffers` holds one momentum buffer per parameter (null before the first step). */
export function sgdMomentumStep(params: Tensor[], buffers: (Tensor | null)[], lr: number, momentum: number): void {
  if (buffers.length !== params.length) throw new Error(`sgdMomentumStep: ${params.length} parameters but ${buffers.length} buffers`);
  noGrad(() => {
    params.forEach((p, i) => {
      if (!p.grad) return;
      const prev = buffers[i];
      const b = prev ? prev.mul(momentum).add(p.grad) : p.grad.clone();
      buffers[i] = b;
      p.sub_(b.mul(lr));
    });
  });
}
