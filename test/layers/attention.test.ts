// attention.test.ts — scaledDotProductAttention and MultiheadAttention against an independent
// float64 reference written here with explicit loops (projections, per-head scores, softmax,
// weighted sum, concat, out projection): layouts (batchFirst, unbatched, kdim/vdim), attention
// weights (averaged / per head), every mask kind and polarity, fully masked rows (zeros, finite
// grads), dropout, gradcheck w.r.t. inputs and parameters, state-dict keys, loading and errors;
// the masked softmax on its own (dead rows, live rows, no read-back to the host).
// Forward, mask, dropout, gradient and loading tests run on every backend: without float64 the
// float64 lines run in float32 (to the backend's tolerance) and gradients are compared with the
// cpu backend's (helpers/crosscheck.ts).

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { manualSeed, noGrad, tensor, Tensor } from '../../src/index.js';
import { safeSoftmax, scaledDotProductAttention } from '../../src/layers/attention.js';
import { MultiheadAttention, multiHeadAttentionForward } from '../../src/layers/multihead_attention.js';
import { dropout } from '../../src/layers/dropout.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend, type BackendCase } from '../helpers/backends.js';
import { expectGradcheck, type GradCase } from '../helpers/crosscheck.js';

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
type FloatDType = 'float32' | 'float64';

/** A case's precision: its widest float dtype, tensors of it, and the tolerance in place of 1e-12. */
function precision(b: BackendCase): { dt: FloatDType; fw: (x: unknown, requiresGrad?: boolean) => Tensor; t: number } {
  const dt: FloatDType = b.float64 ? 'float64' : 'float32';
  return { dt, fw: (x, requiresGrad = false) => tensor(x as number[], { dtype: dt, requiresGrad }), t: b.float64 ? 1e-12 : b.tol };
}

/**
 * describeEachBackend where every backend draws the same rand() values as the cpu run (which
 * runs first and draws exactly what this file always drew): the other backends start from the
 * generator state the cpu block started from, at collection and at run time, and put it back.
 */
function eachBackend(title: string, body: (b: BackendCase) => void): void {
  let collected = 0, ran = 0;
  describeEachBackend(title, (b) => {
    const cpu = b.backend === 'cpu', after = state;
    if (cpu) collected = state;
    else state = collected;
    let saved = 0;
    beforeAll(() => {
      if (cpu) ran = state;
      else { saved = state; state = ran; }
    });
    afterAll(() => { if (!cpu) state = saved; });
    body(b);
    if (!cpu) state = after;
  });
}

/** expectGradcheck whose build draws the same rand() values on each backend it runs on (the
 * float64 path builds once, so the stream advances exactly as a plain gradcheck call's). */
function gradcheckSameDraws(b: BackendCase, build: (dtype: FloatDType) => GradCase): void {
  const s0 = state;
  expectGradcheck(b, (dtype) => { state = s0; return build(dtype); });
}
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

/** a float64 (or `dtype`) MHA whose biases are non-zero too, so the reference sees every parameter */
function makeMHA(E: number, nh: number, opts: ConstructorParameters<typeof MultiheadAttention>[2] = {}, dtype: FloatDType = 'float64'): MultiheadAttention {
  manualSeed(7);
  const m = new MultiheadAttention(E, nh, { dtype, ...opts });
  noGrad(() => {
    if (m.inProjBias) m.inProjBias.copy_(tensor(rand(3 * E), { dtype }));
    if (m.outProj.bias) m.outProj.bias.copy_(tensor(rand(E), { dtype }));
  });
  return m;
}

const boolMask = (m: boolean[][] | boolean[]): Tensor => tensor(m as boolean[]);
const T = true, F = false;

// ---- scaledDotProductAttention -----------------------------------------------------------------

