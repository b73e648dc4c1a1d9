// solutions/02-tensors-broadcasting.ts — answers to chapter 2's exercises
// (docs/tutorial/02-tensors-broadcasting.md): sumTo (the backward of broadcasting), the shape and
// strides of a permuted view, and matmul's backward dA = dY Bᵀ, dB = Aᵀ dY written by hand.
// Checked by test/tutorial/02-tensors-broadcasting.test.ts.

import type { Tensor } from '../../../src/index.js';

/**
 * Sums a gradient of a broadcast result back to the shape of one operand: over the leading dims
 * broadcasting added, and (keeping them) over the dims where the operand had size 1.
 */
export function sumTo(g: Tensor, shape: number[]): Tensor {
  const lead = g.ndim - shape.length;
  const fits = lead >= 0 && shape.every((n, i) => n === 1 || n === g.shape[lead + i]);
  if (!fits) throw new Error(`sumTo: a gradient of shape ${JSON.stringify(g.shape)} cannot come from broadcasting ${JSON.stringify(shape)}`);
  let out = g;
  for (let d = 0; d < lead; d++) out = out.sum(0); // drops the added leading dims one by one
  shape.forEach((n, i) => {
    if (n === 1 && out.shape[i] !== 1) out = out.sum(i, true); // a stretched dim: sum, keep it as 1
  });
  return out;
}

/** The shape and strides of `permute(dims)` of a view: both are reordered, the storage is not. */
export function permuteStrides(shape: number[], stride: number[], dims: number[]): { shape: number[]; stride: number[] } {
  const ok = dims.length === shape.length && [...dims].sort((p, q) => p - q).every((d, i) => d === i);
  if (!ok) throw new Error(`permuteStrides: ${JSON.stringify(dims)} is not a permutation of the ${shape.length} dims of ${JSON.stringify(shape)}`);
  return { shape: dims.map((d) => shape[d]), stride: dims.map((d) => stride[d]) };
}

/** Y = A B with A (n, k), B (k, m): dA = dY Bᵀ (n, k), dB = Aᵀ dY (k, m). */
export function matmulBackward(A: Tensor, B: Tensor, dY: Tensor): { dA: Tensor; dB: Tensor } {
  if (A.ndim !== 2 || B.ndim !== 2 || A.shape[1] !== B.shape[0] || dY.shape[0] !== A.shape[0] || dY.shape[1] !== B.shape[1]) {
    throw new Error(`matmulBackward: A ${JSON.stringify(A.shape)}, B ${JSON.stringify(B.shape)}, dY ${JSON.stringify(dY.shape)} do not fit Y = A B`);
  }
  return { dA: dY.matmul(B.t()), dB: A.t().matmul(dY) };
}
