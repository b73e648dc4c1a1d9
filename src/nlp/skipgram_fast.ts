// skipgram_fast.ts — sgnsStepFast, the kernel Word2Vec's training spends its time in: the SGNS
// step of skipgram.ts's sgnsStep for one (center, context) pair, rearranged so that each
// coordinate of x and of up to six output rows is read and written once (docs/word2vec.md §5).
// The tests check it against sgnsStep. Reference: word2vec.c (TrainModelThread, skip-gram).
// Shapes: D = vector size; syn0, syn1neg (V, D) row-major; l1 = context·D, the row of x.

import { MAX_EXP } from './skipgram.js';

/**
 * sgnsStep for targets[0..n) (targets[0] the center), rearranged for speed with the same result
 * up to float rounding. It takes the targets in groups of at most six distinct words. Distinct
 * targets never touch each other's rows, so within a group every f_t can be computed first
 * (pass 1, sgnsGradients); pass 2 (sgnsUpdate6) then walks the D coordinates once, updating the
 * group's u_t[c] and x[c] together while x[c] and the six g_t sit in registers. A group ends
 * before a word it already holds, so a repeated noise word sees its first update, as in sgnsStep.
 * With one group (the usual case for negative ≤ 5) x is updated in place; with several, every
 * group needs the x from before the step, so Σ g_t·u_t goes to `neu1e` (a scratch row of D)
 * and into x at the end. `l1` is context·D; `g` a scratch array of n + 5 numbers. This is the
 * kernel training spends its time in.
 */
export function sgnsStepFast(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, n: number, alpha: number, g: Float64Array, neu1e: Float64Array,
): void {
  let end = groupEnd(targets, 0, n);
  if (end === n) {
    sgnsGradients(syn0, syn1neg, dim, l1, targets, 0, n, alpha, g);
    sgnsUpdate6(syn0, syn1neg, dim, l1, targets, 0, n, g, null);
    return;
  }
  for (let c = 0; c < dim; c++) neu1e[c] = 0;
  for (let start = 0; start < n; start = end, end = groupEnd(targets, end, n)) {
    sgnsGradients(syn0, syn1neg, dim, l1, targets, start, end, alpha, g);
    sgnsUpdate6(syn0, syn1neg, dim, l1, targets, start, end, g, neu1e);
  }
  for (let c = 0; c < dim; c++) syn0[l1 + c] += neu1e[c];
}

/** The end of the group of targets starting at `start`: at most six, and no word twice. */
function groupEnd(targets: Int32Array, start: number, n: number): number {
  let end = start + 1;
  for (; end < n && end - start < 6; end++) {
    for (let k = start; k < end; k++) if (targets[k] === targets[end]) return end;
  }
  return end;
}

/**
 * Pass 1 of sgnsStepFast for targets[from..to): f_t = x·u_t (four partial sums, for speed) and
 * g_t = (label_t − σ(f_t))·alpha into g[t]; g is 0 for the spare slots up to from + 6.
 */
function sgnsGradients(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, from: number, to: number, alpha: number, g: Float64Array,
): void {
  const dim4 = dim & ~3;
  for (let t = from; t < to; t++) {
    const l2 = targets[t] * dim;
    let f0 = 0, f1 = 0, f2 = 0, f3 = 0, c = 0;
    for (; c < dim4; c += 4) {
      f0 += syn0[l1 + c] * syn1neg[l2 + c];
      f1 += syn0[l1 + c + 1] * syn1neg[l2 + c + 1];
      f2 += syn0[l1 + c + 2] * syn1neg[l2 + c + 2];
      f3 += syn0[l1 + c + 3] * syn1neg[l2 + c + 3];
    }
    for (; c < dim; c++) f0 += syn0[l1 + c] * syn1neg[l2 + c];
    const f = f0 + f1 + (f2 + f3);
    g[t] = ((t === 0 ? 1 : 0) - (f > MAX_EXP ? 1 : f < -MAX_EXP ? 0 : 1 / (1 + Math.exp(-f)))) * alpha;
  }
  for (let t = to; t < from + 6; t++) g[t] = 0;
}

/**
 * Pass 2 of sgnsStepFast for the distinct targets[from..to), to − from ≤ 6:
 *   u_t[c] += g_t·x[c]   and   x[c] += Σ_t g_t·u_t[c]  (u_t[c] before its update)
 * or, given neu1e, neu1e[c] += Σ_t g_t·u_t[c] instead of the update of x. Spare slots (fewer than
 * six targets) get g = 0 and the group's first row; their stores come before that row's, so
 * they change nothing.
 */
function sgnsUpdate6(
  syn0: Float32Array, syn1neg: Float32Array, dim: number, l1: number,
  targets: Int32Array, from: number, to: number, g: Float64Array, neu1e: Float64Array | null,
): void {
  const t = from;
  const a0 = targets[t] * dim, g0 = g[t], g1 = g[t + 1], g2 = g[t + 2], g3 = g[t + 3], g4 = g[t + 4], g5 = g[t + 5];
  const a1 = t + 1 < to ? targets[t + 1] * dim : a0, a2 = t + 2 < to ? targets[t + 2] * dim : a0;
  const a3 = t + 3 < to ? targets[t + 3] * dim : a0, a4 = t + 4 < to ? targets[t + 4] * dim : a0;
  const a5 = t + 5 < to ? targets[t + 5] * dim : a0;
  if (neu1e === null) {
    for (let c = 0; c < dim; c++) {
      const x = syn0[l1 + c];
      const u0 = syn1neg[a0 + c], u1 = syn1neg[a1 + c], u2 = syn1neg[a2 + c];
      const u3 = syn1neg[a3 + c], u4 = syn1neg[a4 + c], u5 = syn1neg[a5 + c];
      syn1neg[a5 + c] = u5 + g5 * x; syn1neg[a4 + c] = u4 + g4 * x; syn1neg[a3 + c] = u3 + g3 * x;
      syn1neg[a2 + c] = u2 + g2 * x; syn1neg[a1 + c] = u1 + g1 * x; syn1neg[a0 + c] = u0 + g0 * x;
      syn0[l1 + c] = x + (g0 * u0 + g1 * u1 + (g2 * u2 + g3 * u3) + (g4 * u4 + g5 * u5));
    }
  } else {
    for (let c = 0; c < dim; c++) {
      const x = syn0[l1 + c];
      const u0 = syn1neg[a0 + c], u1 = syn1neg[a1 + c], u2 = syn1neg[a2 + c];
      const u3 = syn1neg[a3 + c], u4 = syn1neg[a4 + c], u5 = syn1neg[a5 + c];
      syn1neg[a5 + c] = u5 + g5 * x; syn1neg[a4 + c] = u4 + g4 * x; syn1neg[a3 + c] = u3 + g3 * x;
      syn1neg[a2 + c] = u2 + g2 * x; syn1neg[a1 + c] = u1 + g1 * x; syn1neg[a0 + c] = u0 + g0 * x;
      neu1e[c] += g0 * u0 + g1 * u1 + (g2 * u2 + g3 * u3) + (g4 * u4 + g5 * u5);
    }
  }
}