eachBackend('scaledDotProductAttention forward', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
  const q: M3 = rand(2, 3, 4), k: M3 = rand(2, 5, 4), v: M3 = rand(2, 5, 6);

  it('no mask: (2,3,4),(2,5,4),(2,5,6) -> (2,3,6) with scale 1/sqrt(E); a custom scale', () => {
    const y = scaledDotProductAttention(fw(q), fw(k), fw(v));
    expect(y.shape).toEqual([2, 3, 6]);
    expectClose(y, refSdpa(q, k, v, 1 / 2), t, t);
    expectClose(scaledDotProductAttention(fw(q), fw(k), fw(v), { scale: 0.3 }), refSdpa(q, k, v, 0.3), t, t);
  });

  it('float32 inputs agree with the float64 reference within float32 tolerance; 4-D (B, nh, L, E)', () => {
    expectClose(scaledDotProductAttention(tensor(q), tensor(k), tensor(v)), refSdpa(q, k, v, 0.5), bc.tol, bc.tol);
    const y4 = scaledDotProductAttention(fw([q]), fw([k]), fw([v]));
    expect(y4.shape).toEqual([1, 2, 3, 6]);
    expectClose(y4, refSdpa(q, k, v, 0.5), t, t);
  });

  it('bool attnMask: true = allowed (sdpa polarity), broadcast (L, S) over the batch', () => {
    const keep = [[T, F, T, T, F], [F, F, F, F, T], [T, T, T, T, T]];
    const y = scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: boolMask(keep) });
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (keep[i][j] ? 0 : -Infinity)), t, t);
    // row 1 keeps key 4 only: the output is v[b][4]
    expectClose(y.select(1, 1), [v[0][4], v[1][4]], t, t);
  });

  it('float attnMask is added to the scores, per batch (B, L, S)', () => {
    const add: M3 = rand(2, 3, 5);
    add[0][1][2] = -Infinity;
    const y = scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: fw(add) });
    expectClose(y, refSdpa(q, k, v, 0.5, (b, _h, i, j) => add[b][i][j]), t, t);
  });

  it('a bool mask equals the float mask 0 / -inf of the same meaning', () => {
    const keep = [[T, F, T, T, F], [F, T, F, F, T], [T, T, F, T, T]];
    const bias = keep.map((r) => r.map((x) => (x ? 0 : -Infinity)));
    const yb = scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: boolMask(keep) });
    const yf = scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: fw(bias) });
    expectClose(yb, yf.toArray() as number[], t15, 0);
  });

  it('isCausal: query i sees keys j <= i, top-left aligned when L != S', () => {
    const y = scaledDotProductAttention(fw(q), fw(k), fw(v), { isCausal: true });
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (j <= i ? 0 : -Infinity)), t, t);
    expectClose(y.select(1, 0), [v[0][0], v[1][0]], t, t); // query 0 sees only key 0
    const keep = [[T, F, F, F, F], [T, T, F, F, F], [T, T, T, F, F]];
    expectClose(y, scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: boolMask(keep) }).toArray() as number[], 0, 0);
  });

  it('a query row with every key masked gives zeros, not NaN, and finite zero gradients', () => {
    const keep = [[T, T, F, F, F], [F, F, F, F, F], [F, T, F, T, F]];
    const [qt, kt, vt] = [fw(q, true), fw(k, true), fw(v, true)];
    const y = scaledDotProductAttention(qt, kt, vt, { attnMask: boolMask(keep) });
    expectClose(y.select(1, 1), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0);
    expectClose(y, refSdpa(q, k, v, 0.5, (_b, _h, i, j) => (keep[i][j] ? 0 : -Infinity)), t, t);
    y.mul(fw(rand(2, 3, 6))).sum().backward();
    for (const t of [qt, kt, vt]) expect(t.grad!.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(qt.grad!.select(1, 1), [[0, 0, 0, 0], [0, 0, 0, 0]], 0, 0); // the dead row's query gets nothing
    expectClose(vt.grad!.select(1, 2), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0); // key 2 is masked for every query
    // the same through a float mask of -inf
    const y2 = scaledDotProductAttention(fw(q), fw(k), fw(v), { attnMask: fw([[0, 0, 0, 0, 0], [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity], [0, 0, 0, 0, 0]]) });
    expectClose(y2.select(1, 1), [[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], 0, 0);
  });

  it('stable softmax: huge scores give the hard-max, no overflow', () => {
    const y = scaledDotProductAttention(fw([[[1]]]), fw([[[1000], [999], [-1000]]]), fw([[[1], [2], [3]]]), { scale: 1 });
    const e = Math.exp(-1);
    expectClose(y, [(1 + 2 * e) / (1 + e)], t, t);
  });
});

