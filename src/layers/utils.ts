// utils.ts — nn.utils: gradient clipping, applied in place to the .grad of parameters after
// backward() and before the optimizer step. clipGradNorm rescales all gradients together so their
// joint p-norm is at most maxNorm; clipGradValue clamps each gradient element.
// Reference: torch.nn.utils.clip_grad_norm_ / clip_grad_value_.

import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/engine.js';

/** The gradients of `params` that exist (a single tensor or any iterable of tensors). */
function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  list.forEach((p, i) => { if (!(p instanceof Tensor)) throw new Error(`${op}: parameter ${i} is not a Tensor`); });
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

export interface ClipGradNormOptions {
  /** order p of the norm (default 2); Infinity for the largest absolute value */
  normType?: number;
  /** throw when the total norm is NaN or infinite (default false) */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients in place so that their total norm is at most maxNorm, and returns the
 * total norm from before clipping:
 *   total = (sum over all gradient elements |g|^p)^(1/p)   (max |g| for p = Infinity)
 *   g *= min(1, maxNorm / (total + 1e-6))
 *
 * @example
 *   loss.backward();
 *   const norm = clipGradNorm(model.parameters(), 1.0);
 *   opt.step();
 */
export function clipGradNorm(params: Tensor | Iterable<Tensor>, maxNorm: number, opts: ClipGradNormOptions = {}): number {
  const p = opts.normType ?? 2;
  if (typeof p !== 'number' || !(p > 0)) throw new Error(`clipGradNorm: normType must be a positive number or Infinity, got ${p}`);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new Error(`clipGradNorm: maxNorm must be a number, got ${maxNorm}`);
  const grads = gradsOf('clipGradNorm', params);
  if (grads.length === 0) return 0;
  return noGrad(() => {
    // per tensor: max |g| (p = Infinity) or sum |g|^p; then combined over tensors
    const parts = grads.map((g) => (g.numel() === 0 ? 0 : p === Infinity ? g.abs().max().item() : g.abs().pow(p).sum().item()));
    const total = p === Infinity ? Math.max(...parts) : parts.reduce((s, x) => s + x, 0) ** (1 / p);
    if (!Number.isFinite(total) && opts.errorIfNonfinite) {
      throw new Error(`clipGradNorm: the total norm of order ${p} for gradients from parameters is non-finite (${total}), so it cannot be clipped`);
    }
    const coef = maxNorm / (total + 1e-6);
    if (!(coef >= 1)) for (const g of grads) g.mul_(coef); // a NaN norm spreads to the grads, as PyTorch
    return total;
  });
}

/**
 * Clamps every gradient element in place into [-clipValue, clipValue].
 *
 * @example clipGradValue(model.parameters(), 0.5);
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new Error(`clipGradValue: clipValue must be a non-negative number, got ${clipValue}`);
  const grads = gradsOf('clipGradValue', params);
  noGrad(() => { for (const g of grads) g.clamp_(-clipValue, clipValue); });
}
