// reduce.ts — reductions: sum (the primitive with a backward), max/min/argmax, and the
// composites mean, var, std, logsumexp; plus the fused softmax / log-softmax kernels.
// Duality: a reduction's backward broadcasts dy back over the reduced dims (expand).
// Reference: PyTorch derivatives.yaml (sum, amax, max.dim, _softmax, _log_softmax).

import type { ReduceOp } from '../../backend/backend.js';
import { isFloating, type DType } from '../../tensor/dtype.js';
import { fmt, normDim, normDims, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../engine.js';
import { where } from './binary.js';

export type Dims = number | number[] | null | undefined;

/** x.shape with `dims` set to 1: the keepdim shape that dy is reshaped to before expanding. */
function keptShape(shape: number[], dims: number[]): number[] {
  return shape.map((s, d) => (dims.includes(d) ? 1 : s));
}

function reduceKernel(op: ReduceOp, x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  const s = x._backend.reduce(op, x._view, dims, dtype);
  const shape = keepdim ? keptShape(x.shape, dims) : x.shape.filter((_, d) => !dims.includes(d));
  return Tensor._fromStorage(x._backend, s, shape, dtype);
}

// y = sum_i x_i              dy/dx_i = 1   (dy broadcast back over the reduced dims)
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims('sum', dim, x.ndim);
  const dtype = isFloating(x.dtype) ? x.dtype : 'int32';
  const y = reduceKernel('sum', x, dims, keepdim, dtype);
  return record('sum', [x], y, (dy) => [dy.reshape(keptShape(x.shape, dims)).expand(x.shape)]);
}

function checkNonEmpty(op: string, x: Tensor, dims: number[]): void {
  if (dims.some((d) => x.shape[d] === 0) || (x.ndim === 0 && numel(x.shape) === 0)) {
    throw new Error(`${op}: cannot reduce over a zero-size dimension (input shape ${fmt(x.shape)}, dims ${fmt(dims)})`);
  }
}

/** y = sum(x) / n  — composite. Int inputs are averaged in float32. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims('mean', dim, x.ndim);
  checkNonEmpty('mean', x, dims);
  const n = dims.reduce((p, d) => p * x.shape[d], 1);
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  return xf.sum(dims, keepdim).div(n);
}

export interface VarOptions {
  correction?: number;
  keepdim?: boolean;
}

/** var = sum((x - mean)^2) / (n - correction)  — composite (Bessel's correction by default). */
export function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  const correction = opts.correction ?? 1;
  const dims = normDims('var', dim, x.ndim);
  checkNonEmpty('var', x, dims);
  const n = dims.reduce((p, d) => p * x.shape[d], 1);
  const diff = x.sub(x.mean(dims, true));
  return diff.mul(diff).sum(dims, opts.keepdim ?? false).div(Math.max(n - correction, 0));
}

// std = sqrt(var)           dvar = dy / (2 std), 0 where std = 0 (PyTorch's std_backward; not NaN)
export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  const v = variance(x, dim, opts);
  const y = v.detach().sqrt();
  return record('std', [v], y, (dy) => {
    const s = v.sqrt(); // recomputed from v so that createGraph differentiates through it
    return [where(s.eq(0), 0, dy.div(s.mul(2)))];
  });
}

// y = max_i x_i              dy/dx_i = [x_i = y] / #ties   (evenly split among ties, as amax)
function extreme(op: 'max' | 'min', x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = normDims(op === 'max' ? 'amax' : 'amin', dim, x.ndim);
  checkNonEmpty(op, x, dims);
  const y = reduceKernel(op, x, dims, keepdim, x.dtype);
  return record(op === 'max' ? 'amax' : 'amin', [x], y, (dy) => {
    const yk = y.reshape(keptShape(x.shape, dims));
    const hit = x.eq(yk).to(dy.dtype);
    const share = dy.reshape(keptShape(x.shape, dims)).div(hit.sum(dims, true));
    return [hit.mul(share)];
  });
}

export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme('max', x, dim, keepdim);
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extreme('min', x, dim, keepdim);

export function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) {
    const flat = x.reshape(-1);
    checkNonEmpty(op, flat, [0]);
    const i = Tensor._fromStorage(x._backend, x._backend.argReduce(op, flat._view, 0), [], 'int32');
    return keepdim ? i.reshape(x.shape.map(() => 1)) : i;
  }
  const d = normDim(op, dim, x.ndim);
  const xv = x.ndim === 0 ? x.reshape(1) : x;
  checkNonEmpty(op, xv, [d]);
  const i = Tensor._fromStorage(x._backend, x._backend.argReduce(op, xv._view, d), xv.shape.filter((_, k) => k !== d), 'int32');
  return keepdim && x.ndim > 0 ? i.unsqueeze(d) : i;
}

/**
 * max/min along one dim: {values, indices}. The gradient goes to the selected index only
 * (y = x[i*]   dy/dx_i = [i = i*]), as torch.max(dim).
 */
export function maxMinDim(op: 'max' | 'min', x: Tensor, dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
  const d = normDim(op, dim, x.ndim);
  checkNonEmpty(op, x, [d]);
  const indices = argReduce(op === 'max' ? 'argmax' : 'argmin', x, d, true);
  const values = x.ndim === 0 ? x.reshape([]) : x.gather(d, indices);
  return keepdim || x.ndim === 0 ? { values, indices } : { values: values.squeeze(d), indices: indices.squeeze(d) };
}

/** logsumexp = m + log(sum(exp(x - m))), m = max (detached; 0 where infinite)  — composite. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normDims('logsumexp', dim, x.ndim);
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  if (numel(x.shape) === 0) return xf.exp().sum(dims, keepdim).log();
  const m0 = xf.detach().amax(dims, true);
  const m = where(m0.abs().eq(Infinity), 0, m0);
  const out = xf.sub(m).exp().sum(dims, true).log().add(m);
  return keepdim ? out : out.squeeze(dims);
}

// softmax:      y = exp(x - lse(x))      dx = y * (dy - sum(dy * y))
// log-softmax:  y = x - lse(x)           dx = dy - exp(y) * sum(dy)
function softmaxOp(log: boolean, x: Tensor, dim: number): Tensor {
  const name = log ? 'logSoftmax' : 'softmax';
  const d = normDim(name, dim, x.ndim);
  const dtype = isFloating(x.dtype) ? x.dtype : 'float32';
  if (x.ndim === 0) return log ? x.mul(0).to(dtype) : x.mul(0).add(1).to(dtype);
  const y = Tensor._fromStorage(x._backend, x._backend.softmax(x._view, d, log, dtype), x.shape, dtype);
  return record(name, [x], y, (dy) =>
    log ? [dy.sub(y.exp().mul(dy.sum(d, true)))] : [y.mul(dy.sub(dy.mul(y).sum(d, true)))],
  );
}

export const softmax = (x: Tensor, dim: number): Tensor => softmaxOp(false, x, dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxOp(true, x, dim);