eachBackend('scaledDotProductAttention dropout', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
  const q: M3 = rand(2, 3, 4), k: M3 = rand(2, 5, 4), v: M3 = rand(2, 5, 6);

  it('seeded: the same seed gives the same output, equal to dropout(P) V with that seed', () => {
    manualSeed(11);
    const y1 = scaledDotProductAttention(fw(q), fw(k), fw(v), { dropoutP: 0.4 });
    manualSeed(11);
    const y2 = scaledDotProductAttention(fw(q), fw(k), fw(v), { dropoutP: 0.4 });
    expectClose(y1, y2.toArray() as number[], 0, 0);
    // P from the reference (softmax with identity V), then the same dropout mask
    const eye5 = [0, 1, 2, 3, 4].map((r) => [0, 1, 2, 3, 4].map((c) => (r === c ? 1 : 0)));
    const P = refSdpa(q, k, [eye5, eye5], 0.5); // (2, 3, 5)
    manualSeed(11);
    const Pd = dropout(fw(P), { p: 0.4 });
    expectClose(y1, Pd.matmul(fw(v)).toArray() as number[], t, t);
    expect(Math.abs((y1.toArray() as M3)[0][0][0] - refSdpa(q, k, v, 0.5)[0][0][0])).toBeGreaterThan(0);
    const zero = scaledDotProductAttention(fw(q), fw(k), fw(v), { dropoutP: 1 });
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
    expect(() => scaledDotProductAttention(q, k, v, { dropoutP: 1.5 })).toThrow('scaledDotProductAttention: invalid dropoutP 1.5 (must be between 0 and 1)');
  });
});

eachBackend('scaledDotProductAttention gradients (float64 gradcheck, or float32 vs cpu)', (bc) => {
  const qkv = (dtype: FloatDType): Tensor[] =>
    [tensor(rand(2, 3, 4), { dtype, requiresGrad: true }), tensor(rand(2, 4, 4), { dtype, requiresGrad: true }), tensor(rand(2, 4, 3), { dtype, requiresGrad: true })];
  it('no mask, and a custom scale', () => {
    gradcheckSameDraws(bc, (dtype) => ({ fn: (a, b, c) => scaledDotProductAttention(a, b, c), inputs: qkv(dtype) }));
    gradcheckSameDraws(bc, (dtype) => ({ fn: (a, b, c) => scaledDotProductAttention(a, b, c, { scale: 0.8 }), inputs: qkv(dtype) }));
  });
  it('bool mask with a fully masked row, float mask, causal', () => {
    const keep = (): Tensor => boolMask([[T, F, T, F], [F, F, F, F], [T, T, T, F]]);
    gradcheckSameDraws(bc, (dtype) => {
      const m = keep();
      return { fn: (a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: m }), inputs: qkv(dtype) };
    });
    gradcheckSameDraws(bc, (dtype) => {
      const add = tensor(rand(2, 3, 4), { dtype });
      return { fn: (a, b, c) => scaledDotProductAttention(a, b, c, { attnMask: add }), inputs: qkv(dtype) };
    });
    gradcheckSameDraws(bc, (dtype) => ({ fn: (a, b, c) => scaledDotProductAttention(a, b, c, { isCausal: true }), inputs: qkv(dtype) }));
  });
});

// ---- MultiheadAttention --------------------------------------------------------------------------

