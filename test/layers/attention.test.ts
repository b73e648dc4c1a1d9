// attention.test.ts — scaledDotProductAttention and MultiheadAttention against an independent
// float64 reference written here with explicit loops (projections, per-head scores, softmax,
// weighted sum, concat, out projection): layouts (batchFirst, unbatched, kdim/vdim), attention
// weights (averaged / per head), every mask kind and polarity, fully masked rows (zeros, finite
// grads), dropout, gradcheck w.r.t. inputs and parameters, state-dict keys, loading and errors.

import { describe, expect, it } from 'vitest';
import { gradcheck, manualSeed, noGrad, tensor, type Tensor } from '../../src/index.js';
import {
  MultiheadAttention, multiHeadAttentionForward, scaledDotProductAttention,
} from '../../src/layers/attention.js';
import { dropout } from '../../src/layers/dropout.js';
import { expectClose } from '../helpers/close.js';

// ---- plain-JS float64 reference ----------------------------------------------------------------

type M2 = number[][];
type M3 = number[][][];
/** additive mask term for batch b, head h, query i, key j (0, a float, or -Infinity) */
type MaskFn = (b: number, h: number, i: number, j: number) => number;

let state = 12345;
/** deterministic uniform(-1, 1) values, independent of tensorloom's generator */
function rnd(): number {
  state = (state * 16807) % 2147483647;
  return (state / 2147483647) * 2 - 1;
}
function rand(...shape: number[]): any {
  if (shape.length === 0) return rnd();
  return Array.from({ length: shape[0] }, () => rand(...shape.slice(1)));
}
const f64 = (x: unknown, requiresGrad = false): Tensor => tensor(x as number[], { dtype: 'float64', requiresGrad });
const swap01 = <T>(x: T[][]): T[][] => x[0].map((_, j) => x.map((row) => row[j]));

