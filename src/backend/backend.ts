// backend.ts — the typed contract every compute backend implements.
// Ops in src/autograd/ops call only these methods for arithmetic, so the compiler proves a
// backend complete. Inputs are strided views (ndarray's {data, shape, stride, offset});
// outputs are fresh contiguous storages in row-major order. Elementwise kernels receive
// operands already broadcast to one shape (broadcast dims have stride 0).
// Reference: tfjs-core's KernelBackend; tinygrad's primitive op families.

import type { DType, TypedArray } from '../tensor/dtype.js';

/** A strided window onto a backend's storage; ndarray's NdArray satisfies this shape. */
export interface View<S = unknown> {
  data: S;
  shape: number[];
  stride: number[];
  offset: number;
}

export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'sign' | 'sin' | 'cos' | 'tanh' | 'sigmoid'
  | 'relu' | 'erf' | 'reciprocal' | 'floor' | 'ceil' | 'round' | 'logicalNot' | 'isnan';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

export interface Backend<S = unknown> {
  readonly name: string;

  // ---- memory ------------------------------------------------------------------------
  /** Takes host data (copied or adopted) into backend storage of `dtype`. */
  fromHost(dtype: DType, values: TypedArray): S;
  /** Zero-filled storage of `size` elements. */
  zeros(dtype: DType, size: number): S;
  /** Contiguous row-major host copy of a view, as `dtype`'s typed array. */
  toHost(x: View<S>, dtype: DType): TypedArray;
  /** Number of elements a storage holds (for bounds checks of views). */
  storageSize(s: S): number;
  /** In place: writes src (same shape as dst, may be broadcast) into the elements dst views. */
  assign(dst: View<S>, src: View<S>): void;

  // ---- elementwise (operands share one shape; output contiguous) -----------------------
  /** y = x, materialised contiguously and cast to `dtype`. */
  copy(x: View<S>, dtype: DType): S;
  unary(op: UnaryOp, x: View<S>, dtype: DType): S;
  binary(op: BinaryOp, a: View<S>, b: View<S>, dtype: DType): S;
  /** y = cond ? a : b */
  where(cond: View<S>, a: View<S>, b: View<S>, dtype: DType): S;
  /** y = clamp(x, lo, hi) (either bound may be null). */
  clamp(x: View<S>, lo: number | null, hi: number | null, dtype: DType): S;

  // ---- reductions --------------------------------------------------------------------
  /** Reduces `axes` (sorted, unique) away; output shape is x.shape without them. */
  reduce(op: ReduceOp, x: View<S>, axes: number[], dtype: DType): S;
  /** Index of the max/min along `axis` (first occurrence), as int32; axis removed. */
  argReduce(op: 'argmax' | 'argmin', x: View<S>, axis: number): S;
  /** Whole-op kernel: softmax (or log-softmax) along `axis`, max-subtracted for stability. */
  softmax(x: View<S>, axis: number, log: boolean, dtype: DType): S;

  // ---- contractions ------------------------------------------------------------------
  /** Batched matrix product: a (...batch, M, K) @ b (...batch, K, N) with equal batch shapes. */
  matmul(a: View<S>, b: View<S>, dtype: DType): S;

  // ---- movement and indexing ---------------------------------------------------------
  /** Concatenation of views along `axis` into one contiguous storage. */
  cat(xs: View<S>[], axis: number, dtype: DType): S;
  /** Zeros of `shape` with x written at out[start + i*step] per dim (slice's adjoint). */
  embed(x: View<S>, shape: number[], start: number[], step: number[], dtype: DType): S;
  /** out[i][j] = x[i][index[i][j]] along `axis` (torch.gather); index is int32. */
  gather(x: View<S>, axis: number, index: View<S>, dtype: DType): S;
  /** Zeros of `shape` with src[..j..] added at [..index[..j..]..] along axis (gather's adjoint). */
  scatterAdd(shape: number[], axis: number, index: View<S>, src: View<S>, dtype: DType): S;
  /** out = x.indexSelect(axis, index) for a 1-D int32 index. */
  indexSelect(x: View<S>, axis: number, index: View<S>, dtype: DType): S;
  /** Zeros of `shape` with src's slices added at rows `index` along axis (indexSelect's adjoint). */
  indexAdd(shape: number[], axis: number, index: View<S>, src: View<S>, dtype: DType): S;
}