eachBackend('MultiheadAttention forward against the per-head loop reference', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
  const E = 6, nh = 2, B = 2, L = 3, S = 4;

  it('self-attention, (L, B, E) layout: out and head-averaged weights', () => {
    const m = makeMHA(E, nh, {}, dt);
    const x: M3 = rand(B, L, E); // (B, L, E)
    const xt = fw(swap01(x)); // (L, B, E)
    const [y, w] = m.forward(xt, xt, xt);
    const ref = refMHA(paramsOf(m), nh, x, x, x);
    expect(y.shape).toEqual([L, B, E]);
    expect(w!.shape).toEqual([B, L, L]);
    expectClose(y, swap01(ref.out), t, t);
    expectClose(w!, headMean(ref.weights), t, t);
  });

  it('cross-attention, (L, B, E) and batchFirst (B, L, E) give the same numbers', () => {
    const m = makeMHA(E, nh, {}, dt);
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E), value: M3 = rand(B, S, E);
    const ref = refMHA(paramsOf(m), nh, query, key, value);
    const [y] = m.forward(fw(swap01(query)), fw(swap01(key)), fw(swap01(value)));
    expect(y.shape).toEqual([L, B, E]);
    expectClose(y, swap01(ref.out), t, t);

    const mb = makeMHA(E, nh, { batchFirst: true }, dt);
    const [yb, wb] = mb.forward(fw(query), fw(key), fw(value));
    expect(yb.shape).toEqual([B, L, E]);
    expectClose(yb, refMHA(paramsOf(mb), nh, query, key, value).out, t, t);
    expect(wb!.shape).toEqual([B, L, S]);
  });

  it('per-head weights (B, nh, L, S) with averageAttnWeights = false; null with needWeights = false', () => {
    const m = makeMHA(E, 3, { batchFirst: true }, dt);
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
    const ref = refMHA(paramsOf(m), 3, query, key, key);
    const [y, w] = m.forward(fw(query), fw(key), fw(key), { averageAttnWeights: false });
    expect(w!.shape).toEqual([B, 3, L, S]);
    expectClose(w!, ref.weights, t, t);
    const [y2, none] = m.forward(fw(query), fw(key), fw(key), { needWeights: false });
    expect(none).toBeNull();
    expectClose(y2, y.toArray() as number[], t, t); // the fused kernel (no weights) vs the composition
  });

  it('kdim and vdim different from embedDim: separate q/k/v projection weights', () => {
    const m = makeMHA(E, nh, { kdim: 5, vdim: 3, batchFirst: true }, dt);
    expect(m.inProjWeight).toBeNull();
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, 5), value: M3 = rand(B, S, 3);
    const ref = refMHA(paramsOf(m), nh, query, key, value);
    const [y, w] = m.forward(fw(query), fw(key), fw(value));
    expectClose(y, ref.out, t, t);
    expectClose(w!, headMean(ref.weights), t, t);
  });

  it('unbatched (L, E) input: (L, E) out, (L, S) weights, (S) key padding, (nh, L, S) attnMask', () => {
    const m = makeMHA(E, nh, {}, dt);
    const query: M2 = rand(L, E), key: M2 = rand(S, E);
    const kpm = [F, T, F, F];
    const am: M3 = rand(nh, L, S);
    const ref = refMHA(paramsOf(m), nh, [query], [key], [key], (_b, h, i, j) => am[h][i][j] + (kpm[j] ? -Infinity : 0));
    const [y, w] = m.forward(fw(query), fw(key), fw(key), { keyPaddingMask: boolMask(kpm), attnMask: fw(am), averageAttnWeights: false });
    expect(y.shape).toEqual([L, E]);
    expect(w!.shape).toEqual([nh, L, S]);
    expectClose(y, ref.out[0], t, t);
    expectClose(w!, ref.weights[0], t, t);
    const [, wAvg] = m.forward(fw(query), fw(key), fw(key));
    expect(wAvg!.shape).toEqual([L, S]);
  });

  it('float32 module agrees with the reference within float32 tolerance', () => {
    manualSeed(3);
    const m = new MultiheadAttention(E, nh, { batchFirst: true });
    const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
    const [y] = m.forward(tensor(query), tensor(key), tensor(key));
    expect(y.dtype).toBe('float32');
    expectClose(y, refMHA(paramsOf(m), nh, query, key, key).out, bc.tol, bc.tol);
  });
});

