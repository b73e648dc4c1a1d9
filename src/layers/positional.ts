// positional.ts — sinusoidal positional encoding (Vaswani et al. 2017, §3.5): a fixed table
// pe[pos, 2i] = sin(pos / 10000^(2i/d)), pe[pos, 2i+1] = cos(pos / 10000^(2i/d)) added to the
// token embeddings, then dropout. Registered as the buffer `pe` (maxLen, 1, d) like the PyTorch
// tutorial's module, so its state dict has the same key and layout.
// Shapes: T = sequence length, B = batch, d = dModel.
// Reference: PyTorch tutorial "Language Modeling with nn.Transformer" (PositionalEncoding).

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { allocTyped, type DType } from '../tensor/dtype.js';
import { fmt } from '../tensor/shape.js';
import { Module } from './module.js';
import { Dropout } from './dropout.js';

export interface PositionalEncodingOptions {
  /** longest sequence the table covers (default 5000) */
  maxLen?: number;
  /** dropout probability applied after the addition (default 0.1) */
  dropout?: number;
  /** input is (B, T, d) instead of (T, B, d) (default false) */
  batchFirst?: boolean;
  /** dtype of the `pe` table (default 'float32') */
  dtype?: DType;
}

/**
 * The sinusoidal table, (maxLen, d): column 2i holds sin(pos * w_i), column 2i+1 cos(pos * w_i),
 * with w_i = 10000^(-2i/d) = exp(-2i ln(10000) / d).
 */
export function sinusoidalTable(maxLen: number, dModel: number, dtype: DType = 'float32'): Tensor {
  const pe = allocTyped(dtype, maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let j = 0; j < dModel; j += 2) {
      const w = Math.exp(-j * (Math.log(10000) / dModel)); // j = 2i
      pe[pos * dModel + j] = Math.sin(pos * w);
      if (j + 1 < dModel) pe[pos * dModel + j + 1] = Math.cos(pos * w);
    }
  }
  return tensor(pe, { shape: [maxLen, dModel], dtype });
}

/**
 * Adds fixed sinusoidal position codes and applies dropout: y = dropout(x + pe[:T]).
 *
 * Buffer: `pe` (maxLen, 1, dModel), pe[pos, 0, 2i] = sin(pos / 10000^(2i/d)),
 * pe[pos, 0, 2i+1] = cos(pos / 10000^(2i/d)). No parameters.
 *
 * Shape: (T, B, d) -> (T, B, d); with batchFirst (B, T, d) -> (B, T, d); unbatched (T, d).
 * T must be at most maxLen.
 *
 * @example
 *   const pos = new PositionalEncoding(512, { dropout: 0.1 });
 *   pos.forward(embed.forward(ids).mul(Math.sqrt(512))); // ids (T, B) -> (T, B, 512)
 */
export class PositionalEncoding extends Module {
  readonly maxLen: number;
  readonly batchFirst: boolean;
  readonly dropout: Dropout;
  readonly pe: Tensor;

  constructor(readonly dModel: number, opts: PositionalEncodingOptions = {}) {
    super();
    this.maxLen = opts.maxLen ?? 5000;
    for (const [name, n] of [['dModel', dModel], ['maxLen', this.maxLen]] as const) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`PositionalEncoding: ${name} must be a positive integer, got ${n}`);
    }
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = this.registerModule('dropout', new Dropout(opts.dropout ?? 0.1));
    const table = sinusoidalTable(this.maxLen, dModel, opts.dtype ?? 'float32');
    this.pe = this.registerBuffer('pe', table.reshape([this.maxLen, 1, dModel])); // (maxLen, 1, d)
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.dModel) {
      throw new Error(`PositionalEncoding: expected input (T, B, ${this.dModel})${this.batchFirst ? ' / (B, T, ' + this.dModel + ')' : ''} or (T, ${this.dModel}), got ${fmt(x.shape)}`);
    }
    const tDim = x.ndim === 3 && this.batchFirst ? 1 : 0;
    const T = x.shape[tDim];
    if (T > this.maxLen) throw new Error(`PositionalEncoding: sequence length ${T} exceeds maxLen ${this.maxLen}`);
    let pe = this.pe.narrow(0, 0, T); // (T, 1, d)
    if (x.ndim === 2) pe = pe.squeeze(1); // (T, d)
    else if (this.batchFirst) pe = pe.transpose(0, 1); // (1, T, d)
    return this.dropout.forward(x.add(pe));
  }
}
