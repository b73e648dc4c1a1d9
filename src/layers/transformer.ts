// transformer.ts — the Transformer encoder and decoder blocks of Vaswani et al. 2017 ("Attention
// Is All You Need"): self-attention (+ cross-attention over the encoder's memory in the decoder)
// and a position-wise feed-forward net, each wrapped in a residual connection and a LayerNorm,
// after the sum (post-norm, the paper) or before the sublayer (pre-norm, normFirst; Xiong et al.
// 2020). Stacks hold independent copies of one layer. Masks follow MultiheadAttention: a boolean
// true means *not allowed to attend*, a float mask is added to the scores; isCausal without a
// mask builds the causal mask (PyTorch treats it only as a hint and requires the mask).
// Shapes: T = target / source length, S = memory length, B = batch, E = dModel, F = dimFeedforward.
// Reference: torch.nn.TransformerEncoderLayer / TransformerEncoder / TransformerDecoderLayer /
// TransformerDecoder, torch.nn.Transformer.generate_square_subsequent_mask.

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { allocTyped, type DType } from '../tensor/dtype.js';
import { fmt } from '../tensor/shape.js';
import { Module } from './module.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { Dropout } from './dropout.js';
import { MultiheadAttention } from './attention.js';

// ---- masks -----------------------------------------------------------------------------------

/**
 * The causal mask of a sequence of `size`: a (size, size) float tensor with -inf above the
 * diagonal and 0 on and below it, so position t attends to positions 0..t only.
 *
 * @example
 *   generateSquareSubsequentMask(3).toArray(); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export function generateSquareSubsequentMask(size: number, opts: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(size) || size < 0) throw new Error(`generateSquareSubsequentMask: size must be a non-negative integer, got ${size}`);
  const dtype = opts.dtype ?? 'float32';
  const m = allocTyped(dtype, size * size);
  for (let t = 0; t < size; t++) for (let s = t + 1; s < size; s++) m[t * size + s] = -Infinity;
  return tensor(m, { shape: [size, size], dtype });
}

// ---- options shared by both layers -------------------------------------------------------------

export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  /** hidden size F of the feed-forward net (default 2048) */
  dimFeedforward?: number;
  /** dropout probability in attention, after each sublayer and inside the feed-forward net (default 0.1) */
  dropout?: number;
  /** feed-forward nonlinearity: 'relu' (default), 'gelu' (exact erf form) or a function */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5) */
  layerNormEps?: number;
  /** inputs are (B, T, E) instead of (T, B, E) (default false) */
  batchFirst?: boolean;
  /** pre-norm: LayerNorm before each sublayer instead of after the residual sum (default false) */
  normFirst?: boolean;
  /** biases in the linear layers, attention projections and LayerNorms (default true) */
  bias?: boolean;
  /** dtype of the parameters (default 'float32') */
  dtype?: DType;
}

function activationFn(op: string, a: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return (x) => x.relu();
  if (a === 'gelu') return (x) => x.gelu();
  throw new Error(`${op}: activation should be 'relu' or 'gelu' (or a function), not '${String(a)}'`);
}

/** The submodules both layers share: attention, the feed-forward net, norms and dropouts. */
abstract class TransformerLayerBase extends Module {
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  readonly activation: (x: Tensor) => Tensor;
  /** registered as `self_attn` */
  readonly selfAttn: MultiheadAttention;

  constructor(private readonly op: string, readonly dModel: number, readonly nhead: number, protected readonly options: TransformerLayerOptions) {
    super();
    for (const [name, n] of [['dModel', dModel], ['nhead', nhead], ['dimFeedforward', options.dimFeedforward ?? 2048]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
    }
    this.normFirst = options.normFirst ?? false;
    this.batchFirst = options.batchFirst ?? false;
    this.activation = activationFn(op, options.activation ?? 'relu');
    const { dropout = 0.1, bias = true, dtype = 'float32' } = options;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst: this.batchFirst, dtype }));
  }

  /** Throws unless x is (T, B, E), (B, T, E) or unbatched (T, E) with E = dModel. */
  protected checkInput(name: string, x: Tensor): void {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.dModel) {
      const layout = this.batchFirst ? 'B, T' : 'T, B';
      throw new Error(`${this.op}: ${name} must be (${layout}, ${this.dModel}) or unbatched (T, ${this.dModel}), got ${fmt(x.shape)}`);
    }
  }

  /** A copy of this layer's parameters, buffers and mode in a fresh layer (no shared storage). */
  protected copyInto<L extends Module>(fresh: L): L {
    fresh.loadStateDict(this.stateDict()); // copies values into the fresh layer's own tensors
    return fresh.train(this.training);
  }
}