/** softmax of one row; a row of all -inf gives zeros (the library's rule) */
function softmaxRow(s: number[]): number[] {
  const m = Math.max(...s);
  if (m === -Infinity) return s.map(() => 0);
  const e = s.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** out[b][i] = sum_j softmax_j(q[b][i]·k[b][j] · scale + mask(b, 0, i, j)) v[b][j] */
function refSdpa(q: M3, k: M3, v: M3, scale: number, mask?: MaskFn): M3 {
  return q.map((qb, b) => qb.map((qi, i) => {
    const s = k[b].map((kj, j) => qi.reduce((acc, x, e) => acc + x * kj[e], 0) * scale + (mask ? mask(b, 0, i, j) : 0));
    const p = softmaxRow(s);
    return v[b][0].map((_, d) => p.reduce((acc, pj, j) => acc + pj * v[b][j][d], 0));
  }));
}

interface Params { Wq: M2; Wk: M2; Wv: M2; bq: number[]; bk: number[]; bv: number[]; Wo: M2; bo: number[] }

/** y = W x + b for one vector */
function proj(x: number[], W: M2, b: number[]): number[] {
  const y: number[] = [];
  for (let o = 0; o < W.length; o++) {
    let s = b[o];
    for (let c = 0; c < x.length; c++) s += W[o][c] * x[c];
    y.push(s);
  }
  return y;
}

/** Multi-head attention on (B, L, E) / (B, S, kdim) / (B, S, vdim) inputs, one head at a time. */
function refMHA(P: Params, nh: number, query: M3, key: M3, value: M3, mask?: MaskFn): { out: M3; weights: number[][][][] } {
  const E = P.Wo.length, hs = E / nh;
  const out: M3 = [], weights: number[][][][] = [];
  for (let b = 0; b < query.length; b++) {
    const Q = query[b].map((x) => proj(x, P.Wq, P.bq)); // (L, E)
    const K = key[b].map((x) => proj(x, P.Wk, P.bk)); // (S, E)
    const V = value[b].map((x) => proj(x, P.Wv, P.bv)); // (S, E)
    const L = Q.length, S = K.length;
    const O: M2 = Array.from({ length: L }, () => new Array<number>(E).fill(0)); // concat of heads
    const Wb: M3 = [];
    for (let h = 0; h < nh; h++) {
      const Ph: M2 = [];
      for (let i = 0; i < L; i++) {
        const s: number[] = [];
        for (let j = 0; j < S; j++) {
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += Q[i][h * hs + d] * K[j][h * hs + d];
          s.push(dot / Math.sqrt(hs) + (mask ? mask(b, h, i, j) : 0));
        }
        const p = softmaxRow(s);
        Ph.push(p);
        for (let d = 0; d < hs; d++) {
          let acc = 0;
          for (let j = 0; j < S; j++) acc += p[j] * V[j][h * hs + d];
          O[i][h * hs + d] = acc;
        }
      }
      Wb.push(Ph);
    }
    out.push(O.map((o) => proj(o, P.Wo, P.bo)));
    weights.push(Wb);
  }
  return { out, weights };
}

/** weights (B, nh, L, S) averaged over heads -> (B, L, S) */
const headMean = (w: number[][][][]): M3 =>
  w.map((wb) => wb[0].map((row, i) => row.map((_, j) => wb.reduce((acc, wh) => acc + wh[i][j], 0) / wb.length)));

/** The module's parameters as plain arrays (zeros for absent biases). */
function paramsOf(m: MultiheadAttention): Params {
  const sd = m.stateDict(), E = m.embedDim;
  const arr = (key: string): any => sd[key].toArray();
  const [Wq, Wk, Wv] = sd.in_proj_weight
    ? [0, 1, 2].map((c) => (arr('in_proj_weight') as M2).slice(c * E, (c + 1) * E))
    : [arr('q_proj_weight'), arr('k_proj_weight'), arr('v_proj_weight')];
  const bin: number[] = sd.in_proj_bias ? arr('in_proj_bias') : new Array(3 * E).fill(0);
  return {
    Wq, Wk, Wv, bq: bin.slice(0, E), bk: bin.slice(E, 2 * E), bv: bin.slice(2 * E),
    Wo: arr('out_proj.weight'), bo: sd['out_proj.bias'] ? arr('out_proj.bias') : new Array(E).fill(0),
  };
}

/** a float64 MHA whose biases are non-zero too, so the reference sees every parameter */
function makeMHA(E: number, nh: number, opts: ConstructorParameters<typeof MultiheadAttention>[2] = {}): MultiheadAttention {
  manualSeed(7);
  const m = new MultiheadAttention(E, nh, { dtype: 'float64', ...opts });
  noGrad(() => {
    if (m.inProjBias) m.inProjBias.copy_(f64(rand(3 * E)));
    if (m.outProj.bias) m.outProj.bias.copy_(f64(rand(E)));
  });
  return m;
}

const boolMask = (m: boolean[][] | boolean[]): Tensor => tensor(m as boolean[]);
const T = true, F = false;

// ---- scaledDotProductAttention -----------------------------------------------------------------

describe('scaledDotProductAttention forward', () => {
  const q: M3 = rand(2, 3, 4), k: M3 = rand(2, 5, 4), v: M3 = rand(2, 5, 6);

  it('no mask: (2,3,4),(2,5,4),(2,5,6) -> (2,3,6) with scale 1/sqrt(E); a custom scale', () => {
    const y = scaledDotProductAttention(f64(q), f64(k), f64(v));
    expect(y.shape).toEqual([2, 3, 6]);
    expectClose(y, refSdpa(q, k, v, 1 / 2), 1e-12, 1e-12);
    expectClose(scaledDotProductAttention(f64(q), f64(k), f64(v), { scale: 0.3 }), refSdpa(q, k, v, 0.3), 1e-12, 1e-12);
  });

  it('float32 inputs agree with the float64 reference within float32 tolerance; 4-D (B, nh, L, E)', () => {
    expectClose(scaledDotProductAttention(tensor(q), tensor(k), tensor(v)), refSdpa(q, k, v, 0.5), 1e-5, 1e-5);
    const y4 = scaledDotProductAttention(f64([q]), f64([k]), f64([v]));
    expect(y4.shape).toEqual([1, 2, 3, 6]);
    expectClose(y4, refSdpa(q, k, v, 0.5), 1e-12, 1e-12);
  });

  it('bool attnMask: true = allowed (sdpa polarity), broadcast (L, S) over the batch', () => {
    const keep = [[T, F, T, T, F], [F, F, F, F, T], [T, T, T, T, T]];
    const y = scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: boolMask(keep) });
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (keep[i][j] ? 0 : -Infinity)), 1e-12, 1e-12);
    // row 1 keeps key 4 only: the output is v[b][4]
    expectClose(y.select(1, 1), [v[0][4], v[1][4]], 1e-12, 1e-12);
  });

  it('float attnMask is added to the scores, per batch (B, L, S)', () => {
    const add: M3 = rand(2, 3, 5);
    add[0][1][2] = -Infinity;
    const y = scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: f64(add) });
    expectClose(y, refSdpa(q, k, v, 0.5, (b, _h, i, j) => add[b][i][j]), 1e-12, 1e-12);
  });

  it('a bool mask equals the float mask 0 / -inf of the same meaning', () => {
    const keep = [[T, F, T, T, F], [F, T, F, F, T], [T, T, F, T, T]];
    const bias = keep.map((r) => r.map((x) => (x ? 0 : -Infinity)));
    const yb = scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: boolMask(keep) });
    const yf = scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: f64(bias) });
    expectClose(yb, yf.toArray() as number[], 1e-15, 0);
  });

  it('isCausal: query i sees keys j <= i, top-left aligned when L != S', () => {
    const y = scaledDotProductAttention(f64(q), f64(k), f64(v), { isCausal: true });
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (j <= i ? 0 : -Infinity)), 1e-12, 1e-12);
    expectClose(y.select(1, 0), [v[0][0], v[1][0]], 1e-12, 1e-12); // query 0 sees only key 0
    const keep = [[T, F, F, F, F], [T, T, F, F, F], [T, T, T, F, F]];
    expectClose(y, scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: boolMask(keep) }).toArray() as number[], 0, 0);
  });

  it('a query row with every key masked gives zeros, not NaN, and finite zero gradients', () => {
    const keep = [[T, T, F, F, F], [F, F, F, F, F], [F, T, F, T, F]];
    const [qt, kt, vt] = [f64(q, true), f64(k, true), f64(v, true)];
    const y = scaledDotProductAttention(qt, kt, vt, { attnMask: boolMask(keep) });
    expectClose(y.select(1, 1), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0);
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (keep[i][j] ? 0 : -Infinity)), 1e-12, 1e-12);
    y.mul(f64(rand(2, 3, 6))).sum().backward();
    for (const t of [qt, kt, vt]) expect(t.grad!.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(qt.grad!.select(1, 1), [[0, 0, 0, 0], [0, 0, 0, 0]], 0, 0); // the dead row's query gets nothing
    expectClose(vt.grad!.select(1, 2), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0); // key 2 is masked for every query
    // the same through a float mask of -inf
    const y2 = scaledDotProductAttention(f64(q), f64(k), f64(v), { attnMask: f64([[0, 0, 0, 0, 0], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity], [0, 0, 0, 0, 0]]) });
    expectClose(y2.select(1, 1), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0);
  });

  it('stable softmax: huge scores give the hard-max, no overflow', () => {
    const y = scaledDotProductAttention(f64([[[1]]]), f64([[[1000], [999], [-1000]]]), f64([[[1], [2], [3]]]), { scale: 1 });
    const e = Math.exp(-1);
    expectClose(y, [(1 + 2 * e) / (1 + e)], 1e-12, 1e-12);
  });
});

