// movement.ts — ops that only rearrange elements. reshape/view, permute, expand, squeeze,
// unsqueeze and slice return views sharing the input's storage (new shape/stride/offset over
// the same data); cat and contiguous copy. Each backward is the dual movement:
// reshape <-> reshape back, permute <-> inverse permute, expand <-> sum, slice <-> embed (pad).
// Reference: PyTorch view semantics (TensorShape.cpp computeStride); tinygrad mlops.py.

import { checkShape, fmt, inferShape, isContiguous, normDim, normDims, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import { noGrad, record, recordMulti } from '../engine.js';
import { sumTo } from './binary.js';

/**
 * Strides that let `newShape` view the same memory as (shape, stride), or null when the data
 * would have to move (PyTorch's computeStride: each run of merged old dims must be contiguous).
 */
function viewStrides(shape: number[], stride: number[], newShape: number[]): number[] | null {
  const out = new Array<number>(newShape.length).fill(1);
  if (numel(shape) === 0 || shape.length === 0) return out;
  // walk old dims right to left in chunks of dims that are contiguous with each other;
  // each chunk must be covered exactly by a run of new dims
  let viewD = newShape.length - 1;
  let chunkBase = stride[stride.length - 1];
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    const chunkEnds = d === 0 || (shape[d - 1] !== 1 && stride[d - 1] !== tensorNumel * chunkBase);
    if (!chunkEnds) continue;
    while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
      out[viewD] = viewNumel * chunkBase;
      viewNumel *= newShape[viewD];
      viewD--;
    }
    if (viewNumel !== tensorNumel) return null;
    if (d > 0) { chunkBase = stride[d - 1]; tensorNumel = 1; viewNumel = 1; }
  }
  return viewD === -1 ? out : null;
}

function viewOrCopy(op: string, x: Tensor, shape: number[], allowCopy: boolean): Tensor {
  const target = inferShape(op, shape, numel(x.shape), x.shape);
  let strides = viewStrides(x.shape, x._view.stride, target);
  let base = x;
  if (!strides) {
    if (!allowCopy) throw new Error(`view: shape ${fmt(target)} is not compatible with input ${fmt(x.shape)} of strides ${fmt(x._view.stride)}; use reshape`);
    base = Tensor._fromStorage(x._backend, x._backend.copy(x._view, x.dtype), x.shape, x.dtype);
    strides = viewStrides(x.shape, base._view.stride, target)!;
  }
  const y = base._viewOf(target, strides, base._view.offset);
  // y = reshape(x)            dx = reshape(dy, x.shape)
  return record(op, [x], y, (dy) => [dy.reshape(x.shape)]);
}

