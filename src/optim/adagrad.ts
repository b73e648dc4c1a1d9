// adagrad.ts — Adagrad (Duchi, Hazan & Singer 2011): per-coordinate steps scaled by the root of
// the sum of all past squared gradients, with PyTorch's learning-rate decay. State per
// parameter: step and sum, created when the optimizer is built (as PyTorch does), sum starting
// at initialAccumulatorValue. Reference: torch.optim.Adagrad docs and _single_tensor_adagrad.

import type { Tensor } from '../tensor/tensor.js';
import { checkNonNegative } from '../check.js';
import { fullLikeParam, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad. For each parameter θ with gradient g, at step t (from 1):
 *
 *     if maximize:     g = -g
 *     if weightDecay:  g = g + λ θ
 *     clr = lr / (1 + (t - 1) lrDecay)
 *     s = s + g²                                sum (starts at initialAccumulatorValue)
 *     θ = θ - clr g / (sqrt(s) + eps)
 *
 * Example: `const opt = new Adagrad(model.parameters(), {lr: 0.1});`
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };
    super('Adagrad', params, defaults, options);
    for (const group of this.paramGroups) for (const p of group.params) this.initState(p, group);
  }

  private initState(p: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    const state = { step: 0, sum: fullLikeParam(p, group.initialAccumulatorValue) };
    this.state.set(p, state);
    return state;
  }

  protected validateGroup(g: ParamGroup<AdagradOptions>): void {
    checkNonNegative('Adagrad', 'lr', g.lr);
    checkNonNegative('Adagrad', 'lrDecay', g.lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', g.weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', g.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', g.eps);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      if (!p.grad) continue;
      let g = maximize ? p.grad.neg() : p.grad;
      // a group added after construction gets its state on its first step
      const state = this.state.get(p) ?? this.initState(p, group);
      const step = ++state.step;

      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      const clr = lr / (1 + (step - 1) * lrDecay);
      const s = state.sum.add_(g.mul(g));
      const std = s.sqrt().add(eps);
      p.sub_(g.div(std).mul(clr));
    }
  }
}