describe('scaledDotProductAttention dropout', () => {
  const q: M3 = rand(2, 3, 4), k: M3 = rand(2, 5, 4), v: M3 = rand(2, 5, 6);

  it('seeded: the same seed gives the same output, equal to dropout(P) V with that seed', () => {
    manualSeed(11);
    const y1 = scaledDotProductAttention(f64(q), f64(k), f64(v), { dropoutP: 0.4 });
    manualSeed(11);
    const y2 = scaledDotProductAttention(f64(q), f64(k), f64(v), { dropoutP: 0.4 });
    expectClose(y1, y2.toArray() as number[], 0, 0);
    // P from the reference (softmax with identity V), then the same dropout mask
    const eye5 = [0, 1, 2, 3, 4].map((r) => [0, 1, 2, 3, 4].map((c) => (r === c ? 1 : 0)));
    const P = refSdpa(q, k, [eye5, eye5], 0.5); // (2, 3, 5)
    manualSeed(11);
    const Pd = dropout(f64(P), { p: 0.4 });
    expectClose(y1, Pd.matmul(f64(v)).toArray() as number[], 1e-12, 1e-12);
    expect(Math.abs((y1.toArray() as M3)[0][0][0] - refSdpa(q, k, v, 0.5)[0][0][0])).toBeGreaterThan(0);
    const zero = scaledDotProductAttention(f64(q), f64(k), f64(v), { dropoutP: 1 });
    expectClose(zero, new Array(36).fill(0), 0, 0);
  });
});

describe('scaledDotProductAttention errors', () => {
  const q = f64(rand(2, 3, 4)), k = f64(rand(2, 5, 4)), v = f64(rand(2, 5, 6));
  it('attnMask together with isCausal', () => {
    expect(() => scaledDotProductAttention(q, k, v, { isCausal: true, attnMask: boolMask([[T]]) }))
      .toThrow('scaledDotProductAttention: attnMask must not be given together with isCausal = true');
  });
  it('shape, dtype and probability mistakes name the op and the shapes', () => {
    expect(() => scaledDotProductAttention(q, f64(rand(2, 5, 3)), v)).toThrow('scaledDotProductAttention: query [2,3,4] and key [2,5,3] must have the same last dim (4 != 3)');
    expect(() => scaledDotProductAttention(q, k, f64(rand(2, 4, 6)))).toThrow('scaledDotProductAttention: key [2,5,4] and value [2,4,6] must have the same length S (5 != 4)');
    expect(() => scaledDotProductAttention(q, k, v, { attnMask: boolMask([[T, F]]) })).toThrow('scaledDotProductAttention: attnMask of shape [1,2] does not broadcast to the attention scores [2,3,5]');
    expect(() => scaledDotProductAttention(q, k, v, { attnMask: tensor([[1, 0, 1, 0, 1]], { dtype: 'int32' }) })).toThrow('scaledDotProductAttention: only bool and floating-point attnMask are supported, got int32');
    expect(() => scaledDotProductAttention(q, k.float(), v)).toThrow('scaledDotProductAttention: query is float64 but key is float32; they must match');
    expect(() => scaledDotProductAttention(f64([1, 2]), k, v)).toThrow('scaledDotProductAttention: query must have at least 2 dims (…, len, features), got [2]');
    expect(() => scaledDotProductAttention(q, k, v, { dropoutP: 1.5 })).toThrow('scaledDotProductAttention: dropoutP must be between 0 and 1, got 1.5');
  });
});

