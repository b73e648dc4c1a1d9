// transformer.ts — what the Transformer encoder and decoder layers of Vaswani et al. 2017 share:
// the causal mask, the layer options, the base class holding self-attention and the checks, the
// position-wise feed-forward sublayer and the copying of one layer into a stack. The layers are in
// transformer_encoder.ts and transformer_decoder.ts. Masks follow MultiheadAttention: bool true =
// *not allowed to attend*, a float mask is added to the scores.
// Shapes: T = target / source length, B = batch, E = dModel, F = dimFeedforward.
// Reference: torch.nn.TransformerEncoderLayer / TransformerDecoderLayer, torch.nn.Transformer.

import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { allocTyped, type DType } from '../tensor/dtype.js';
import { fmt } from '../tensor/shape.js';
import { checkPositiveInt } from '../check.js';
import { Module } from './module.js';
import type { Linear } from './linear.js';
import type { Dropout } from './dropout.js';
import { MultiheadAttention } from './multihead_attention.js';
import { getActivation, type ActivationFn } from './activation.js';

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

export type TransformerActivation = 'relu' | 'gelu' | ActivationFn;

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

/** The submodules both layers share: self-attention, and the options and checks. */
export abstract class TransformerLayerBase extends Module {
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  readonly activation: ActivationFn;
  /** registered as `self_attn` */
  readonly selfAttn: MultiheadAttention;

  constructor(private readonly op: string, readonly dModel: number, readonly nhead: number, protected readonly options: TransformerLayerOptions) {
    super();
    checkPositiveInt(op, 'dModel', dModel);
    checkPositiveInt(op, 'nhead', nhead);
    checkPositiveInt(op, 'dimFeedforward', options.dimFeedforward ?? 2048);
    this.normFirst = options.normFirst ?? false;
    this.batchFirst = options.batchFirst ?? false;
    this.activation = getActivation(op, options.activation ?? 'relu', ['relu', 'gelu']); // PyTorch's two names
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

/** The feed-forward net linear2(dropout(act(linear1(x)))); the layer adds the sublayer's dropout. (*, E) -> (*, E). */
export function feedForward(l: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: ActivationFn }, x: Tensor): Tensor {
  return l.linear2.forward(l.dropout.forward(l.activation(l.linear1.forward(x)))); // (*, E) -> (*, F) -> (*, E)
}

// ---- stacks --------------------------------------------------------------------------------------

/** The optional final norm of a stack: any tensor-to-tensor module, usually LayerNorm(E). */
export type FinalNorm = Module & { forward(x: Tensor): Tensor };

/** numLayers independent copies of `layer`, or throws naming the op. */
export function clones<L extends { clone(): L }>(op: string, layer: L, numLayers: number): L[] {
  if (!Number.isInteger(numLayers) || numLayers < 0) throw new Error(`${op}: numLayers must be a non-negative integer, got ${numLayers}`);
  return Array.from({ length: numLayers }, () => layer.clone());
}
