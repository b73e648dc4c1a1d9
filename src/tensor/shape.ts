// shape.ts — shape and stride arithmetic shared by every op: contiguous strides, NumPy
// broadcasting, dimension normalisation (negative dims) and the shape-printing used in errors.
// Reference: NumPy broadcasting rules; torch.Tensor.stride().

export type Shape = number[];

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-contiguous) strides for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when a view with these strides walks memory in row-major order without gaps. */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align from the right; sizes must match or one of them be 1. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      if (out[o] === 1) out[o] = s[i];
      else if (s[i] !== 1 && s[i] !== out[o]) {
        throw new Error(`${op}: shapes ${shapes.map(fmt).join(' and ')} cannot be broadcast together (dim ${i - s.length}: ${out[o]} vs ${s[i]})`);
      }
    }
  }
  return out;
}

/** Maps a possibly negative `dim` into [0, ndim); throws naming the op when out of range. */
export function normDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim)) throw new Error(`${op}: dim must be an integer, got ${dim}`);
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (dim < lo || dim > hi) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dims (expected in [${lo}, ${hi}])`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a dim, a list of dims, or undefined (= all dims) into a sorted unique list. */
export function normDims(op: string, dim: number | number[] | undefined | null, ndim: number): number[] {
  if (dim === undefined || dim === null) return [...Array(ndim).keys()];
  const list = Array.isArray(dim) ? dim : [dim];
  const out = list.map((d) => normDim(op, d, ndim)).filter((d) => d < ndim);
  if (new Set(out).size !== out.length) throw new Error(`${op}: dim ${fmt(list)} contains a repeated dimension`);
  return out.sort((a, b) => a - b);
}

/** Reads variadic-or-array size arguments: f(2, 3) and f([2, 3]) both give [2, 3]. */
export function sizeArgs(op: string, args: (number | readonly number[])[]): number[] {
  const sizes = args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
  for (const s of sizes) {
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new Error(`${op}: sizes must be integers, got ${fmt(sizes)}`);
  }
  return sizes;
}

/** The most dims a tensor may have (PyTorch allows 64 too). */
export const MAX_DIMS = 64;
/** The most elements a tensor may hold: int32 indices (argmax, gather) must reach every one. */
export const MAX_NUMEL = 2 ** 31 - 1;

/**
 * The one size guard, run before anything is allocated: a shape is a list of at most MAX_DIMS
 * non-negative integers whose product is at most MAX_NUMEL. Used by every creation op, expand,
 * narrow, repeat, the safetensors header and the Word2Vec readers. Returns a copy.
 */
export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of integers, got ${String(shape)}`);
  if (shape.length > MAX_DIMS) throw new Error(`${op}: a shape of ${shape.length} dims is more than the ${MAX_DIMS} allowed`);
  let n = 1;
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) throw new Error(`${op}: shape ${fmt(shape)} must contain non-negative integers`);
    n *= s;
  }
  if (n > MAX_NUMEL) throw new Error(`${op}: shape ${fmt(shape)} has ${n} elements, more than the ${MAX_NUMEL} a tensor can hold`);
  return [...shape];
}

/** Resolves one -1 entry of a target shape against a total element count (reshape/view). */
export function inferShape(op: string, shape: readonly number[], total: number, from: readonly number[]): number[] {
  const out = [...shape];
  const neg = out.flatMap((s, i) => (s === -1 ? [i] : []));
  if (neg.length > 1) throw new Error(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  for (const s of out) if (s < -1 || !Number.isInteger(s)) throw new Error(`${op}: invalid size in shape ${fmt(shape)}`);
  if (neg.length === 1) {
    const known = numel(out.filter((s) => s !== -1));
    if (known === 0 || total % known !== 0) {
      throw new Error(`${op}: shape ${fmt(shape)} is invalid for input ${fmt(from)} of ${total} elements`);
    }
    out[neg[0]] = total / known;
  }
  if (numel(out) !== total) throw new Error(`${op}: shape ${fmt(shape)} is invalid for input ${fmt(from)} of ${total} elements`);
  return out;
}
