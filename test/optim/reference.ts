// reference.ts — PyTorch's optimizer algorithms (the pseudo-code boxes in the torch.optim docs)
// written over plain float64 JS arrays, one element at a time, to check src/optim against; plus
// the fixed synthetic parameters and gradients the optimizer tests feed to both.

export type Vec = number[];

/** Initial parameter values, viewed as shape [2, 3]; includes a 0 and mixed signs. */
export const INIT: Vec = [0.5, -1.2, 2.0, 0.0, -0.3, 1.1];
export const SHAPE = [2, 3];

/** Gradient at step t (from 1): smooth, mixed signs, one coordinate always 0. */
export function gradAt(t: number): Vec {
  return INIT.map((_, i) => (i === 3 ? 0 : Math.sin(1.3 * t + 0.7 * i) * (0.5 + 0.25 * i) + 0.1 * (i - 2)));
}

/** Runs `update` for `steps` steps from INIT with gradAt(t); returns θ after each step. */
export function trajectory(steps: number, update: (theta: Vec, g: Vec, t: number) => void): Vec[] {
  const theta = [...INIT];
  const out: Vec[] = [];
  for (let t = 1; t <= steps; t++) {
    update(theta, gradAt(t), t);
    out.push([...theta]);
  }
  return out;
}

export interface SGDRef { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean }

export function sgdRef(o: SGDRef, steps: number): Vec[] {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = o;
  let b: Vec | null = null;
  return trajectory(steps, (theta, grad) => {
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g = g + theta[i] * weightDecay;
      if (momentum !== 0) {
        b ??= theta.map(() => NaN);
        b[i] = Number.isNaN(b[i]) ? g : b[i] * momentum + g * (1 - dampening);
        g = nesterov ? g + b[i] * momentum : b[i];
      }
      theta[i] = theta[i] - g * lr;
    }
  });
}

export interface AdamRef { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; maximize?: boolean; decoupled?: boolean }

export function adamRef(o: AdamRef, steps: number, gradFn?: (theta: Vec, t: number) => Vec): Vec[] {
  const { lr = 1e-3, betas: [b1, b2] = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false, decoupled = false } = o;
  const m = INIT.map(() => 0);
  const v = INIT.map(() => 0);
  const vMax = INIT.map(() => 0);
  return trajectory(steps, (theta, grad0, t) => {
    const grad = gradFn ? gradFn(theta, t) : grad0;
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) {
        if (decoupled) theta[i] = theta[i] * (1 - lr * weightDecay);
        else g = g + theta[i] * weightDecay;
      }
      m[i] = m[i] * b1 + g * (1 - b1);
      v[i] = v[i] * b2 + g * g * (1 - b2);
      const bc1 = 1 - b1 ** t;
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      let vHat = v[i];
      if (amsgrad) vHat = vMax[i] = Math.max(vMax[i], v[i]);
      const denom = Math.sqrt(vHat) / bc2Sqrt + eps;
      theta[i] = theta[i] - (m[i] / denom) * (lr / bc1);
    }
  });
}

export interface RMSpropRef { lr?: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean; maximize?: boolean }

export function rmspropRef(o: RMSpropRef, steps: number): Vec[] {
  const { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false } = o;
  const sq = INIT.map(() => 0);
  const gAvg = INIT.map(() => 0);
  const buf = INIT.map(() => 0);
  return trajectory(steps, (theta, grad) => {
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g = g + theta[i] * weightDecay;
      sq[i] = sq[i] * alpha + g * g * (1 - alpha);
      let avg: number;
      if (centered) {
        gAvg[i] = gAvg[i] * alpha + g * (1 - alpha);
        avg = Math.sqrt(sq[i] - gAvg[i] * gAvg[i]);
      } else {
        avg = Math.sqrt(sq[i]);
      }
      avg = avg + eps;
      if (momentum > 0) {
        buf[i] = buf[i] * momentum + g / avg;
        theta[i] = theta[i] - buf[i] * lr;
      } else {
        theta[i] = theta[i] - (g / avg) * lr;
      }
    }
  });
}

export interface AdagradRef { lr?: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number; maximize?: boolean }

export function adagradRef(o: AdagradRef, steps: number): Vec[] {
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false } = o;
  const sum = INIT.map(() => initialAccumulatorValue);
  return trajectory(steps, (theta, grad, t) => {
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < theta.length; i++) {
      let g = maximize ? -grad[i] : grad[i];
      if (weightDecay !== 0) g = g + theta[i] * weightDecay;
      sum[i] = sum[i] + g * g;
      const std = Math.sqrt(sum[i]) + eps;
      theta[i] = theta[i] - (g / std) * clr;
    }
  });
}
