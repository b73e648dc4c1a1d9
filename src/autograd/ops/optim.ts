// optim.ts — fused optimizer updates: one backend call that updates a parameter and its state
// tensors in place (no graph; optimizers run under noGrad). Only for tensors the kernel can take
// (contiguous, one float dtype, one backend); otherwise the caller composes the same update from
// tensor ops (src/optim/adam.ts's adamStepComposed), which a test holds this to bit for bit.
// Reference: torch.optim.Adam / AdamW (the fused implementation's contract).

import type { AdamHyper } from '../../backend/backend.js';
import { isFloating } from '../../tensor/dtype.js';
import { fmt, sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled } from '../engine.js';

export type { AdamHyper };

/** Adam's state tensors for one parameter, under PyTorch's names. */
export interface AdamStateTensors {
  exp_avg: Tensor;
  exp_avg_sq: Tensor;
  /** only with amsgrad */
  max_exp_avg_sq?: Tensor | null;
}

/**
 * One Adam/AdamW step on parameter p with gradient `grad`, in place, by the backend's fused
 * kernel (the update rule is on Backend.adamStep). Returns false, changing nothing, when the
 * tensors don't suit the kernel (a non-contiguous view, mixed dtypes or backends, not float32 or
 * float64): then the caller runs the composed update. Pass `amsgrad` state as max_exp_avg_sq.
 */
export function adamStep(p: Tensor, grad: Tensor, state: AdamStateTensors, h: AdamHyper): boolean {
  const tensors = [p, grad, state.exp_avg, state.exp_avg_sq, ...(state.max_exp_avg_sq ? [state.max_exp_avg_sq] : [])];
  for (const t of tensors) {
    if (!sameShape(t.shape, p.shape)) throw new Error(`adamStep: parameter ${fmt(p.shape)} and a gradient or state tensor of shape ${fmt(t.shape)} must have the same shape`);
  }
  if (isGradEnabled() && p.requiresGrad) throw new Error('adamStep: a parameter that requires grad is being updated in place; wrap the step in noGrad()');
  if (!isFloating(p.dtype) || tensors.some((t) => t.dtype !== p.dtype || t._backend !== p._backend || !t.isContiguous())) return false;
  p._backend.adamStep(
    p._view, grad._view, state.exp_avg._view, state.exp_avg_sq._view, state.max_exp_avg_sq ? state.max_exp_avg_sq._view : null, h, p.dtype,
  );
  return true;
}