/** The feed-forward sublayer: dropout(linear2(dropout(act(linear1(x))))). (*, E) -> (*, E). */
function feedForward(l: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: (x: Tensor) => Tensor }, x: Tensor): Tensor {
  return l.linear2.forward(l.dropout.forward(l.activation(l.linear1.forward(x)))); // (*, E) -> (*, F) -> (*, E)
}

// ---- encoder -----------------------------------------------------------------------------------

export interface TransformerEncoderLayerForwardOptions {
  /** attention mask (T, T) or (B·nh, T, T): bool true = not allowed, float = added to the scores */
  srcMask?: Tensor | null;
  /** (B, T), or (T) unbatched: true marks padding keys to ignore */
  srcKeyPaddingMask?: Tensor | null;
  /** causal self-attention; without srcMask the causal mask is generated */
  isCausal?: boolean;
}

/**
 * One Transformer encoder block, post-norm (default, as the paper):
 *   x = norm1(x + dropout1(self_attn(x, x, x)))
 *   x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))))
 * or pre-norm (normFirst): x = x + sa(norm1(x)); x = x + ff(norm2(x)).
 *
 * Submodules (PyTorch's names): `self_attn` (MultiheadAttention), `linear1` (E -> F), `dropout`,
 * `linear2` (F -> E), `norm1`, `norm2` (LayerNorm(E)), `dropout1`, `dropout2`.
 *
 * Shape: src (T, B, E), or (B, T, E) with batchFirst, or unbatched (T, E) -> same shape.
 *
 * @example
 *   const layer = new TransformerEncoderLayer(512, 8);
 *   layer.forward(randn([10, 32, 512])).shape; // [10, 32, 512]
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super('TransformerEncoderLayer', dModel, nhead, opts);
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, bias = true, dtype = 'float32' } = opts;
    this.linear1 = this.registerModule('linear1', new Linear(dModel, dimFeedforward, { bias, dtype }));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(dimFeedforward, dModel, { bias, dtype }));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
  }

  /** An independent copy: same options, copied parameters, same train/eval mode. */
  clone(): TransformerEncoderLayer {
    return this.copyInto(new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }

  forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    this.checkInput('src', src);
    const sa = (x: Tensor): Tensor => this.dropout1.forward(this.selfAttn.forward(x, x, x, {
      attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal, needWeights: false,
    })[0]);
    const ff = (x: Tensor): Tensor => this.dropout2.forward(feedForward(this, x));
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(ff(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(sa(x)));
      x = this.norm2.forward(x.add(ff(x)));
    }
    return x;
  }
}

/** The optional final norm of a stack: any tensor-to-tensor module, usually LayerNorm(E). */
export type FinalNorm = Module & { forward(x: Tensor): Tensor };

/** numLayers independent copies of `layer`, or throws naming the op. */
function clones<L extends { clone(): L }>(op: string, layer: L, numLayers: number): L[] {
  if (!Number.isInteger(numLayers) || numLayers < 0) throw new Error(`${op}: numLayers must be a non-negative integer, got ${numLayers}`);
  return Array.from({ length: numLayers }, () => layer.clone());
}

export interface TransformerEncoderForwardOptions {
  /** attention mask for every layer (see TransformerEncoderLayer's srcMask) */
  mask?: Tensor | null;
  /** (B, T): true marks padding keys */
  srcKeyPaddingMask?: Tensor | null;
  /** causal self-attention in every layer; without mask the causal mask is generated */
  isCausal?: boolean;
}

/**
 * A stack of numLayers encoder layers, each an independent copy of `encoderLayer` (its
 * parameters copied, not shared; the passed layer itself is not used), then an optional final
 * norm: y = norm(layer_{N-1}(…layer_0(src))).
 *
 * State-dict keys: `layers.0.self_attn.in_proj_weight`, …, `layers.{N-1}.norm2.bias`, `norm.weight`.
 *
 * Shape: src as the layer's input -> same shape.
 *
 * @example
 *   const enc = new TransformerEncoder(new TransformerEncoderLayer(512, 8), 6);
 *   enc.forward(randn([10, 32, 512]), { srcKeyPaddingMask }); // (10, 32, 512)
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: FinalNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, opts: { norm?: FinalNorm | null } = {}) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(clones('TransformerEncoder', encoderLayer, numLayers)));
    this.norm = this.registerModule('norm', opts.norm ?? null);
  }

  forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    const layerOpts = { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal };
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, layerOpts);
    return this.norm ? this.norm.forward(x) : x;
  }
}

// ---- decoder -----------------------------------------------------------------------------------

export interface TransformerDecoderLayerForwardOptions {
  /** self-attention mask (T, T) or (B·nh, T, T): bool true = not allowed, float = added */
  tgtMask?: Tensor | null;
  /** cross-attention mask (T, S) or (B·nh, T, S) */
  memoryMask?: Tensor | null;
  /** (B, T): true marks padding target positions */
  tgtKeyPaddingMask?: Tensor | null;
  /** (B, S): true marks padding memory positions */
  memoryKeyPaddingMask?: Tensor | null;
  /** causal self-attention; without tgtMask the causal mask is generated */
  tgtIsCausal?: boolean;
  /** causal cross-attention (target t sees memory 0..t); without memoryMask it is generated */
  memoryIsCausal?: boolean;
}

