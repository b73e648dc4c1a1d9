// rmsprop.ts — RMSprop (Hinton, Coursera lecture 6e): divide the gradient by a running RMS of
// recent gradients; the centered variant (Graves 2013) subtracts the running mean's square
// first, and momentum accumulates the scaled steps. State per parameter: step, square_avg,
// momentum_buffer (momentum > 0), grad_avg (centered). Reference: torch.optim.RMSprop docs
// (algorithm box) and _single_tensor_rmsprop.

import type { Tensor } from '../tensor/tensor.js';
import { checkNonNegative } from '../check.js';
import { fullLikeParam, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the running averages. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * RMSprop. For each parameter θ with gradient g:
 *
 *     if maximize:     g = -g
 *     if weightDecay:  g = g + λ θ
 *     v = α v + (1 - α) g²                          square_avg
 *     if centered:     ḡ = α ḡ + (1 - α) g          grad_avg
 *                      v' = v - ḡ²   else v' = v
 *     if momentum:     b = μ b + g / (sqrt(v') + eps);   θ = θ - lr b
 *     else:            θ = θ - lr g / (sqrt(v') + eps)
 *
 * Example: `const opt = new RMSprop(model.parameters(), {lr: 1e-3, centered: true});`
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
    super('RMSprop', params, defaults, options);
  }

  protected validateGroup(g: ParamGroup<RMSpropOptions>): void {
    checkNonNegative('RMSprop', 'lr', g.lr);
    checkNonNegative('RMSprop', 'eps', g.eps);
    checkNonNegative('RMSprop', 'momentum', g.momentum);
    checkNonNegative('RMSprop', 'weightDecay', g.weightDecay);
    checkNonNegative('RMSprop', 'alpha', g.alpha);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      if (!p.grad) continue;
      let g = maximize ? p.grad.neg() : p.grad;
      let state = this.state.get(p);
      if (!state) {
        state = { step: 0, square_avg: fullLikeParam(p) };
        this.state.set(p, state);
      }
      // created lazily too, so a scheduler may switch momentum on after the first step
      if (momentum > 0 && !state.momentum_buffer) state.momentum_buffer = fullLikeParam(p);
      if (centered && !state.grad_avg) state.grad_avg = fullLikeParam(p);
      state.step++;

      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      const v = state.square_avg.mul_(alpha).add_(g.mul(g).mul(1 - alpha));
      let avg: Tensor;
      if (centered) {
        const gAvg = state.grad_avg!.mul_(alpha).add_(g.mul(1 - alpha));
        avg = v.sub(gAvg.mul(gAvg)).sqrt();
      } else {
        avg = v.sqrt();
      }
      avg = avg.add(eps);
      if (momentum > 0) {
        const buf = state.momentum_buffer!.mul_(momentum).add_(g.div(avg));
        p.sub_(buf.mul(lr));
      } else {
        p.sub_(g.div(avg).mul(lr));
      }
    }
  }
}
