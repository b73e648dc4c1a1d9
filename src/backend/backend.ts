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
  | 'relu' | 'erf' | 'gelu' | 'reciprocal' | 'floor' | 'ceil' | 'round' | 'logicalNot' | 'isnan';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'logicalAnd' | 'logicalOr';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/**
 * Geometry of a 2-D sliding window over an (N, C, H, W) input, shared by im2col/col2im and the
 * pooling kernels. Window (oy, ox) covers input rows oy*sh - ph + i*dh (i < kh) and columns
 * ox*sw - pw + j*dw (j < kw); positions outside [0,H) x [0,W) are padding. ph/pw are the
 * top/left padding; bottom/right padding is implied by the output size (oh, ow), so asymmetric
 * padding (conv's 'same') needs no extra field.
 */
export interface Window2d {
  n: number; c: number; h: number; w: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  oh: number; ow: number;
}

/** How avgPool2d divides a window's sum (PyTorch's count_include_pad / divisor_override). */
export interface AvgPoolMode {
  /** divide by the window size clipped to the padded input (true) or to the input (false) */
  countIncludePad: boolean;
  /** if > 0, divide by this instead */
  divisorOverride: number;
}

/** What a fused cross-entropy kernel needs besides logits and targets (torch.nn.functional.cross_entropy's). */
export interface CrossEntropyOptions<S = unknown> {
  /** one weight per class (C), in the logits' dtype; null: every weight 1 */
  weight: View<S> | null;
  /** rows whose target equals this give loss 0 and gradient 0 */
  ignoreIndex: number;
  /** ε in [0, 1]: the target distribution is (1 - ε) one-hot + ε / C */
  labelSmoothing: number;
}

/**
 * The masks of fused attention. `bias` and `blocked` are views of the scores' shape (…, T, S)
 * (broadcast dims have stride 0), so a (B, 1, 1, S) padding mask is never expanded in memory.
 */
export interface AttentionMasks<S = unknown> {
  /** float, in the inputs' dtype, added to the scores (-inf blocks); null: none */
  bias: View<S> | null;
  /** bool, true = query t may NOT attend to key s; null: none */
  blocked: View<S> | null;
  /** also block every key s > t (top-left aligned when T != S), without a mask tensor */
  causal: boolean;
}