eachBackend('MultiheadAttention masks (bool true = NOT allowed; float added)', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
  const E = 4, nh = 2, B = 2, L = 3, S = 4;
  // the module is built when the block runs (on its backend) from the draws made here
  const mState = state;
  rand(3 * E); rand(E); // makeMHA's bias draws
  let m: MultiheadAttention, P: Params;
  beforeAll(() => {
    const s = state;
    state = mState;
    m = makeMHA(E, nh, { batchFirst: true }, dt);
    state = s;
    P = paramsOf(m);
  });
  const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E), value: M3 = rand(B, S, E);
  const run = (opts: Parameters<MultiheadAttention['forward']>[3]): [Tensor, Tensor] => {
    const [y, w] = m.forward(fw(query), fw(key), fw(value), { averageAttnWeights: false, ...opts });
    return [y, w!];
  };
  const check = (opts: Parameters<MultiheadAttention['forward']>[3], mask: MaskFn): void => {
    const ref = refMHA(P, nh, query, key, value, mask);
    const [y, w] = run(opts);
    expectClose(y, ref.out, t, t);
    expectClose(w, ref.weights, t, t);
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
    check({ keyPaddingMask: fw(kpmF) }, (b, _h, _i, j) => kpmF[b][j]);
  });
  it('2-D attnMask (L, S), bool and float', () => {
    check({ attnMask: boolMask(am2B) }, (_b, _h, i, j) => (am2B[i][j] ? -Infinity : 0));
    check({ attnMask: fw(am2F) }, (_b, _h, i, j) => am2F[i][j]);
  });
  // (a float64 module needs float64: only where the backend has it)
  if (bc.float64) it('a float32 float mask in a float64 module is cast, not promoted', () => {
    const [y] = run({ attnMask: tensor(am2F) });
    expect(y.dtype).toBe('float64');
    expectClose(y, refMHA(P, nh, query, key, value, (_b, _h, i, j) => Math.fround(am2F[i][j])).out, t, t);
  });
  it('3-D attnMask (B·nh, L, S): batch b, head h is row b·nh + h; bool and float', () => {
    check({ attnMask: boolMask(am3B as unknown as boolean[][]) }, (b, h, i, j) => (am3B[b * nh + h][i][j] ? -Infinity : 0));
    check({ attnMask: fw(am3F) }, (b, h, i, j) => am3F[b * nh + h][i][j]);
  });
  it('isCausal with no attnMask applies the causal mask; with an attnMask, the attnMask is used', () => {
    check({ isCausal: true }, (_b, _h, i, j) => (j > i ? -Infinity : 0));
    check({ isCausal: true, attnMask: boolMask(am2B) }, (_b, _h, i, j) => (am2B[i][j] ? -Infinity : 0));
    const causal = [[F, T, T, T], [F, F, T, T], [F, F, F, T]];
    expectClose(run({ isCausal: true })[0], run({ attnMask: boolMask(causal) })[0].toArray() as number[], 0, 0);
  });
  it('both masks combined: bool + bool, bool attnMask + float keyPaddingMask, float + float', () => {
    check({ attnMask: boolMask(am2B), keyPaddingMask: boolMask(kpmB) }, (b, _h, i, j) => (am2B[i][j] || kpmB[b][j] ? -Infinity : 0));
    check({ attnMask: boolMask(am2B), keyPaddingMask: fw(kpmF) }, (b, _h, i, j) => (am2B[i][j] ? -Infinity : kpmF[b][j]));
    check({ attnMask: fw(am3F), keyPaddingMask: fw(kpmF) }, (b, h, i, j) => am3F[b * nh + h][i][j] + kpmF[b][j]);
    check({ isCausal: true, keyPaddingMask: boolMask(kpmB) }, (b, _h, i, j) => (j > i || kpmB[b][j] ? -Infinity : 0));
  });
  it('a fully masked query row: zero weights, output = out_proj.bias, finite gradients', () => {
    const am = [[F, T, F, F], [T, T, T, T], [F, F, F, T]]; // query 1 may attend to nothing
    const q = fw(query, true), k = fw(key, true), v = fw(value, true);
    m.zeroGrad();
    const [y, w] = m.forward(q, k, v, { attnMask: boolMask(am), averageAttnWeights: false });
    expect(y.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(w!.select(2, 1), new Array(B * nh * S).fill(0), 0, 0);
    expectClose(y.select(1, 1), [P.bo, P.bo], t15, 0);
    expectClose(y, refMHA(P, nh, query, key, value, (_b, _h, i, j) => (am[i][j] ? -Infinity : 0)).out, t, t);
    y.mul(fw(rand(B, L, E))).sum().add(w!.mul(fw(rand(B, nh, L, S))).sum()).backward();
    for (const t of [q, k, v, ...m.parameters()]) expect(t.grad!.dataSync().every(Number.isFinite)).toBe(true);
    expectClose(q.grad!.select(1, 1), new Array(B * E).fill(0), 0, 0); // that query influences nothing
    // every key of a batch padded: the whole batch row is zeros before out_proj
    const [y2] = m.forward(fw(query), fw(key), fw(value), { keyPaddingMask: boolMask([[T, T, T, T], [F, F, F, F]]) });
    expectClose(y2.select(0, 0), [P.bo, P.bo, P.bo], t15, 0);
  });
});

