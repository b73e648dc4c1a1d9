// 04-self-attention.ts — solutions to the exercises of tutorial chapter 4
// (docs/tutorial/04-self-attention.md), checked by test/tutorial/04-self-attention.test.ts:
// 4.1 an exponentially decaying average as a softmax over a bias, 4.2 attention that ignores
// padded keys, 4.3 multi-head attention as nh separate Heads concatenated and projected.
// Shape letters: B batch, T time, C channels, nh heads, hs head size.

import { arange, cat, tensor, type Tensor, type nn } from '../../../src/index.js';
import { futureMask, type Head } from '../lib/b-attention.js';

/**
 * 4.1 — (T, T) weights w[t, s] ∝ gamma^(t − s) for s ≤ t, 0 for s > t, each row summing to 1: a
 * softmax over the scores (t − s)·ln(gamma) with the future masked to -inf. gamma = 1 gives the
 * plain average of the chapter's first section.
 */
export function emaWeights(T: number, gamma: number): Tensor {
  if (!Number.isInteger(T) || T < 1) throw new Error(`emaWeights: T must be a positive integer, got ${T}`);
  if (!(gamma > 0 && gamma <= 1)) throw new Error(`emaWeights: gamma must be in (0, 1], got ${gamma}`);
  const t = arange(0, T).reshape(T, 1), s = arange(0, T).reshape(1, T); // (T, 1), (1, T)
  const scores = t.sub(s).mul(Math.log(gamma)); // (T, T): (t − s)·ln gamma
  return scores.maskedFill(futureMask(T), -Infinity).softmax(-1); // (T, T)
}

/**
 * 4.2 — softmax(q kᵀ / sqrt(hs)) v where sequence b has only lengths[b] real keys and the rest are
 * padding that no query may attend to (no causal mask). q, k, v (B, T, hs) -> (B, T, hs).
 */
export function paddedAttention(q: Tensor, k: Tensor, v: Tensor, lengths: number[]): Tensor {
  const [B, T, hs] = q.shape;
  if (lengths.length !== B) throw new Error(`paddedAttention: ${lengths.length} lengths for a batch of ${B}`);
  for (const n of lengths) if (!Number.isInteger(n) || n < 1 || n > T) throw new Error(`paddedAttention: each length must be an integer in [1, ${T}], got ${n}`);
  const pos = arange(0, T).reshape(1, 1, T); // (1, 1, T)
  const padded = pos.ge(tensor(lengths).reshape(B, 1, 1)); // (B, 1, T): true where key j is padding
  let wei = q.matmul(k.transpose(-2, -1)).mul(hs ** -0.5); // (B, T, hs) @ (B, hs, T) -> (B, T, T)
  wei = wei.maskedFill(padded, -Infinity).softmax(-1); // (B, T, T), the mask broadcast over queries
  return wei.matmul(v); // (B, T, hs)
}

/** 4.3 — multi-head attention the slow way: each Head on x, outputs side by side, then the projection. */
export function multiHeadFromHeads(heads: Head[], proj: nn.Linear, x: Tensor): Tensor {
  const outs = heads.map((h) => h.forward(x)); // nh × (B, T, hs)
  return proj.forward(cat(outs, -1)); // (B, T, nh·hs) -> (B, T, C)
}
