// matmul.ts — matrix products with NumPy's rules: 1-D operands are promoted to a row / column
// and the added dim removed afterwards; batch dims broadcast (as stride-0 views, no copy).
// The primitive is a batched (…, M, K) @ (…, K, N) product; its backward is two products:
//   Y = A B     dA = dY B^T     dB = A^T dY     (summed back over broadcast batch dims)
// A batch against one matrix, (…, M, K) @ (K, N) as in every Linear layer, is folded into a
// single (…·M, K) @ (K, N) product (as PyTorch does), so dB is one product over all rows rather
// than a batch of (K, N) products summed afterwards.
// Reference: numpy.matmul; PyTorch derivatives.yaml (mm).

import { broadcastShapes, fmt, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { sumTo } from './binary.js';

/** Batched product of tensors with ndim >= 2 (batch dims broadcast). */
function bmm(a: Tensor, b: Tensor): Tensor {
  const M = a.shape[a.ndim - 2], K = a.shape[a.ndim - 1], N = b.shape[b.ndim - 1];
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const av = a._broadcastView([...batch, M, K]); // (..., M, K)
  const bv = b._broadcastView([...batch, K, N]); // (..., K, N)
  const y = Tensor._fromStorage(a._backend, a._backend.matmul(av, bv, a.dtype), [...batch, M, N], a.dtype);
  return record('matmul', [a, b], y, (dy) => [
    a.requiresGrad ? sumTo(bmm(dy, b.transpose(-1, -2)), a.shape) : null,
    b.requiresGrad ? sumTo(bmm(a.transpose(-1, -2), dy), b.shape) : null,
  ]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  a._checkSameBackend('matmul', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: both arguments need to be at least 1-D, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  }
  if (a.dtype !== b.dtype) throw new Error(`matmul: dtypes must match, got ${a.dtype} and ${b.dtype}`);
  if (a.dtype === 'bool') throw new Error('matmul: bool tensors are not supported');
  const K = a.shape[a.ndim - 1];
  const Kb = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (K !== Kb) throw new Error(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} are not aligned (${K} != ${Kb})`);
  if (a.ndim > 2 && b.ndim === 2) {
    const lead = a.shape.slice(0, -1), N = b.shape[1];
    return bmm(a.reshape(numel(lead), K), b).reshape([...lead, N]); // (…·M, K) @ (K, N) -> (…, M, N)
  }
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a; // (1, K)
  const b2 = b.ndim === 1 ? b.unsqueeze(-1) : b; // (K, 1)
  let y = bmm(a2, b2);
  if (a.ndim === 1) y = y.squeeze(-2);
  if (b.ndim === 1) y = y.squeeze(-1);
  return y;
}