eachBackend('MultiheadAttention dropout', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
  const E = 4, nh = 2, B = 2, L = 3, S = 5;
  const query: M3 = rand(B, L, E), key: M3 = rand(B, S, E);
  it('training: seeded and reproducible; weights are P·mask/(1-p); eval is the plain reference', () => {
    const m = makeMHA(E, nh, { batchFirst: true, dropout: 0.5 }, dt);
    const ref = refMHA(paramsOf(m), nh, query, key, key);
    manualSeed(5);
    const [y1, w1] = m.forward(fw(query), fw(key), fw(key), { averageAttnWeights: false });
    manualSeed(5);
    const [y2] = m.forward(fw(query), fw(key), fw(key), { averageAttnWeights: false });
    expectClose(y1, y2.toArray() as number[], 0, 0);
    const got = w1!.dataSync(), want = ref.weights.flat(3);
    let dropped = 0;
    for (let i = 0; i < got.length; i++) {
      if (got[i] === 0) dropped++;
      else expect(got[i]).toBeCloseTo(want[i] * 2, bc.float64 ? 12 : 4);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(got.length);
    m.eval();
    const [ye, we] = m.forward(fw(query), fw(key), fw(key), { averageAttnWeights: false });
    expectClose(ye, ref.out, t, t);
    expectClose(we!, ref.weights, t, t);
  });
});