describe('scaledDotProductAttention gradients (float64 gradcheck)', () => {
  const q = (): Tensor => f64(rand(2, 3, 4), true), k = (): Tensor => f64(rand(2, 4, 4), true), v = (): Tensor => f64(rand(2, 4, 3), true);
  it('no mask, and a custom scale', () => {
    expect(gradcheck((a, b, c) => scaledDotProductAttention(a, b, c), [q(), k(), v()])).toBe(true);
    expect(gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { scale: 0.8 }), [q(), k(), v()])).toBe(true);
  });
  it('bool mask with a fully masked row, float mask, causal', () => {
    const keep = boolMask([[T, F, T, F], [F, F, F, F], [T, T, T, F]]);
    expect(gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: keep }), [q(), k(), v()])).toBe(true);
    const add = f64(rand(2, 3, 4));
    expect(gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: add }), [q(), k(), v()])).toBe(true);
    expect(gradcheck((a, b, c) => scaledDotProductAttention(a, b, c, { isCausal: true }), [q(), k(), v()])).toBe(true);
  });
});

// ---- MultiheadAttention --------------------------------------------------------------------------

describe('MultiheadAttention forward against the per-head loop reference', () => {
  const E = 6, nh = 2, B = 2, L = 3, S = 4;

  it('self-attention, (L, B, E) layout: out and head-averaged weights', () => {
    const m = makeMHA(E, nh);
    const x: M3 = rand(B, L, E); // (B, L, E)
    const xt = f64(swap01(x)); // (L, B, E)
    const [y, w] = m.forward(xt, xt, xt);
    const ref = refMHA(paramsOf(m), nh, x, x, x);
    expect(y.shape).toEqual([L, B, E]);
    expect(w!.shape).toEqual([B, L, L]);
    expectClose(y, swap01(ref.out), 1e-12, 1e-12);
    expectClose(w!, headMean(ref.weights), 1e-12, 1e-12);
  });

  it('cross-attention, (L, B, E) and batchFirst (B, L, E) give the same numbers', () => {
    const m = makeMHA(E, nh);
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E), value: M3 = rand(B, S, E);
    const ref = refMHA(paramsOf(m), nh, query, key, value);
    const [y] = m.forward(f64(swap01(query)), f64(swap01(key)), f64(swap01(value)));
    expect(y.shape).toEqual([L, B, E]);
    expectClose(y, swap01(ref.out), 1e-12, 1e-12);

    const mb = makeMHA(E, nh, { batchFirst: true });
    const [yb, wb] = mb.forward(f64(query), f64(key), f64(value));
    expect(yb.shape).toEqual([B, L, E]);
    expectClose(yb, refMHA(paramsOf(mb), nh, query, key, value).out, 1e-12, 1e-12);
    expect(wb!.shape).toEqual([B, L, S]);
  });

  it('per-head weights (B, nh, L, S) with averageAttnWeights = false; null with needWeights = false', () => {
    const m = makeMHA(E, 3, { batchFirst: true });
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
    const ref = refMHA(paramsOf(m), 3, query, key, key);
    const [y, w] = m.forward(f64(query), f64(key), f64(key), { averageAttnWeights: false });
    expect(w!.shape).toEqual([B, 3, L, S]);
    expectClose(w!, ref.weights, 1e-12, 1e-12);
    const [y2, none] = m.forward(f64(query), f64(key), f64(key), { needWeights: false });
    expect(none).toBeNull();
    expectClose(y2, y.toArray() as number[], 0, 0);
  });

  it('kdim and vdim different from embedDim: separate q/k/v projection weights', () => {
    const m = makeMHA(E, nh, { kdim: 5, vdim: 3, batchFirst: true });
    expect(m.inProjWeight).toBeNull();
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, 5), value: M3 = rand(B, S, 3);
    const ref = refMHA(paramsOf(m), nh, query, key, value);
    const [y, w] = m.forward(f64(query), f64(key), f64(value));
    expectClose(y, ref.out, 1e-12, 1e-12);
    expectClose(w!, headMean(ref.weights), 1e-12, 1e-12);
  });

  it('unbatched (L, E) input: (L, E) out, (L, S) weights, (S) key padding, (nh, L, S) attnMask', () => {
    const m = makeMHA(E, nh);
    const query: M2 = rand(L, E), key: M2 = rand(S, E);
    const kpm = [F, T, F, F];
    const am: M3 = rand(nh, L, S);
    const ref = refMHA(paramsOf(m), nh, [query], [key], [key], (_b, h, i, j) => am[h][i][j] + (kpm[j] ? -Infinity : 0));
    const [y, w] = m.forward(f64(query), f64(key), f64(key), { keyPaddingMask: boolMask(kpm), attnMask: f64(am), averageAttnWeights: false });
    expect(y.shape).toEqual([L, E]);
    expect(w!.shape).toEqual([nh, L, S]);
    expectClose(y, ref.out[0], 1e-12, 1e-12);
    expectClose(w!, ref.weights[0], 1e-12, 1e-12);
    const [, wAvg] = m.forward(f64(query), f64(key), f64(key));
    expect(wAvg!.shape).toEqual([L, S]);
  });

  it('float32 module agrees with the reference within float32 tolerance', () => {
    manualSeed(3);
    const m = new MultiheadAttention(E, nh, { batchFirst: true });
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
    const [y] = m.forward(tensor(query), tensor(key), tensor(key));
    expect(y.dtype).toBe('float32');
    expectClose(y, refMHA(paramsOf(m), nh, query, key, key).out, 1e-5, 1e-5);
  });
});