/** One Adam/AdamW step's hyper-parameters, as torch.optim.Adam names them (step counts from 1). */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled decay θ ← θ (1 - lr λ) (true), or Adam's L2 term g ← g + λ θ (false) */
  decoupled: boolean;
  /** ascend: g ← -g first */
  maximize: boolean;
  /** t ≥ 1, for the bias corrections 1 - β1^t and 1 - β2^t */
  step: number;
}

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
  /**
   * Whole-op kernel: layer norm without affine over each group of the last n elements (the
   * trailing dims whose sizes multiply to n): y = (x - mean) * rstd, rstd = 1 / sqrt(var + eps)
   * with the biased variance; mean and rstd have one value per group.
   */
  layerNorm(x: View<S>, n: number, eps: number, dtype: DType): { y: S; mean: S; rstd: S };

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

  // ---- sliding windows: convolution and pooling over (N, C, H, W) (geometry in Window2d) ----
  /** Unfolds x (N,C,H,W) into columns (N, C*kh*kw, oh*ow); row (c*kh + i)*kw + j, zero padding. */
  im2col(x: View<S>, g: Window2d, dtype: DType): S;
  /** im2col's adjoint: scatter-adds columns (N, C*kh*kw, oh*ow) back into zeros (N,C,H,W). */
  col2im(cols: View<S>, g: Window2d, dtype: DType): S;
  /**
   * Max over each window (padding counts as -inf, NaN wins) -> values (N,C,oh,ow) and, as
   * int32, each maximum's flat index y*W + x within its (H, W) plane (first one on ties).
   */
  maxPool2d(x: View<S>, g: Window2d, dtype: DType): { values: S; indices: S };
  /** maxPool2d's adjoint: zeros (N,C,H,W) with dy (N,C,oh,ow) added at each window's argmax. */
  maxPool2dBackward(dy: View<S>, indices: View<S>, g: Window2d, dtype: DType): S;
  /** Mean over each window (N,C,H,W) -> (N,C,oh,ow), the divisor chosen by `mode`. */
  avgPool2d(x: View<S>, g: Window2d, mode: AvgPoolMode, dtype: DType): S;
  /** avgPool2d's adjoint: each dy (N,C,oh,ow) spread evenly (same divisor) over its window. */
  avgPool2dBackward(dy: View<S>, g: Window2d, mode: AvgPoolMode, dtype: DType): S;

  // ---- fused composites: each equals a composition of the primitives above (see its test) ----
  /**
   * GELU's backward (the forward is unary 'gelu'): dx = dy (Φ(x) + x φ(x)), Φ the standard
   * normal CDF, φ its density; x and dy share one shape.
   */
  geluBackward(x: View<S>, dy: View<S>, dtype: DType): S;
  /**
   * Cross-entropy of logits x (N, C) against int32 targets y (N), one loss per row:
   *   lse_i = log Σ_c exp x_ic,  ℓ_i = (1 - ε) w[y_i] (lse_i - x_iy) + (ε / C) Σ_c w_c (lse_i - x_ic)
   * (ℓ_i = 0 where y_i = ignoreIndex). Returns ℓ (N) and lse (N), which the backward reuses.
   */
  crossEntropy(logits: View<S>, target: View<S>, o: CrossEntropyOptions<S>, dtype: DType): { loss: S; lse: S };
  /**
   * crossEntropy's backward from dℓ (N): dx_ic = dℓ_i (p_ic Σ_c' a_c' - a_c), p_i = softmax(x_i)
   * recomputed as exp(x_ic - lse_i) / Σ_c exp(x_ic - lse_i) (the sum cancels lse's rounding to
   * float32), a_c = (1 - ε) w[y_i] [c = y_i] + (ε / C) w_c; rows with y_i = ignoreIndex get 0. -> (N, C)
   */
  crossEntropyBackward(logits: View<S>, target: View<S>, lse: View<S>, dloss: View<S>, o: CrossEntropyOptions<S>, dtype: DType): S;
  /**
   * Scaled dot-product attention over q (…, T, d), k (…, S, d), v (…, S, dv) with equal leading
   * dims: P = softmax(q kᵀ · scale + masks) over the keys, out = P v (…, T, dv), and the per-row
   * log-sum-exp of the masked scores lse (…, T). A row whose keys are all masked gives out = 0
   * and lse = -inf. The (T, S) weights are never returned.
   */
  attention(q: View<S>, k: View<S>, v: View<S>, masks: AttentionMasks<S>, scale: number, dtype: DType): { out: S; lse: S };
  /**
   * attention's backward from dout (…, T, dv), recomputing P = exp(scores - lse) from q, k (divided
   * by its row sum, which is 1 but for lse's rounding: 6e-5 at |lse| ≈ 1000 in float32):
   *   dv = Pᵀ dout,  dP = dout vᵀ,  dS = P ∘ (dP - rowsum(dout ∘ out)),  dq = dS k · scale,  dk = dSᵀ q · scale
   * -> dq, dk, dv contiguous in the shapes of q, k, v (rows with every key masked give 0).
   */
  attentionBackward(
    q: View<S>, k: View<S>, v: View<S>, masks: AttentionMasks<S>, scale: number,
    out: View<S>, lse: View<S>, dout: View<S>, dtype: DType,
  ): { dq: S; dk: S; dv: S };
  /**
   * In place, one Adam/AdamW step on contiguous views of one shape and float dtype (param θ,
   * its gradient g, exp_avg m, exp_avg_sq v, and max_exp_avg_sq with amsgrad, else null):
   *   m = β1 m + (1 - β1) g,  v = β2 v + (1 - β2) g²,  v̂ = amsgrad ? (vmax = max(vmax, v)) : v
   *   θ = θ - lr / (1 - β1^t) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)
   * (after the maximize and weight-decay rules of AdamHyper), rounding to `dtype` after each
   * operation exactly as the same steps done with the primitives above do.
   */
  adamStep(param: View<S>, grad: View<S>, expAvg: View<S>, expAvgSq: View<S>, maxExpAvgSq: View<S> | null, h: AdamHyper, dtype: DType): void;
}