eachBackend('MultiheadAttention gradients (float64 gradcheck, or float32 vs cpu, w.r.t. inputs and every parameter)', (bc) => {
  const { dt, fw } = precision(bc);
  const E = 4, nh = 2, B = 2, L = 2, S = 3;
  const leaf = (dtype: FloatDType) => (x: unknown): Tensor => tensor(x as number[], { dtype, requiresGrad: true });
  it('shared in_proj_weight, cross-attention, with masks; and the self-attention path', () => {
    manualSeed(1);
    const m = new MultiheadAttention(E, nh, { dtype: dt });
    // the values, in the order the float64 gradcheck has always drawn them
    const raw = [rand(L, B, E), rand(S, B, E), rand(S, B, E), rand(3 * E, E), rand(3 * E), rand(E, E), rand(E)];
    const am = rand(L, S), c = rand(B, L, S), xSelf = rand(S, B, E);
    expectGradcheck(bc, (dtype) => {
      const kpm = boolMask([[F, F, T], [F, F, F]]), amT = tensor(am, { dtype }), cT = tensor(c, { dtype });
      return {
        fn: (q, k, v, wi, bi, wo, bo) => {
          const [y, w] = multiHeadAttentionForward(q, k, v, nh, wi, bi, wo, bo, { keyPaddingMask: kpm, attnMask: amT });
          return y.sum().add(w!.mul(cT).sum()).add(y.mul(y).sum());
        },
        inputs: raw.map(leaf(dtype)),
      };
    });
    // self-attention: query === key === value, one (3E, E) projection split three ways
    expectGradcheck(bc, (dtype) => ({
      fn: (x, wi, bi, wo, bo) => multiHeadAttentionForward(x, x, x, nh, wi, bi, wo, bo, { isCausal: true })[0],
      inputs: [xSelf, ...raw.slice(3)].map(leaf(dtype)),
    }));
    expect(m.parameters().length).toBe(4);
  });
  it('separate q/k/v projection weights (kdim, vdim), batchFirst, a fully masked row', () => {
    const kdim = 3, vdim = 2;
    const raw = [rand(B, L, E), rand(B, S, kdim), rand(B, S, vdim), rand(E, E), rand(E, kdim), rand(E, vdim), rand(3 * E), rand(E, E), rand(E)];
    expectGradcheck(bc, (dtype) => {
      const am = boolMask([[F, T, F], [T, T, T]]);
      return {
        fn: (q, k, v, wq, wk, wv, bi, wo, bo) => multiHeadAttentionForward(q, k, v, nh, null, bi, wo, bo, {
          qProjWeight: wq, kProjWeight: wk, vProjWeight: wv, batchFirst: true, attnMask: am,
        })[0],
        inputs: raw.map(leaf(dtype)),
      };
    });
  });
  it('the module forward equals the functional form with its parameters, and gradients reach them', () => {
    const m = makeMHA(E, nh, {}, dt);
    const x = fw(rand(L, B, E));
    const [y] = m.forward(x, x, x);
    y.sum().backward();
    expect(m.namedParameters().map(([n, p]) => [n, p.grad!.shape])).toEqual([
      ['in_proj_weight', [3 * E, E]], ['in_proj_bias', [3 * E]], ['out_proj.weight', [E, E]], ['out_proj.bias', [E]],
    ]);
    // out_proj.bias receives dy summed over (L, B)
    expectClose(m.outProj.bias!.grad!, new Array(E).fill(L * B), 1e-12, 0);
  });
});

