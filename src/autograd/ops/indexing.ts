// indexing.ts — ops that pick elements by integer index or boolean mask. gather and
// scatterAdd are each other's adjoints, as are indexSelect and indexAdd; maskedFill, tril and
// triu are compositions of `where`. Indices are int32 and may be negative (counted from the end).
// Reference: torch.gather / scatter_add / index_select / index_add / masked_fill / tril.

import { broadcastShapes, fmt, normDim, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { where } from './binary.js';

function checkIndex(op: string, index: Tensor): void {
  if (!(index instanceof Tensor)) throw new Error(`${op}: index must be an int32 Tensor`);
  if (index.dtype !== 'int32') throw new Error(`${op}: index must have dtype int32, got ${index.dtype}`);
}

function checkGatherShapes(op: string, shape: number[], d: number, index: Tensor): void {
  if (index.ndim !== shape.length) {
    throw new Error(`${op}: index ${fmt(index.shape)} must have as many dims as the input ${fmt(shape)}`);
  }
  index.shape.forEach((s, k) => {
    if (k !== d && s > shape[k]) throw new Error(`${op}: index ${fmt(index.shape)} is larger than input ${fmt(shape)} at dim ${k}`);
  });
}

// y[..i..] = x[..index[..i..]..] along dim      dx = scatterAdd(zeros, dim, index, dy)
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex('gather', index);
  x._checkSameBackend('gather', index);
  const d = normDim('gather', dim, x.ndim);
  checkGatherShapes('gather', x.shape, d, index);
  if (x.ndim === 0) return gather(x.reshape([1]), 0, index.reshape([1])).reshape([]); // 0-d: as a 1-vector
  const y = Tensor._fromStorage(x._backend, x._backend.gather(x._view, d, index._view, x.dtype), index.shape, x.dtype);
  return record('gather', [x], y, (dy) => [scatterAdd(x.shape, d, index, dy)]);
}

// y = zeros(shape); y[..index[..i..]..] += src[..i..]      dsrc = gather(dy, dim, index)
export function scatterAdd(shape: number[], dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndex('scatterAdd', index);
  const d = normDim('scatterAdd', dim, shape.length);
  checkGatherShapes('scatterAdd', shape, d, index);
  if (src.ndim !== index.ndim || src.shape.some((s, k) => s !== index.shape[k])) {
    throw new Error(`scatterAdd: src ${fmt(src.shape)} must have the same shape as index ${fmt(index.shape)}`);
  }
  const s = src._backend.scatterAdd(shape, d, index._view, src._view, src.dtype);
  const y = Tensor._fromStorage(src._backend, s, shape, src.dtype);
  return record('scatterAdd', [src], y, (dy) => [gather(dy, d, index)]);
}

// y = x.indexSelect(dim, index)          dx = indexAdd(zeros, dim, index, dy)
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex('indexSelect', index);
  x._checkSameBackend('indexSelect', index);
  if (index.ndim > 1) throw new Error(`indexSelect: index must be 0-D or 1-D, got shape ${fmt(index.shape)}`);
  const idx = index.ndim === 0 ? index.reshape([1]) : index;
  const d = normDim('indexSelect', dim, x.ndim);
  const xv = x.ndim === 0 ? x.reshape([1]) : x;
  const shape = xv.shape.map((s, k) => (k === d ? idx.shape[0] : s));
  const y = Tensor._fromStorage(x._backend, x._backend.indexSelect(xv._view, d, idx._view, x.dtype), shape, x.dtype);
  return record('indexSelect', [x], y, (dy) => [indexAdd(xv.shape, d, idx, dy).reshape(x.shape)]);
}

// y = zeros(shape); y.select(dim, index[j]) += src.select(dim, j)     dsrc = indexSelect(dy, dim, index)
export function indexAdd(shape: number[], dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndex('indexAdd', index);
  const d = normDim('indexAdd', dim, shape.length);
  if (src.ndim !== shape.length || src.shape[d] !== index.shape[0] || src.shape.some((s, k) => k !== d && s !== shape[k])) {
    throw new Error(`indexAdd: src ${fmt(src.shape)} does not fit shape ${fmt(shape)} with ${index.shape[0]} indices on dim ${d}`);
  }
  const s = src._backend.indexAdd(shape, d, index._view, src._view, src.dtype);
  const y = Tensor._fromStorage(src._backend, s, shape, src.dtype);
  return record('indexAdd', [src], y, (dy) => [indexSelect(dy, d, index)]);
}

/** y = mask ? value : x  — composite of where. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') throw new Error(`maskedFill: mask must be a bool Tensor${mask instanceof Tensor ? `, got ${mask.dtype}` : ''}`);
  const to = broadcastShapes('maskedFill', x.shape, mask.shape, value instanceof Tensor ? value.shape : []);
  if (!sameShape(to, x.shape)) throw new Error(`maskedFill: mask ${fmt(mask.shape)} does not broadcast to the input shape ${fmt(x.shape)}`);
  const y = where(mask, value instanceof Tensor ? value.to(x.dtype) : value, x);
  return y.dtype === x.dtype ? y : y.to(x.dtype);
}

/** Keeps elements on and below (tril) or above (triu) the k-th diagonal of the last two dims. */
function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  if (x.ndim < 2) throw new Error(`${op}: input must have at least 2 dims, got ${fmt(x.shape)}`);
  const M = x.shape[x.ndim - 2], N = x.shape[x.ndim - 1];
  const keep = new Uint8Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) keep[i * N + j] = (op === 'tril' ? j - i <= k : j - i >= k) ? 1 : 0;
  const mask = Tensor._fromHost(x._backend, keep, [M, N], 'bool');
  return where(mask, x, 0).to(x.dtype);
}

export const tril = (x: Tensor, k = 0): Tensor => triangle('tril', x, k);
export const triu = (x: Tensor, k = 0): Tensor => triangle('triu', x, k);
