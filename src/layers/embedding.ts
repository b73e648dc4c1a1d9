// embedding.ts — a lookup table: row idx of a weight matrix per index. The functional
// `embedding` is indexSelect on the flattened indices (its backward, indexAdd, scatters dy back
// into the rows), with the padding row cut from the gradient; `Embedding` holds the table.
// Shapes: num = numEmbeddings, dim = embeddingDim, `*` = the index tensor's shape.
// Reference: torch.nn.Embedding / torch.nn.functional.embedding (padding_idx, from_pretrained).

import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { where } from '../autograd/ops/binary.js';
import { noGrad } from '../autograd/engine.js';
import { Module, Parameter } from './module.js';
import { normal } from './init.js';

/** Maps a possibly negative paddingIdx into [0, num), or throws naming the op. */
function normPaddingIdx(op: string, paddingIdx: number | null | undefined, num: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num) {
    throw new Error(`${op}: paddingIdx ${paddingIdx} must be an integer within [${-num}, ${num}) for ${num} embeddings`);
  }
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

export interface EmbeddingFnOptions {
  /** row whose gradient is always zero (e.g. the [PAD] token); may be negative */
  paddingIdx?: number | null;
}

/**
 * y[i…] = w[idx[i…]]; the row w[paddingIdx] receives no gradient.
 *
 * Shape: idx (*) int32, w (num, dim) -> y (*, dim).
 */
export function embedding(idx: Tensor, w: Tensor, opts: EmbeddingFnOptions = {}): Tensor {
  if (!(idx instanceof Tensor) || idx.dtype !== 'int32') {
    throw new Error(`embedding: indices must be an int32 Tensor, got ${idx instanceof Tensor ? idx.dtype : typeof idx}`);
  }
  if (w.ndim !== 2) throw new Error(`embedding: weight must be 2-D (num, dim), got shape ${fmt(w.shape)}`);
  const [num, dim] = w.shape;
  const pad = normPaddingIdx('embedding', opts.paddingIdx, num);
  const flat = idx.reshape([-1]); // (n,) with n = numel(*)
  const ids = flat.dataSync();
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= num) {
      throw new Error(`embedding: index ${ids[i]} (at flat position ${i} of indices ${fmt(idx.shape)}) is out of range for ${num} embeddings [0, ${num})`);
    }
  }
  let rows = w.indexSelect(0, flat); // (n, dim)
  if (pad !== null) {
    // same values, but the padding rows take their value from a detached copy: no gradient flows
    const keep = flat.ne(pad).unsqueeze(-1); // (n, 1) bool
    rows = where(keep, rows, rows.detach());
  }
  return rows.reshape([...idx.shape, dim]); // (*, dim)
}

export interface EmbeddingOptions extends EmbeddingFnOptions {
  /** dtype of the table (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

/**
 * A learned lookup table of `numEmbeddings` vectors of size `embeddingDim`: y = weight[idx].
 *
 * Parameter: `weight` (num, dim) ~ N(0, 1), with the `paddingIdx` row zeroed at init; that row
 * gets no gradient, so it stays as it is during training.
 *
 * Shape: input (*) int32 -> output (*, embeddingDim).
 *
 * @example
 *   const emb = new Embedding(10, 3, { paddingIdx: 0 });
 *   emb.forward(tensor([[1, 2, 0]], { dtype: 'int32' })).shape; // [1, 3, 3]
 */
export class Embedding extends Module {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    for (const [name, n] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`Embedding: ${name} must be a non-negative integer, got ${n}`);
    }
    this.paddingIdx = normPaddingIdx('Embedding', opts.paddingIdx, numEmbeddings);
    this.weight = this.registerParameter('weight', new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' })));
    this.resetParameters();
  }

  /**
   * An Embedding whose table is a copy of `embeddings` (num, dim); frozen (no gradient) unless
   * `freeze` is false.
   */
  static fromPretrained(embeddings: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (embeddings.ndim !== 2) throw new Error(`Embedding.fromPretrained: embeddings must be 2-D (num, dim), got shape ${fmt(embeddings.shape)}`);
    const [num, dim] = embeddings.shape;
    const emb = new Embedding(num, dim, { paddingIdx: opts.paddingIdx, dtype: embeddings.dtype });
    noGrad(() => emb.weight.copy_(embeddings));
    emb.weight.requiresGrad_(!(opts.freeze ?? true));
    return emb;
  }

  /** weight ~ N(0, 1); weight[paddingIdx] = 0. */
  resetParameters(): void {
    normal(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).zero_());
  }

  forward(idx: Tensor): Tensor {
    return embedding(idx, this.weight, { paddingIdx: this.paddingIdx });
  }
}