eachBackend('MultiheadAttention parameters, init and state dicts', (bc) => {
  const { dt, fw, t } = precision(bc), t15 = bc.float64 ? 1e-15 : bc.tol;
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
    const m = new MultiheadAttention(8, 4, { dtype: dt });
    expect(m.parameters().every((p) => p.dtype === dt && p.requiresGrad)).toBe(true);
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
    const m = new MultiheadAttention(E, nh, { dtype: dt });
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const x: M3 = rand(1, 3, E);
    const P: Params = {
      Wq: raw.in_proj_weight.slice(0, E).map((r: number[]) => r.map(Math.fround)),
      Wk: raw.in_proj_weight.slice(E, 2 * E).map((r: number[]) => r.map(Math.fround)),
      Wv: raw.in_proj_weight.slice(2 * E).map((r: number[]) => r.map(Math.fround)),
      bq: raw.in_proj_bias.slice(0, E).map(Math.fround), bk: raw.in_proj_bias.slice(E, 2 * E).map(Math.fround), bv: raw.in_proj_bias.slice(2 * E).map(Math.fround),
      Wo: raw['out_proj.weight'].map((r: number[]) => r.map(Math.fround)), bo: raw['out_proj.bias'].map(Math.fround),
    };
    const [y] = m.forward(fw(swap01(x)), fw(swap01(x)), fw(swap01(x)));
    expectClose(y, swap01(refMHA(P, nh, x, x, x).out), t, t);

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
    expect(() => new MultiheadAttention(0, 1)).toThrow('MultiheadAttention: invalid embedDim 0 (must be a positive integer)');
    expect(() => new MultiheadAttention(8, 2, { dropout: -0.1 })).toThrow('MultiheadAttention: invalid dropout -0.1 (must be between 0 and 1)');
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

// ---- the masked softmax ----------------------------------------------------------------------------

describeEachBackend('safeSoftmax: masked rows without a host read', (bc) => {
  const dt: FloatDType = bc.float64 ? 'float64' : 'float32', tol = bc.float64 ? 1e-12 : bc.tol;
  const NEG = -Infinity;
  const scores = [[0.5, NEG, 1.5, -0.25], [NEG, NEG, NEG, NEG], [2, -1, NEG, 0.75], [NEG, NEG, NEG, NEG]]; // rows 1, 3 dead
  const dy = [[1, 2, 3, 4], [5, 6, 7, 8], [-1, 0.5, 2, 1], [1, 1, 1, 1]];

  it('fully masked rows give zeros in value and gradient; the others equal the plain softmax', () => {
    const x = tensor(scores, { dtype: dt, requiresGrad: true });
    const y = safeSoftmax(x);
    y.mul(tensor(dy, { dtype: dt })).sum().backward();
    // reference: y = softmax(row) (zeros for a dead row), dx_j = y_j (dy_j - sum_k y_k dy_k)
    const yRef = scores.map(softmaxRow);
    const dxRef = yRef.map((r, i) => {
      const dot = r.reduce((a, yk, k) => a + yk * dy[i][k], 0);
      return r.map((yj, j) => yj * (dy[i][j] - dot));
    });
    expectClose(y, yRef, tol, tol);
    expectClose(x.grad!, dxRef, tol, tol);
    expect(flatRow(y, 1)).toEqual([0, 0, 0, 0]);
    expect(flatRow(x.grad!, 3)).toEqual([0, 0, 0, 0]);
    // live rows are exactly the plain softmax, value and gradient
    const live = tensor([scores[0], scores[2]], { dtype: dt, requiresGrad: true });
    const plain = live.softmax(-1);
    plain.mul(tensor([dy[0], dy[2]], { dtype: dt })).sum().backward();
    expect([flatRow(y, 0), flatRow(y, 2)]).toEqual(plain.toArray());
    expect([flatRow(x.grad!, 0), flatRow(x.grad!, 2)]).toEqual(live.grad!.toArray());
  });

  it('attention forward and backward read nothing back to the host (no dataSync, toArray, item)', () => {
    const m = new MultiheadAttention(4, 2, { batchFirst: true, dtype: dt });
    const x = tensor([[[0.1, 0.2, -0.3, 0.4], [0.5, -0.6, 0.7, 0.8], [-0.9, 1, 0.1, 0.2]]], { dtype: dt, requiresGrad: true }); // (1, 3, 4)
    const pad = tensor([[false, true, true]]); // (B, S): with isCausal, query 1 and 2 see only key 0
    const q = tensor([[[1, 2, 3, 4]]], { dtype: dt, requiresGrad: true });
    const none = tensor([[false, false, false]]).logicalNot(); // every key padded: a dead row
    const reads = (['dataSync', 'toArray', 'item'] as const).map((name) => vi.spyOn(Tensor.prototype, name));
    try {
      const [y] = m.forward(x, x, x, { keyPaddingMask: pad, isCausal: true });
      const [y2] = m.forward(q, x, x, { keyPaddingMask: none });
      const z = scaledDotProductAttention(x, x, x, { isCausal: true });
      y.sum().add(y2.sum()).add(z.sum()).backward();
      for (const spy of reads) expect(spy, String(spy.getMockName())).toHaveBeenCalledTimes(0);
      x.grad!.dataSync(); // the spies do see a read
      expect(reads[0]).toHaveBeenCalledTimes(1);
    } finally {
      for (const spy of reads) spy.mockRestore();
    }
  });
});

/** Row i of a 2-D tensor as numbers. */
function flatRow(t: Tensor, i: number): number[] {
  return (t.toArray() as number[][])[i];
}
