// loss.ts — the losses with a backward of their own. Binary cross-entropy on probabilities,
// elementwise (layers/loss.ts adds weights and the reduction): its logs are clamped at -100 as
// PyTorch's, and so is its gradient's denominator, which is what a composed version (clamp's
// gradient is 0 past the clamp) would get wrong at x = 0 or 1. Cross-entropy of (N, C) logits
// against class indices, one loss per row, fused (log-softmax + NLL in one backend kernel, and
// softmax - target as its backward); layers/loss.ts composes the same from logSoftmax and gather,
// which a test holds it to. Every other loss is composed. Shape letters: N rows, C classes.
// Reference: ATen Loss.cpp (binary_cross_entropy, binary_cross_entropy_backward), LossNLL.cpp.

import { isFloating } from '../../tensor/dtype.js';
import { fmt } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, noGrad, record } from '../engine.js';
import { where } from './binary.js';

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

export interface CrossEntropyRowsOptions {
  /** one weight per class (C) in the logits' dtype, not requiring grad; null: all 1 */
  weight: Tensor | null;
  /** rows whose target equals this give loss 0 and gradient 0 */
  ignoreIndex: number;
  /** ε in [0, 1]: the target distribution is (1 - ε) one-hot + ε / C */
  labelSmoothing: number;
}

function checkRows(x: Tensor, target: Tensor, w: Tensor | null): void {
  const op = 'crossEntropy';
  if (!isFloating(x.dtype)) throw new Error(`${op}: logits must be float32 or float64, got ${x.dtype}`);
  if (target.dtype !== 'int32') throw new Error(`${op}: target must be int32 class indices, got ${target.dtype}`);
  if (x.ndim !== 2 || target.ndim !== 1 || target.shape[0] !== x.shape[0]) {
    throw new Error(`${op}: logits ${fmt(x.shape)} and target ${fmt(target.shape)} must be (N, C) and (N)`);
  }
  x._checkSameBackend(op, target);
  if (!w) return;
  x._checkSameBackend(op, w);
  if (w.ndim !== 1 || w.shape[0] !== x.shape[1] || w.dtype !== x.dtype) {
    throw new Error(`${op}: weight ${fmt(w.shape)} (${w.dtype}) must hold one ${x.dtype} value per class of logits ${fmt(x.shape)}`);
  }
  if (w.requiresGrad) throw new Error(`${op}: weight ${fmt(w.shape)} requires grad, which the fused kernel does not give; compose the loss instead`);
}

/**
 * Cross-entropy per row of logits x (N, C) against int32 targets y (N), by the fused kernel:
 * ℓ_i = -(1 - ε) w[y_i] logp_iy - (ε / C) Σ_c w_c logp_ic with logp = logSoftmax(x), 0 where
 * y_i = ignoreIndex. Shape: (N, C), (N) -> (N).
 */
// ℓ_i = (1 - ε) w_y (lse_i - x_iy) + (ε / C) Σ_c w_c (lse_i - x_ic)
// dℓ_i/dx_ic = p_ic Σ_c' a_c' - a_c,   a_c = (1 - ε) w_y [c = y_i] + (ε / C) w_c,   p = softmax(x_i)
export function crossEntropyRows(x: Tensor, target: Tensor, o: CrossEntropyRowsOptions): Tensor {
  checkRows(x, target, o.weight);
  const be = x._backend, [N] = x.shape;
  const kernelOpts = { weight: o.weight ? o.weight._view : null, ignoreIndex: o.ignoreIndex, labelSmoothing: o.labelSmoothing };
  const r = be.crossEntropy(x._view, target._view, kernelOpts, x.dtype);
  const loss = Tensor._fromStorage(be, r.loss, [N], x.dtype);
  const lse = Tensor._fromStorage(be, r.lse, [N], x.dtype);
  return record('crossEntropy', [x], loss, (dl) => {
    if (isGradEnabled()) return [crossEntropyRowsGrad(x, target, o, dl)]; // createGraph
    return [Tensor._fromStorage(be, be.crossEntropyBackward(x._view, target._view, lse._view, dl._view, kernelOpts, x.dtype), x.shape, x.dtype)];
  });
}

/** The gradient above from primitives, differentiable in x and dℓ (a, the smoothed target, is constant). */
function crossEntropyRowsGrad(x: Tensor, target: Tensor, o: CrossEntropyRowsOptions, dl: Tensor): Tensor {
  const [, C] = x.shape, eps = o.labelSmoothing, w = o.weight;
  const ignored = target.eq(o.ignoreIndex);
  const safe = where(ignored, 0, target); // (N), ignored rows read class 0
  const classes = Tensor._fromHost(x._backend, Int32Array.from({ length: C }, (_, c) => c), [C], 'int32');
  const isY = safe.unsqueeze(1).eq(classes).to(x.dtype); // (N, C): [c = y_i]
  const wY = w ? w.indexSelect(0, safe).unsqueeze(1) : 1; // (N, 1)
  const live = ignored.logicalNot().to(x.dtype).unsqueeze(1); // (N, 1)
  const a = isY.mul(wY).mul(1 - eps).add(w ? w.mul(eps / C) : eps / C).mul(live); // (N, C)
  return dl.unsqueeze(1).mul(x.softmax(1).mul(a.sum(1, true)).sub(a));
}