describe('MultiheadAttention masks (bool true = NOT allowed; float added)', () => {
  const E = 4, nh = 2, B = 2, L = 3, S = 4;
  const m = makeMHA(E, nh, { batchFirst: true });
  const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E), value: M3 = rand(B, S, E);
  const P = paramsOf(m);
  const run = (opts: Parameters<MultiheadAttention['forward']>[3]): [Tensor, Tensor] => {
    const [y, w] = m.forward(f64(query), f64(key), f64(value), { averageAttnWeights: false, ...opts });
    return [y, w!];
  };
  const check = (opts: Parameters<MultiheadAttention['forward']>[3], mask: MaskFn): void => {
    const ref = refMHA(P, nh, query, key, value, mask);
    const [y, w] = run(opts);
    expectClose(y, ref.out, 1e-12, 1e-12);
    expectClose(w, ref.weights, 1e-12, 1e-12);
  };
  const kpmB = [[F, F, T, F], [T, F, F, T]];
  const kpmF: M2 = [[0, -1.5, 0.25, 0], [2, 0, -Infinity, 0.5]];
  const am2B = [[F, T, F, F], [F, F, F, T], [T, F, F, F]];
  const am2F: M2 = rand(L, S);
  const am3B = Array.from({ length: B * nh }, (_, n) => [[F, n % 2 === 0, F, F], [F, F, T, F], [n === 3, F, F, F]]);
  const am3F: M3 = rand(B * nh, L, S);

  it('bool keyPaddingMask (B, S): true keys are ignored', () => {
    check({ keyPaddingMask: boolMask(kpmB) }, (b, _h, _i, j) => (kpmB[b][j] ? -Infinity : 0));
    const [, w] = run({ keyPaddingMask: boolMask(kpmB) });
    expectClose(w.select(3, 2).select(0, 0), [[0, 0, 0], [0, 0, 0]], 0, 0); // batch 0, key 2: weight 0 everywhere
  });
  it('float keyPaddingMask (B, S) is added to the scores', () => {
    check({ keyPaddingMask: f64(kpmF) }, (b, _h, _i, j) => kpmF[b][j]);
  });
  it('2-D attnMask (L, S), bool and float', () => {
    check({ attnMask: boolMask(am2B) }, (_b, _h, i, j) => (am2B[i][j] ? -Infinity : 0));
    check({ attnMask: f64(am2F) }, (_b, _h, i, j) => am2F[i][j]);
  });
  it('a float32 float mask in a float64 module is cast, not promoted', () => {
    const [y] = run({ attnMask: tensor(am2F) });
    expect(y.dtype).toBe('float64');
    expectClose(y, refMHA(P, nh, query, key, value, (_b, _h, i, j) => Math.fround(am2F[i][j])).out, 1e-12, 1e-12);
  });
  it('3-D attnMask (B·nh, L, S): batch b, head h is row b·nh + h; bool and float', () => {
    check({ attnMask: boolMask(am3B as unknown as boolean[][]) }, (b, h, i, j) => (am3B[b * nh + h][i][j] ? -Infinity : 0));
    check({ attnMask: f64(am3F) }, (b, h, i, j) => am3F[b * nh + h][i][j]);
  });
  it('isCausal with no attnMask applies the causal mask; with an attnMask, the attnMask is used', () => {
    check({ isCausal: true }, (_b, _h, i, j) => (j > i ? -Infinity : 0));
    check({ isCausal: true, attnMask: boolMask(am2B) }, (_b, _h, i, j) => (am2B[i][j] ? -Infinity : 0));
    const causal = [[F, T, T, T], [F, F, T, T], [F, F, F, T]];
    expectClose(run({ isCausal: true })[0], run({ attnMask: boolMask(causal) })[0].toArray() as number[], 0, 0);
  });
  it('both masks combined: bool + bool, bool attnMask + float keyPaddingMask, float + float', () => {
    check({ attnMask: boolMask(am2B), keyPaddingMask: boolMask(kpmB) }, (b, _h, i, j) => (am2B[i][j] || kpmB[b][j] ? -Infinity : 0));
    check({ attnMask: boolMask(am2B), keyPaddingMask: f64(kpmF) }, (b, _h, i, j) => (am2B[i][j] ? -Infinity : kpmF[b][j]));
    check({ attnMask: f64(am3F), keyPaddingMask: f64(kpmF) }, (b, h, i, j) => am3F[b * nh + h][i][j] + kpmF[b][j]);
    check({ isCausal: true, keyPaddingMask: boolMask(kpmB) }, (b, _h, i, j) => (j > i || kpmB[b][j] ? -Infinity : 0));
  });
  it('a fully masked query row: zero weights, output = out_proj.bias, finite gradients', () => {
    const am = [[F, T, F, F], [T, T, T, T], [F, F, F, T]]; // query 1 may attend to nothing
    const q = f64(query, true), k = f64(key, true), v = f64(value, true);
    m.zeroGrad();
    const [y, w] = m.forward(q, k, v, { attnMask: boolMask(am), averageAttnWeights: false });
    expect(y.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(w!.select(2, 1), new Array(B * nh * S).fill(0), 0, 0);
    expectClose(y.select(1, 1), [P.bo, P.bo], 1e-15, 0);
    expectClose(y, refMHA(P, nh, query, key, value, (_b, _h, i, j) => (am[i][j] ? -Infinity : 0)).out, 1e-12, 1e-12);
    y.mul(f64(rand(B, L, E))).sum().add(w!.mul(f64(rand(B, nh, L, S))).sum()).backward();
    for (const t of [q, k, v, ...m.parameters()]) expect(t.grad!.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(q.grad!.select(1, 1), new Array(B * E).fill(0), 0, 0); // that query influences nothing
    // every key of a batch padded: the whole batch row is zeros before out_proj
    const [y2] = m.forward(f64(query), f64(key), f64(value), { keyPaddingMask: boolMask([[T, T, T, T], [F, F, F, F]]) });
    expectClose(y2.select(0, 0), [P.bo, P.bo, P.bo], 1e-15, 0);
  });
});

describe('MultiheadAttention dropout', () => {
  const E = 4, nh = 2, B = 2, L = 3, S = 5;
  const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
  it('training: seeded and reproducible; weights are P·mask/(1-p); eval is the plain reference', () => {
    const m = makeMHA(E, nh, { batchFirst: true, dropout: 0.5 });
    const ref = refMHA(paramsOf(m), nh, query, key, key);
    manualSeed(5);
    const [y1, w1] = m.forward(f64(query), f64(key), f64(key), { averageAttnWeights: false });
    manualSeed(5);
    const [y2] = m.forward(f64(query), f64(key), f64(key), { averageAttnWeights: false });
    expectClose(y1, y2.toArray() as number[], 0, 0);
    const got = w1!.dataSync(), want = ref.weights.flat(3);
    let dropped = 0;
    for (let i = 0; i < got.length; i++) {
      if (got[i] === 0) dropped++;
      else expect(got[i]).toBeCloseTo(want[i] * 2, 12);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(got.length);
    m.eval();
    const [ye, we] = m.forward(f64(query), f64(key), f64(key), { averageAttnWeights: false });
    expectClose(ye, ref.out, 1e-12, 1e-12);
    expectClose(we!, ref.weights, 1e-12, 1e-12);
  });
});

describe('MultiheadAttention gradients (float64 gradcheck w.r.t. inputs and every parameter)', () => {
  const E = 4, nh = 2, B = 2, L = 2, S = 3;
  it('shared in_proj_weight, cross-attention, with masks; and the self-attention path', () => {
    manualSeed(1);
    const m = new MultiheadAttention(E, nh, { dtype: 'float64' });
    const inputs = [f64(rand(L, B, E), true), f64(rand(S, B, E), true), f64(rand(S, B, E), true),
      f64(rand(3 * E, E), true), f64(rand(3 * E), true), f64(rand(E, E), true), f64(rand(E), true)];
    const kpm = boolMask([[F, F, T], [F, F, F]]), am = f64(rand(L, S)), c = f64(rand(B, L, S));
    expect(gradcheck((q, k, v, wi, bi, wo, bo) => {
      const [y, w] = multiHeadAttentionForward(q, k, v, nh, wi, bi, wo, bo, { keyPaddingMask: kpm, attnMask: am });
      return y.sum().add(w!.mul(c).sum()).add(y.mul(y).sum());
    }, inputs)).toBe(true);
    // self-attention: query === key === value, one (3E, E) projection split three ways
    expect(gradcheck((x, wi, bi, wo, bo) => multiHeadAttentionForward(x, x, x, nh, wi, bi, wo, bo, { isCausal: true })[0],
      [f64(rand(S, B, E), true), inputs[3], inputs[4], inputs[5], inputs[6]])).toBe(true);
    expect(m.parameters().length).toBe(4);
  });
  it('separate q/k/v projection weights (kdim, vdim), batchFirst, a fully masked row', () => {
    const kdim = 3, vdim = 2;
    const am = boolMask([[F, T, F], [T, T, T]]);
    expect(gradcheck((q, k, v, wq, wk, wv, bi, wo, bo) => multiHeadAttentionForward(q, k, v, nh, null, bi, wo, bo, {
      qProjWeight: wq, kProjWeight: wk, vProjWeight: wv, batchFirst: true, attnMask: am,
    })[0], [f64(rand(B, L, E), true), f64(rand(B, S, kdim), true), f64(rand(B, S, vdim), true),
      f64(rand(E, E), true), f64(rand(E, kdim), true), f64(rand(E, vdim), true), f64(rand(3 * E), true),
      f64(rand(E, E), true), f64(rand(E), true)])).toBe(true);
  });
  it('the module forward equals the functional form with its parameters, and gradients reach them', () => {
    const m = makeMHA(E, nh);
    const x = f64(rand(L, B, E));
    const [y] = m.forward(x, x, x);
    y.sum().backward();
    expect(m.namedParameters().map(([n, p]) => [n, p.grad!.shape])).toEqual([
      ['in_proj_weight', [3 * E, E]], ['in_proj_bias', [3 * E]], ['out_proj.weight', [E, E]], ['out_proj.bias', [E]],
    ]);
    // out_proj.bias receives dy summed over (L, B)
    expectClose(m.outProj.bias!.grad!, new Array(E).fill(L * B), 1e-12, 0);
  });
});

describe('MultiheadAttention parameters, init and state dicts', () => {
  it('keys and shapes as PyTorch: shared in_proj, separate q/k/v, bias = false', () => {
    const shapes = (m: MultiheadAttention): [string, number[]][] => Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]);
    expect(shapes(new MultiheadAttention(8, 2))).toEqual([
      ['in_proj_weight', [24, 8]], ['in_proj_bias', [24]], ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(shapes(new MultiheadAttention(8, 2, { kdim: 5, vdim: 3 }))).toEqual([
      ['q_proj_weight', [8, 8]], ['k_proj_weight', [8, 5]], ['v_proj_weight', [8, 3]], ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(shapes(new MultiheadAttention(8, 2, { bias: false }))).toEqual([['in_proj_weight', [24, 8]], ['out_proj.weight', [8, 8]]]);
    const m = new MultiheadAttention(8, 4, { dtype: 'float64' });
    expect(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect([m.headDim, m.kdim, m.vdim, m.batchFirst, m.dropout]).toEqual([2, 8, 8, false, 0]);
  });

  it('init: xavier-uniform in_proj_weight (fan 8 + 24), zero biases, out_proj.weight U(±1/sqrt(E))', () => {
    manualSeed(0);
    const m = new MultiheadAttention(8, 2);
    const w = m.inProjWeight!.dataSync(), bound = Math.sqrt(6 / (8 + 24));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expectClose(m.inProjBias!, new Array(24).fill(0), 0, 0);
    expectClose(m.outProj.bias!, new Array(8).fill(0), 0, 0);
    const wo = m.outProj.weight.dataSync();
    expect(Math.max(...wo.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
    const sep = new MultiheadAttention(8, 2, { kdim: 4 });
    const kb = Math.sqrt(6 / (4 + 8));
    expect(Math.max(...sep.kProjWeight!.dataSync().map(Math.abs))).toBeLessThanOrEqual(kb);
    expect(Math.max(...sep.kProjWeight!.dataSync().map(Math.abs))).toBeGreaterThan(0.8 * kb);
  });

  it('loads a PyTorch-shaped state dict strictly and then computes the reference', () => {
    const E = 4, nh = 2;
    const raw = { in_proj_weight: rand(3 * E, E), in_proj_bias: rand(3 * E), 'out_proj.weight': rand(E, E), 'out_proj.bias': rand(E) };
    const sd: Record<string, Tensor> = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, tensor(v as number[])]));
    const m = new MultiheadAttention(E, nh, { dtype: 'float64' });
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x: M3 = rand(1, 3, E);
    const P: Params = {
      Wq: raw.in_proj_weight.slice(0, E).map((r: number[]) => r.map(Math.fround)),
      Wk: raw.in_proj_weight.slice(E, 2 * E).map((r: number[]) => r.map(Math.fround)),
      Wv: raw.in_proj_weight.slice(2 * E).map((r: number[]) => r.map(Math.fround)),
      bq: raw.in_proj_bias.slice(0, E).map(Math.fround), bk: raw.in_proj_bias.slice(E, 2 * E).map(Math.fround), bv: raw.in_proj_bias.slice(2 * E).map(Math.fround),
      Wo: raw['out_proj.weight'].map((r: number[]) => r.map(Math.fround)), bo: raw['out_proj.bias'].map(Math.fround),
    };
    const [y] = m.forward(f64(swap01(x)), f64(swap01(x)), f64(swap01(x)));
    expectClose(y, swap01(refMHA(P, nh, x, x, x).out), 1e-12, 1e-12);

    const { 'out_proj.bias': _drop, ...missing } = sd;
    expect(() => m.loadStateDict(missing)).toThrow("loadStateDict: missing key(s): 'out_proj.bias'");
    expect(() => m.loadStateDict({ ...sd, bias_k: tensor([[0, 0, 0, 0]]) })).toThrow("loadStateDict: unexpected key(s): 'bias_k'");
    expect(() => m.loadStateDict({ ...sd, in_proj_weight: tensor(rand(E, E)) })).toThrow("loadStateDict: size mismatch for 'in_proj_weight': checkpoint has shape [4,4], the model has [12,4]");
    const sep = new MultiheadAttention(E, nh, { kdim: 3 });
    expect(() => sep.loadStateDict(sd)).toThrow("missing key(s): 'q_proj_weight', 'k_proj_weight', 'v_proj_weight'");
    expect(sep.loadStateDict({
      q_proj_weight: tensor(rand(E, E)), k_proj_weight: tensor(rand(E, 3)), v_proj_weight: tensor(rand(E, E)),
      in_proj_bias: sd.in_proj_bias, 'out_proj.weight': sd['out_proj.weight'], 'out_proj.bias': sd['out_proj.bias'],
    })).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });
});

describe('MultiheadAttention errors', () => {
  it('constructor: divisibility, sizes, dropout', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow('MultiheadAttention: embedDim (10) must be divisible by numHeads (3)');
    expect(() => new MultiheadAttention(0, 1)).toThrow('MultiheadAttention: embedDim must be a positive integer, got 0');
    expect(() => new MultiheadAttention(8, 2, { dropout: -0.1 })).toThrow('MultiheadAttention: dropout must be between 0 and 1, got -0.1');
  });
  it('forward: features, batch, lengths, mask shapes and dtypes', () => {
    const m = new MultiheadAttention(4, 2, { kdim: 3 });
    const q = tensor(rand(3, 2, 4)), k = tensor(rand(5, 2, 3)), v = tensor(rand(5, 2, 4));
    expect(() => m.forward(tensor(rand(3, 2, 5)), k, v)).toThrow('MultiheadAttention: query [3,2,5] has 5 features, expected embedDim 4');
    expect(() => m.forward(q, v, v)).toThrow('MultiheadAttention: key [5,2,4] has 4 features, expected kdim 3');
    expect(() => m.forward(q, k, tensor(rand(4, 2, 4)))).toThrow('MultiheadAttention: key [5,2,3] and value [4,2,4] must have the same length S');
    expect(() => m.forward(q, tensor(rand(5, 3, 3)), tensor(rand(5, 3, 4)))).toThrow('MultiheadAttention: query [3,2,4], key [5,3,3] and value [5,3,4] must have the same batch size');
    expect(() => m.forward(q, tensor(rand(5, 3)), v)).toThrow('MultiheadAttention: query [3,2,4] is 3-D but key [5,3] is 2-D');
    expect(() => m.forward(q, k, v, { attnMask: boolMask([[T, F], [F, T]]) })).toThrow('MultiheadAttention: attnMask [2,2] must be (L, S) = [3,5] or (B·numHeads, L, S) = [4,3,5]');
    expect(() => m.forward(q, k, v, { keyPaddingMask: boolMask([T, F, F, F, F]) })).toThrow('MultiheadAttention: keyPaddingMask [5] must be (B, S) = [2,5]');
    expect(() => m.forward(q, k, v, { keyPaddingMask: tensor([[1, 0, 0, 0, 0], [0, 0, 0, 0, 0]], { dtype: 'int32' }) }))
      .toThrow('MultiheadAttention: only bool and floating-point keyPaddingMask are supported, got int32');
    expect(() => m.forward(q.double(), k, v)).toThrow('MultiheadAttention: query is float64 but key is float32; they must match');
  });
});