/**
 * One Transformer decoder block, post-norm (default):
 *   x = norm1(x + dropout1(self_attn(x, x, x)))
 *   x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
 *   x = norm3(x + dropout3(linear2(dropout(act(linear1(x))))))
 * or pre-norm (normFirst): x = x + sa(norm1(x)); x = x + ca(norm2(x), memory); x = x + ff(norm3(x)).
 *
 * Submodules (PyTorch's names): `self_attn`, `multihead_attn` (MultiheadAttention), `linear1`,
 * `dropout`, `linear2`, `norm1`, `norm2`, `norm3`, `dropout1`, `dropout2`, `dropout3`.
 *
 * Shape: tgt (T, B, E), memory (S, B, E) (batch first with batchFirst; unbatched (T, E), (S, E))
 * -> (T, B, E).
 *
 * @example
 *   const layer = new TransformerDecoderLayer(512, 8);
 *   layer.forward(randn([20, 32, 512]), memory, { tgtIsCausal: true }).shape; // [20, 32, 512]
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  /** registered as `multihead_attn` */
  readonly multiheadAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super('TransformerDecoderLayer', dModel, nhead, opts);
    const { dimFeedforward = 2048, dropout = 0.1, layerNormEps = 1e-5, bias = true, dtype = 'float32' } = opts;
    this.multiheadAttn = this.registerModule('multihead_attn', new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst: this.batchFirst, dtype }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, dimFeedforward, { bias, dtype }));
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
    this.linear2 = this.registerModule('linear2', new Linear(dimFeedforward, dModel, { bias, dtype }));
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }));
    this.norm3 = this.registerModule('norm3', new LayerNorm(dModel, { eps: layerNormEps, bias, dtype }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(dropout));
    this.dropout2 = this.registerModule('dropout2', new Dropout(dropout));
    this.dropout3 = this.registerModule('dropout3', new Dropout(dropout));
  }

  /** An independent copy: same options, copied parameters, same train/eval mode. */
  clone(): TransformerDecoderLayer {
    return this.copyInto(new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }

  forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerForwardOptions = {}): Tensor {
    this.checkInput('tgt', tgt);
    this.checkInput('memory', memory);
    if (tgt.ndim !== memory.ndim) throw new Error(`TransformerDecoderLayer: tgt ${fmt(tgt.shape)} and memory ${fmt(memory.shape)} must both be batched or both unbatched`);
    const sa = (x: Tensor): Tensor => this.dropout1.forward(this.selfAttn.forward(x, x, x, {
      attnMask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, isCausal: opts.tgtIsCausal, needWeights: false,
    })[0]);
    const ca = (x: Tensor): Tensor => this.dropout2.forward(this.multiheadAttn.forward(x, memory, memory, {
      attnMask: opts.memoryMask, keyPaddingMask: opts.memoryKeyPaddingMask, isCausal: opts.memoryIsCausal, needWeights: false,
    })[0]);
    const ff = (x: Tensor): Tensor => this.dropout3.forward(feedForward(this, x));
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(ca(this.norm2.forward(x)));
      x = x.add(ff(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(sa(x)));
      x = this.norm2.forward(x.add(ca(x)));
      x = this.norm3.forward(x.add(ff(x)));
    }
    return x;
  }
}

/** Passed to every layer of the stack. */
export type TransformerDecoderForwardOptions = TransformerDecoderLayerForwardOptions;

/**
 * A stack of numLayers decoder layers, each an independent copy of `decoderLayer`, every one
 * attending to the same memory, then an optional final norm.
 *
 * State-dict keys: `layers.0.self_attn.in_proj_weight`, …, `layers.0.multihead_attn.…`, `norm.weight`.
 *
 * Shape: tgt (T, B, E), memory (S, B, E) (or batch first) -> (T, B, E).
 *
 * @example
 *   const dec = new TransformerDecoder(new TransformerDecoderLayer(512, 8), 6, { norm: new LayerNorm(512) });
 *   dec.forward(tgt, memory, { tgtMask: generateSquareSubsequentMask(tgt.shape[0]) });
 */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: FinalNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, opts: { norm?: FinalNorm | null } = {}) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(clones('TransformerDecoder', decoderLayer, numLayers)));
    this.norm = this.registerModule('norm', opts.norm ?? null);
  }

  forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
}
