// transformer_encoder.ts — the Transformer encoder of Vaswani et al. 2017: a block of
// self-attention and a feed-forward net, each in a residual connection with a LayerNorm after the
// sum (post-norm, the paper) or before the sublayer (pre-norm, normFirst; Xiong et al. 2020), and a
// stack of independent copies of one block. Shared parts: transformer.ts.
// Shapes: T = source length, B = batch, E = dModel, F = dimFeedforward.
// Reference: torch.nn.TransformerEncoderLayer, torch.nn.TransformerEncoder.

import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { Dropout } from './dropout.js';
import { clones, feedForward, TransformerLayerBase, type FinalNorm, type TransformerLayerOptions } from './transformer.js';

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