export const reshape = (x: Tensor, shape: number[]): Tensor => viewOrCopy('reshape', x, shape, true);
export const view = (x: Tensor, shape: number[]): Tensor => viewOrCopy('view', x, shape, false);

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return x.reshape([1]);
  const s = normDim('flatten', startDim, x.ndim), e = normDim('flatten', endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return x.reshape([...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

// y = permute(x, p)          dx = permute(dy, p^-1)
export function permute(x: Tensor, dims: number[]): Tensor {
  const p = dims.map((d) => normDim('permute', d, x.ndim));
  if (p.length !== x.ndim || new Set(p).size !== p.length) {
    throw new Error(`permute: dims ${fmt(dims)} are not a permutation of the ${x.ndim} dims of ${fmt(x.shape)}`);
  }
  const nd = x._view.transpose(...p);
  const y = x._viewOf(nd.shape, nd.stride, nd.offset);
  const inverse = p.map((_, i) => p.indexOf(i));
  return record('permute', [x], y, (dy) => [dy.permute(inverse)]);
}

export function transpose(x: Tensor, d0: number, d1: number): Tensor {
  const a = normDim('transpose', d0, x.ndim), b = normDim('transpose', d1, x.ndim);
  if (x.ndim < 2) return x.reshape(x.shape);
  const p = [...x.shape.keys()];
  [p[a], p[b]] = [p[b], p[a]];
  return permute(x, p);
}

// y = expand(x, shape)       dx = sum of dy over the expanded dims
export function expand(x: Tensor, sizes: number[]): Tensor {
  checkShape('expand', sizes.map((s) => (s === -1 ? 0 : s)));
  const lead = sizes.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand ${fmt(x.shape)} to fewer dims ${fmt(sizes)}`);
  const shape: number[] = [], stride: number[] = [];
  sizes.forEach((s, i) => {
    const d = i - lead;
    const have = d >= 0 ? x.shape[d] : 1;
    const want = s === -1 ? (d >= 0 ? have : NaN) : s;
    if (Number.isNaN(want)) throw new Error(`expand: -1 is not allowed for the new leading dim ${i} in ${fmt(sizes)}`);
    if (have !== want && have !== 1) throw new Error(`expand: cannot expand ${fmt(x.shape)} to ${fmt(sizes)} (dim ${i}: ${have} -> ${want})`);
    shape.push(want);
    stride.push(d >= 0 && have === want ? x._view.stride[d] : 0);
  });
  checkShape('expand', shape);
  if (sameShape(shape, x.shape)) return x;
  const y = x._viewOf(shape, stride, x._view.offset);
  return record('expand', [x], y, (dy) => [sumTo(dy, x.shape)]);
}

export function squeeze(x: Tensor, dim?: number | number[] | null): Tensor {
  const dims = normDims('squeeze', dim, x.ndim).filter((d) => x.shape[d] === 1);
  return x.reshape(x.shape.filter((_, d) => !dims.includes(d)));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  return x.reshape([...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

// y = x[start:end:step] on dim   dx = dy embedded in zeros at those positions (pad)
export function slice(x: Tensor, dim: number, start = 0, end: number | null = null, step = 1): Tensor {
  const d = normDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d];
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clampIdx(start), e = Math.max(clampIdx(end ?? n), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape], stride = [...x._view.stride];
  shape[d] = len;
  stride[d] *= step;
  const y = x._viewOf(shape, stride, x._view.offset + s * x._view.stride[d]);
  const starts = x.shape.map((_, k) => (k === d ? s : 0));
  const steps = x.shape.map((_, k) => (k === d ? step : 1));
  return record('slice', [x], y, (dy) => [embed(dy, x.shape, starts, steps)]);
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', dim, x.ndim);
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new Error(`narrow: start and length must be integers, got start ${start} and length ${length}`);
  const st = start < 0 ? start + x.shape[d] : start;
  if (st < 0 || length < 0 || st + length > x.shape[d]) {
    throw new Error(`narrow: start ${start} + length ${length} exceeds dimension ${dim} of size ${x.shape[d]} (shape ${fmt(x.shape)})`);
  }
  return slice(x, d, st, st + length);
}

/** x.select(dim, i) = x.narrow(dim, i, 1).squeeze(dim) */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim('select', dim, x.ndim);
  if (index < -x.shape[d] || index >= x.shape[d]) throw new Error(`select: index ${index} is out of range for dim ${dim} of size ${x.shape[d]}`);
  return narrow(x, d, index, 1).squeeze(d);
}

// y = zeros(shape) with x placed at start + i*step      dx = dy[start::step]
function embed(x: Tensor, shape: number[], start: number[], step: number[]): Tensor {
  const y = Tensor._fromStorage(x._backend, x._backend.embed(x._view, shape, start, step, x.dtype), shape, x.dtype);
  return record('embed', [x], y, (dy) => {
    let g = dy;
    start.forEach((s, d) => { if (s !== 0 || step[d] !== 1 || x.shape[d] !== shape[d]) g = slice(g, d, s, s + (x.shape[d] - 1) * step[d] + 1, step[d]); });
    return [g];
  });
}

// y = contiguous copy of x    dx = dy
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x._view.stride)) return x;
  const y = Tensor._fromStorage(x._backend, x._backend.copy(x._view, x.dtype), x.shape, x.dtype);
  return record('contiguous', [x], y, (dy) => [dy]);
}

// y = [x0; x1; ...] on dim   dx_k = dy[offset_k : offset_k + n_k]
export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('cat: expected a non-empty list of tensors');
  const first = tensors[0];
  if (first.ndim === 0) throw new Error('cat: zero-dimensional tensors cannot be concatenated; use stack');
  const d = normDim('cat', dim, first.ndim);
  tensors.forEach((t, i) => {
    first._checkSameBackend('cat', t);
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new Error(`cat: tensor ${i} has shape ${fmt(t.shape)}, which does not match ${fmt(first.shape)} outside dim ${d}`);
    }
    if (t.dtype !== first.dtype) throw new Error(`cat: tensor ${i} has dtype ${t.dtype}, expected ${first.dtype}`);
  });
  const shape = [...first.shape];
  shape[d] = tensors.reduce((s, t) => s + t.shape[d], 0);
  const s = first._backend.cat(tensors.map((t) => t._view), d, first.dtype);
  const y = Tensor._fromStorage(first._backend, s, shape, first.dtype);
  return record('cat', tensors, y, (dy) => {
    let at = 0;
    return tensors.map((t) => { const g = dy.narrow(d, at, t.shape[d]); at += t.shape[d]; return g; });
  });
}

export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, tensors[0].shape)) throw new Error(`stack: tensor ${i} has shape ${fmt(t.shape)}, expected ${fmt(tensors[0].shape)}`);
  });
  const d = normDim('stack', dim, tensors[0].ndim + 1);
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** Splits into pieces of `size` (last may be smaller) or of the listed sizes, as views. */
export function split(x: Tensor, size: number | number[], dim = 0): Tensor[] {
  const d = normDim('split', dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (Array.isArray(size)) {
    if (size.reduce((a, b) => a + b, 0) !== n) throw new Error(`split: sizes ${fmt(size)} do not sum to dim ${dim} of size ${n}`);
    sizes = size;
  } else {
    if (!Number.isInteger(size) || size <= 0) throw new Error(`split: size must be a positive integer, got ${size}`);
    sizes = [];
    for (let at = 0; at < n; at += size) sizes.push(Math.min(size, n - at));
    if (n === 0) sizes.push(0);
  }
  let at = 0;
  return sizes.map((s) => { const t = x.narrow(d, at, s); at += s; return t; });
}

/**
 * Splits x along `dim` into its x.shape[dim] slices, as views (torch.unbind). One node with n
 * outputs, so backward stacks the slices' gradients once (zeros for unused slices): a T-step
 * loop over unbind's slices costs O(T) in backward, where T separate selects would pad each
 * gradient to x's full shape, O(T²).
 *
 * Shape: x (…, n, …) -> n tensors of x's shape without `dim`.
 */
// y_i = x[…, i, …]           dx = stack(dy_0, …, dy_{n-1}) along dim
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normDim('unbind', dim, x.ndim);
  const slices = noGrad(() => Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i)));
  return recordMulti('unbind', [x], slices, (dys) => {
    const like = dys.find((g) => g !== null)!; // at least one slice got a gradient
    return [stack(dys.map((dy, i) => dy ?? zeros(slices[i].shape, { like })), d)];
  });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normDim('chunk', dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

/** Tiles x: out[i] = x[i mod size] per dim  — composite of reshape/expand (gradient sums the tiles). */
export function repeat(x: Tensor, reps: number[]): Tensor {
  if (reps.length < x.ndim) throw new Error(`repeat: got ${reps.length} repeat counts for a tensor with ${x.ndim} dims`);
  if (reps.some((r) => r < 0)) throw new Error(`repeat: repeat counts ${fmt(reps)} must be non-negative integers`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  checkShape('repeat', shape.map((s, i) => s * reps[i]));
  const interleaved = shape.flatMap((s) => [1, s]);
  const expanded = shape.flatMap((s, i) => [reps[i], s]);
  const y = x.reshape(interleaved).expand(expanded).reshape(shape.map((s, i) => s * reps[i]));
  return y._view.data === x._view.data ? y.clone() : y; // repeat always copies, as PyTorch
}
