// loss.ts — the one loss with a backward of its own: binary cross-entropy on probabilities,
// elementwise (layers/loss.ts adds weights and the reduction). Its logs are clamped at -100 as
// PyTorch's, and so is its gradient's denominator, which is what a composed version (clamp's
// gradient is 0 past the clamp) would get wrong at x = 0 or 1. Every other loss is composed.
// Reference: ATen Loss.cpp (binary_cross_entropy, binary_cross_entropy_backward).

import type { Tensor } from '../../tensor/tensor.js';
import { noGrad, record } from '../engine.js';

/** [max(log x, -100), max(log(1 - x), -100)] */
function clampedLogs(x: Tensor): [Tensor, Tensor] {
  return [x.log().clamp(-100), x.neg().add(1).log().clamp(-100)];
}

// ℓ = -(t·max(log x, -100) + (1 - t)·max(log(1 - x), -100))
// dℓ/dx = (x - t) / max(x (1 - x), 1e-12)    PyTorch's binary_cross_entropy_backward: finite at
//                                            x = 0 or 1, where the clamped logs' derivative is not
// dℓ/dt = max(log(1 - x), -100) - max(log x, -100)
export function binaryCrossEntropyTerms(x: Tensor, t: Tensor): Tensor {
  const y = noGrad(() => {
    const [logX, log1mX] = clampedLogs(x);
    return t.mul(logX).add(t.neg().add(1).mul(log1mX)).neg();
  });
  return record('binaryCrossEntropy', [x, t], y, (dy) => {
    const dx = x.requiresGrad ? dy.mul(x.sub(t)).div(x.mul(x.neg().add(1)).maximum(1e-12)) : null;
    let dt: Tensor | null = null;
    if (t.requiresGrad) {
      const [logX, log1mX] = clampedLogs(x);
      dt = dy.mul(log1mX.sub(logX));
    }
    return [dx, dt];
  });
}
