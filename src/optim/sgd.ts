// sgd.ts — stochastic gradient descent with momentum, dampening, Nesterov momentum, L2 weight
// decay and maximize, step for step as torch.optim.SGD (state: momentum_buffer, only when
// momentum != 0). Reference: torch.optim.SGD docs (the algorithm box) and _single_tensor_sgd;
// Sutskever et al. 2013 for the momentum formulation.

import type { Tensor } from '../tensor/tensor.js';
import { checkFinite, checkNonNegative } from '../check.js';
import { copyAs, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (required). */
  lr: number;
  momentum: number;
  dampening: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

type SGDState = { momentum_buffer?: Tensor };

/**
 * SGD. For each parameter θ with gradient g, at step t:
 *
 *     if maximize:      g = -g
 *     if weightDecay:   g = g + weightDecay θ
 *     if momentum:      b = (t == 1) ? g : momentum b + (1 - dampening) g
 *                       g = nesterov ? g + momentum b : b
 *     θ = θ - lr g
 *
 * Example: `const opt = new SGD(model.parameters(), {lr: 0.1, momentum: 0.9});`
 * then per batch `opt.zeroGrad(); loss.backward(); opt.step();`.
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults = { lr: undefined as unknown as number, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    super('SGD', params, defaults, options);
  }

  protected validateGroup(g: ParamGroup<SGDOptions>): void {
    checkNonNegative('SGD', 'lr', g.lr);
    checkNonNegative('SGD', 'momentum', g.momentum);
    checkFinite('SGD', 'dampening', g.dampening);
    checkNonNegative('SGD', 'weightDecay', g.weightDecay);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new Error(`SGD: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum ${g.momentum}, dampening ${g.dampening})`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      if (!p.grad) continue;
      let g = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay));
      if (momentum !== 0) {
        const state = this.state.get(p) ?? {};
        this.state.set(p, state);
        let buf = state.momentum_buffer;
        if (!buf) buf = state.momentum_buffer = copyAs(g, p); // b_1 = g_1
        else buf.mul_(momentum).add_(g.mul(1 - dampening)); // b = μ b + (1 - τ) g
        g = nesterov ? g.add(buf.mul(momentum)) : buf;
      }
      p.sub_(g.mul(lr));
    }
  }
}
