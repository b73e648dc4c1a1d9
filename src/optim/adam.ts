// adam.ts — Adam (Kingma & Ba 2015) with bias-corrected moments, the AMSGrad variant (Reddi et
// al. 2018) and maximize; AdamW (Loshchilov & Hutter 2019) is the same update with decoupled
// weight decay θ ← θ (1 - lr λ) instead of an L2 term in the gradient. State per parameter:
// step, exp_avg, exp_avg_sq, max_exp_avg_sq (amsgrad). Each parameter's update is one fused
// backend call (autograd/ops/optim.ts's adamStep) when its tensors suit it, else the same update
// composed from tensor ops (adamStepComposed); the two agree bit for bit. Reference:
// torch.optim.Adam / AdamW docs (algorithm boxes) and _single_tensor_adam.

import type { Tensor } from '../tensor/tensor.js';
import { check, checkNonNegative } from '../check.js';
import { adamStep, type AdamHyper, type AdamStateTensors } from '../autograd/ops/optim.js';
import { fullLikeParam, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment averages. */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW's decoupled decay θ ← θ(1 - lr λ) instead of g ← g + λθ (false for Adam, true for AdamW). */
  decoupledWeightDecay: boolean;
}

type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

/**
 * Adam. For each parameter θ with gradient g, at step t (from 1):
 *
 *     if maximize:     g = -g
 *     if weightDecay:  decoupled ? θ = θ (1 - lr λ) : g = g + λ θ
 *     m = β1 m + (1 - β1) g                       exp_avg
 *     v = β2 v + (1 - β2) g²                      exp_avg_sq
 *     if amsgrad:      v̂max = max(v̂max, v), use it in place of v below
 *     θ = θ - lr / (1 - β1^t) · m / (sqrt(v) / sqrt(1 - β2^t) + eps)
 *
 * Example: `const opt = new Adam(model.parameters(), {lr: 3e-4});`
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /** Name in error messages, and whether weight decay is decoupled by default (AdamW overrides). */
  static readonly optimizerName: string = 'Adam';
  static readonly decoupledByDefault: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    const cls = new.target as typeof Adam;
    const decoupled = cls.decoupledByDefault;
    const defaults: AdamOptions = {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: decoupled ? 1e-2 : 0,
      amsgrad: false, maximize: false, decoupledWeightDecay: decoupled,
    };
    super(cls.optimizerName, params, defaults, options);
  }

  protected validateGroup(g: ParamGroup<AdamOptions>): void {
    validateAdam(this.optName, g);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize, decoupledWeightDecay } = group;
    for (const p of group.params) {
      if (!p.grad) continue;
      let state = this.state.get(p);
      if (!state) {
        state = { step: 0, exp_avg: fullLikeParam(p), exp_avg_sq: fullLikeParam(p) };
        this.state.set(p, state);
      }
      if (amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = fullLikeParam(p);
      const h: AdamHyper = { lr, beta1, beta2, eps, weightDecay, decoupled: decoupledWeightDecay, maximize, step: ++state.step };
      const tensors: AdamStateTensors = { exp_avg: state.exp_avg, exp_avg_sq: state.exp_avg_sq, max_exp_avg_sq: amsgrad ? state.max_exp_avg_sq : null };
      if (!adamStep(p, p.grad, tensors, h)) adamStepComposed(p, p.grad, tensors, h);
    }
  }
}

/**
 * One Adam step on p from its gradient g, in place, from tensor ops (run under noGrad); the
 * fused adamStep does the same in one backend call. amsgrad when max_exp_avg_sq is given.
 */
export function adamStepComposed(p: Tensor, grad: Tensor, state: AdamStateTensors, h: AdamHyper): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = h;
  let g = h.maximize ? grad.neg() : grad;
  if (weightDecay !== 0) {
    if (h.decoupled) p.mul_(1 - lr * weightDecay);
    else g = g.add(p.mul(weightDecay));
  }
  const { exp_avg: m, exp_avg_sq: v, max_exp_avg_sq: vMax } = state;
  m.mul_(beta1).add_(g.mul(1 - beta1));
  v.mul_(beta2).add_(g.mul(g).mul(1 - beta2));

  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / biasCorrection1;
  const vHat = vMax ? vMax.copy_(vMax.maximum(v)) : v;
  const denom = vHat.sqrt().div(biasCorrection2Sqrt).add(eps);
  p.sub_(m.div(denom).mul(stepSize));
}

/**
 * AdamW: Adam with decoupled weight decay, default weightDecay 1e-2. Each step first shrinks
 * θ ← θ (1 - lr λ), then applies the Adam update computed from the raw gradient.
 */
export class AdamW extends Adam {
  static override readonly optimizerName: string = 'AdamW';
  static override readonly decoupledByDefault: boolean = true;
}

function validateAdam(name: string, g: ParamGroup<AdamOptions>): void {
  checkNonNegative(name, 'lr', g.lr);
  checkNonNegative(name, 'eps', g.eps);
  const b = g.betas;
  check(name, Array.isArray(b) && b.length === 2, 'betas', b, 'must be a pair [beta1, beta2]');
  check(name, typeof b[0] === 'number' && b[0] >= 0 && b[0] < 1, 'beta parameter at index 0:', b[0], 'must be in [0, 1)');
  check(name, typeof b[1] === 'number' && b[1] >= 0 && b[1] < 1, 'beta parameter at index 1:', b[1], 'must be in [0, 1)');
  checkNonNegative(name, 'weightDecay', g.weightDecay);
}
