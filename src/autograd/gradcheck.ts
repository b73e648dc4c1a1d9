// gradcheck.ts — checks analytic gradients against central finite differences in float64.
// For every output element j and input element i it compares the backward pass's dy_j/dx_i
// with (f(x + eps e_i)_j - f(x - eps e_i)_j) / (2 eps), and throws naming the worst mismatch.
// Reference: torch.autograd.gradcheck.

import { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { tensor } from '../tensor/creation.js';
import { noGrad } from './engine.js';
import { grad } from './grad.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

function unravel(i: number, shape: number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(i % shape[d]); i = Math.floor(i / shape[d]); }
  return fmt(idx);
}

function asOutput(y: unknown): Tensor {
  if (y instanceof Tensor) return y;
  throw new Error('gradcheck: fn must return a Tensor');
}

/** Returns true when every Jacobian entry matches within atol + rtol * |numerical|; throws otherwise. */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-5, rtol = opts.rtol ?? 1e-3;
  const checked = inputs.map((x, k) => {
    if (!(x instanceof Tensor)) throw new Error(`gradcheck: input ${k} is not a Tensor`);
    if (x.requiresGrad && x.dtype !== 'float64') throw new Error(`gradcheck: input ${k} is ${x.dtype}; gradcheck needs float64 inputs`);
    return x.requiresGrad;
  });
  if (!checked.some(Boolean)) throw new Error('gradcheck: no input requires grad');
  const y = asOutput(fn(...inputs));
  if (y.dtype !== 'float64') throw new Error(`gradcheck: fn returned ${y.dtype}; it must compute in float64`);
  const m = y.numel();
  const wrt = inputs.filter((_, k) => checked[k]);

  // analytic Jacobian, one row per output element: J[j] = grad of y_j
  const analytic: Float64Array[][] = [];
  for (let j = 0; j < m; j++) {
    const seed = new Float64Array(m);
    seed[j] = 1;
    const gs = grad(y, wrt, { gradOutputs: tensor(seed, { shape: y.shape }), retainGraph: true, allowUnused: true });
    analytic.push(gs.map((g) => g.dataSync() as Float64Array));
  }

  // numerical Jacobian, one column per input element, and the comparison
  let worst: { msg: string; excess: number } | null = null;
  wrt.forEach((x, w) => {
    const k = inputs.indexOf(x);
    const base = x.dataSync() as Float64Array;
    const run = (i: number, delta: number): Float64Array => {
      const data = Float64Array.from(base);
      data[i] += delta;
      const xs = inputs.map((t, q) => (q === k ? tensor(data, { shape: x.shape, dtype: 'float64' }) : t.detach()));
      return noGrad(() => asOutput(fn(...xs)).dataSync() as Float64Array);
    };
    for (let i = 0; i < base.length; i++) {
      const plus = run(i, eps), minus = run(i, -eps);
      for (let j = 0; j < m; j++) {
        const num = (plus[j] - minus[j]) / (2 * eps);
        const ana = analytic[j][w][i];
        const excess = Math.abs(num - ana) - (atol + rtol * Math.abs(num));
        if ((excess > 0 || Number.isNaN(ana) !== Number.isNaN(num)) && (!worst || excess > worst.excess || Number.isNaN(excess))) {
          worst = {
            excess: Number.isNaN(excess) ? Infinity : excess,
            msg: `gradcheck: Jacobian mismatch for input ${k} (shape ${fmt(x.shape)}) at input index ${unravel(i, x.shape)}, output index ${unravel(j, y.shape)}: numerical ${num}, analytical ${ana}`,
          };
        }
      }
    }
  });
  if (worst) throw new Error((worst as { msg: string }).msg);
  return true;
}
