// transformer_decoder.ts — the Transformer decoder of Vaswani et al. 2017: a block of causal
// self-attention, cross-attention over the encoder's output (memory) and a feed-forward net, each
// in a residual connection with a LayerNorm (post-norm, or pre-norm with normFirst), and a stack of
// independent copies of one block. Shared parts: transformer.ts.
// Shapes: T = target length, S = memory length, B = batch, E = dModel, F = dimFeedforward.
// Reference: torch.nn.TransformerDecoderLayer, torch.nn.TransformerDecoder.

import type { Tensor } from '../tensor/tensor.js';
import { fmt } from '../tensor/shape.js';
import { Module } from './module.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { Dropout } from './dropout.js';
import { MultiheadAttention } from './multihead_attention.js';
import { clones, feedForward, TransformerLayerBase, type FinalNorm, type TransformerLayerOptions } from './transformer.js';

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
