// transformer.test.ts — TransformerEncoderLayer / TransformerEncoder / TransformerDecoderLayer /
// TransformerDecoder / generateSquareSubsequentMask / PositionalEncoding against a plain-JS
// float64 reference written here with explicit loops (Q/K/V projections, per-head softmax
// attention, LayerNorm, feed-forward): post- and pre-norm, relu and gelu, batchFirst, key-padding,
// float / bool / causal masks; stacks hold independent copies and apply the final norm; decoder
// causality by perturbation; PyTorch's state-dict keys; gradcheck; positional table values.
// Runs on every backend: without float64 the float64 lines run in float32 (to the backend's
// tolerance) and gradients are compared with the cpu backend's (helpers/crosscheck.ts).

import { describe, expect, it } from 'vitest';
import { manualSeed, noGrad, randn, tensor, type Tensor } from '../../src/index.js';
import { generateSquareSubsequentMask, type TransformerLayerOptions } from '../../src/layers/transformer.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../../src/layers/transformer_encoder.js';
import { TransformerDecoder, TransformerDecoderLayer } from '../../src/layers/transformer_decoder.js';
import { PositionalEncoding } from '../../src/layers/positional.js';
import { LayerNorm } from '../../src/layers/norm.js';
import type { Module } from '../../src/layers/module.js';
import { gelu as geluRef } from '../helpers/reference.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend, type BackendCase } from '../helpers/backends.js';
import { expectGradcheck } from '../helpers/crosscheck.js';

// ---- plain-JS float64 reference ----------------------------------------------------------------

type Mat = number[][]; // (rows, cols)
/** Flat parameter values by state-dict key. */
type Params = (key: string) => number[];

const paramsOf = (m: Module): Params => {
  const sd = m.stateDict();
  return (key) => {
    if (!sd[key]) throw new Error(`test: no parameter '${key}'`);
    return Array.from(sd[key].dataSync());
  };
};

/** x W^T + b, W flat (out, in). */
function linRef(x: Mat, W: number[], b: number[] | null): Mat {
  const inF = x[0].length, outF = W.length / inF;
  return x.map((row) => Array.from({ length: outF }, (_, o) => {
    let s = b ? b[o] : 0;
    for (let i = 0; i < inF; i++) s += row[i] * W[o * inF + i];
    return s;
  }));
}

function lnRef(x: Mat, w: number[], b: number[], eps = 1e-5): Mat {
  return x.map((row) => {
    const m = row.reduce((s, v) => s + v, 0) / row.length;
    const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / row.length;
    return row.map((u, j) => ((u - m) / Math.sqrt(v + eps)) * w[j] + b[j]);
  });
}

const addRef = (a: Mat, b: Mat): Mat => a.map((r, i) => r.map((v, j) => v + b[i][j]));

/**
 * PyTorch's MultiheadAttention for one batch element: q (T, E), kv (S, E); mask (T, S) additive
 * (-Infinity = not allowed) or null; kpm (S) true = padding key or null.
 */
function mhaRef(q: Mat, k: Mat, v: Mat, P: Params, prefix: string, nh: number, mask: Mat | null, kpm: boolean[] | null): Mat {
  const E = q[0].length, hs = E / nh;
  const W = P(`${prefix}.in_proj_weight`), b = P(`${prefix}.in_proj_bias`);
  const part = (i: number): [number[], number[]] => [W.slice(i * E * E, (i + 1) * E * E), b.slice(i * E, (i + 1) * E)];
  const Q = linRef(q, ...part(0)), K = linRef(k, ...part(1)), V = linRef(v, ...part(2));
  const out: Mat = q.map(() => new Array<number>(E).fill(0));
  for (let h = 0; h < nh; h++) {
    for (let t = 0; t < q.length; t++) {
      const scores = k.map((_, s) => {
        let d = 0;
        for (let j = h * hs; j < (h + 1) * hs; j++) d += Q[t][j] * K[s][j];
        return d / Math.sqrt(hs) + (mask ? mask[t][s] : 0) + (kpm && kpm[s] ? -Infinity : 0);
      });
      const mx = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - mx));
      const z = e.reduce((a, c) => a + c, 0);
      for (let s = 0; s < k.length; s++) for (let j = h * hs; j < (h + 1) * hs; j++) out[t][j] += (e[s] / z) * V[s][j];
    }
  }
  return linRef(out, P(`${prefix}.out_proj.weight`), P(`${prefix}.out_proj.bias`));
}

interface RefCfg { nh: number; normFirst: boolean; act: (x: number) => number; eps?: number }
const relu = (x: number): number => Math.max(x, 0);

function ffRef(x: Mat, P: Params, p: string, act: (x: number) => number): Mat {
  const h = linRef(x, P(`${p}linear1.weight`), P(`${p}linear1.bias`)).map((r) => r.map(act));
  return linRef(h, P(`${p}linear2.weight`), P(`${p}linear2.bias`));
}
const normRef = (x: Mat, P: Params, name: string, eps?: number): Mat => lnRef(x, P(`${name}.weight`), P(`${name}.bias`), eps);

/** Encoder layer on one batch element x (T, E); p = key prefix ('' or 'layers.0.'). */
function encoderLayerRef(x: Mat, P: Params, cfg: RefCfg, mask: Mat | null, kpm: boolean[] | null, p = ''): Mat {
  const sa = (h: Mat): Mat => mhaRef(h, h, h, P, `${p}self_attn`, cfg.nh, mask, kpm);
  const ff = (h: Mat): Mat => ffRef(h, P, p, cfg.act);
  const n = (h: Mat, i: number): Mat => normRef(h, P, `${p}norm${i}`, cfg.eps);
  if (cfg.normFirst) {
    x = addRef(x, sa(n(x, 1)));
    return addRef(x, ff(n(x, 2)));
  }
  x = n(addRef(x, sa(x)), 1);
  return n(addRef(x, ff(x)), 2);
}

interface DecMasks { tgtMask?: Mat | null; memMask?: Mat | null; tgtKpm?: boolean[] | null; memKpm?: boolean[] | null }

/** Decoder layer on one batch element: x (T, E), mem (S, E). */
function decoderLayerRef(x: Mat, mem: Mat, P: Params, cfg: RefCfg, m: DecMasks, p = ''): Mat {
  const sa = (h: Mat): Mat => mhaRef(h, h, h, P, `${p}self_attn`, cfg.nh, m.tgtMask ?? null, m.tgtKpm ?? null);
  const ca = (h: Mat): Mat => mhaRef(h, mem, mem, P, `${p}multihead_attn`, cfg.nh, m.memMask ?? null, m.memKpm ?? null);
  const ff = (h: Mat): Mat => ffRef(h, P, p, cfg.act);
  const n = (h: Mat, i: number): Mat => normRef(h, P, `${p}norm${i}`, cfg.eps);
  if (cfg.normFirst) {
    x = addRef(x, sa(n(x, 1)));
    x = addRef(x, ca(n(x, 2)));
    return addRef(x, ff(n(x, 3)));
  }
  x = n(addRef(x, sa(x)), 1);
  x = n(addRef(x, ca(x)), 2);
  return n(addRef(x, ff(x)), 3);
}

/** Splits a (T, B, E) tensor (or (B, T, E) with batchFirst) into B matrices (T, E). */
function perBatch(t: Tensor, batchFirst = false): Mat[] {
  const a = t.toArray() as Mat[];
  if (batchFirst) return a;
  const [T, B] = t.shape;
  return Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, i) => a[i][b]));
}
/** B matrices (T, E) back to the flat values of (T, B, E) (or (B, T, E)). */
function joinBatches(ms: Mat[], batchFirst = false): number[] {
  if (batchFirst) return ms.flat(2);
  const out: number[] = [];
  for (let t = 0; t < ms[0].length; t++) for (const m of ms) out.push(...m[t]);
  return out;
}

const causalRef = (T: number, S = T): Mat => Array.from({ length: T }, (_, t) => Array.from({ length: S }, (_, s) => (s > t ? -Infinity : 0)));
type FloatDType = 'float32' | 'float64';

/** A case's precision: its widest float dtype dt, randn of it (fw), small layer options in it,
 * and the tolerances that stand for 1e-10 / 1e-12 / 1e-13 in float64 (the backend's otherwise). */
function precision(b: BackendCase) {
  const dt: FloatDType = b.float64 ? 'float64' : 'float32';
  return {
    dt,
    fw: (shape: number[], requiresGrad = false): Tensor => randn(shape, { dtype: dt, requiresGrad }),
    small: (o: TransformerLayerOptions = {}): TransformerLayerOptions => ({ dimFeedforward: 16, dropout: 0, dtype: dt, ...o }),
    t10: b.float64 ? 1e-10 : b.tol, t: b.float64 ? 1e-12 : b.tol, t13: b.float64 ? 1e-13 : b.tol,
    digits: b.float64 ? 12 : 6,
  };
}

/** Gives every LayerNorm non-trivial weights and biases so the reference exercises them. */
function perturbNorms(m: Module): void {
  noGrad(() => {
    for (const [name, p] of m.namedParameters()) if (/norm\d?\.(weight|bias)$/.test(name)) p.add_(randn(p.shape, { dtype: p.dtype }).mul(0.3));
  });
}

// ---- encoder layer -----------------------------------------------------------------------------

describeEachBackend('TransformerEncoderLayer', (bc) => {
  const { dt, fw, small, t10, t, t13, digits } = precision(bc);
  const E = 8, nh = 2, T = 5, B = 3;

  for (const normFirst of [false, true]) {
    for (const act of ['relu', 'gelu'] as const) {
      it(`${normFirst ? 'pre' : 'post'}-norm, ${act}: matches the float64 reference`, () => {
        manualSeed(10);
        const layer = new TransformerEncoderLayer(E, nh, small({ normFirst, activation: act }));
        perturbNorms(layer);
        const x = fw([T, B, E]);
        const y = layer.forward(x);
        expect(y.shape).toEqual([T, B, E]);
        const cfg = { nh, normFirst, act: act === 'relu' ? relu : geluRef };
        const P = paramsOf(layer);
        expectClose(y, joinBatches(perBatch(x).map((xb) => encoderLayerRef(xb, P, cfg, null, null))), t10, t10);
      });
    }
  }

  it('batchFirst (B, T, E), with a key-padding mask and a float srcMask', () => {
    manualSeed(11);
    const layer = new TransformerEncoderLayer(E, nh, small({ batchFirst: true }));
    perturbNorms(layer);
    const x = fw([B, T, E]);
    const kpm = [[false, false, false, true, true], [false, false, false, false, false], [false, true, false, false, true]];
    const maskVals: Mat = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => Math.sin(i * T + j)));
    const y = layer.forward(x, { srcKeyPaddingMask: tensor(kpm), srcMask: tensor(maskVals, { dtype: dt }) });
    expect(y.shape).toEqual([B, T, E]);
    const P = paramsOf(layer), cfg = { nh, normFirst: false, act: relu };
    expectClose(y, joinBatches(perBatch(x, true).map((xb, b) => encoderLayerRef(xb, P, cfg, maskVals, kpm[b])), true), t10, t10);
  });

  it('isCausal without a mask, a bool srcMask and generateSquareSubsequentMask agree with the causal reference', () => {
    manualSeed(12);
    const layer = new TransformerEncoderLayer(E, nh, small({ normFirst: true }));
    const x = fw([T, B, E]);
    const P = paramsOf(layer), cfg = { nh, normFirst: true, act: relu };
    const expected = joinBatches(perBatch(x).map((xb) => encoderLayerRef(xb, P, cfg, causalRef(T), null)));
    expectClose(layer.forward(x, { isCausal: true }), expected, t10, t10);
    expectClose(layer.forward(x, { srcMask: generateSquareSubsequentMask(T, { dtype: dt }), isCausal: true }), expected, t10, t10);
    const boolMask = tensor(causalRef(T).map((r) => r.map((v) => v === -Infinity)));
    expectClose(layer.forward(x, { srcMask: boolMask }), expected, t10, t10);
  });

  it('unbatched (T, E) input equals the batched result of the same sequence', () => {
    manualSeed(13);
    const layer = new TransformerEncoderLayer(E, nh, small());
    const x = fw([T, E]);
    const y = layer.forward(x);
    expect(y.shape).toEqual([T, E]);
    expectClose(y, layer.forward(x.unsqueeze(1)).squeeze(1).dataSync(), t, t);
  });

  it('a custom activation function is used in the feed-forward net', () => {
    manualSeed(14);
    const layer = new TransformerEncoderLayer(E, nh, small({ activation: (t) => t.tanh() }));
    const x = fw([T, 2, E]);
    const P = paramsOf(layer);
    expectClose(layer.forward(x), joinBatches(perBatch(x).map((xb) => encoderLayerRef(xb, P, { nh, normFirst: false, act: Math.tanh }, null, null))), t10, t10);
  });

  it('float32 default dtype matches the reference within float32 tolerance', () => {
    manualSeed(15);
    const layer = new TransformerEncoderLayer(E, nh, { dimFeedforward: 16, dropout: 0 });
    const x = randn([T, B, E]);
    const y = layer.forward(x);
    expect(y.dtype).toBe('float32');
    const P = paramsOf(layer);
    expectClose(y, joinBatches(perBatch(x).map((xb) => encoderLayerRef(xb, P, { nh, normFirst: false, act: relu }, null, null))), 1e-4, 1e-4);
  });

  it("PyTorch's defaults: dimFeedforward 2048, dropout 0.1, eps 1e-5, post-norm, relu, sequence first", () => {
    const layer = new TransformerEncoderLayer(16, 4);
    expect(layer.linear1.weight.shape).toEqual([2048, 16]);
    expect(layer.linear2.weight.shape).toEqual([16, 2048]);
    expect([layer.dropout.p, layer.dropout1.p, layer.dropout2.p]).toEqual([0.1, 0.1, 0.1]);
    expect([layer.norm1.eps, layer.norm2.eps]).toEqual([1e-5, 1e-5]);
    expect([layer.normFirst, layer.batchFirst]).toEqual([false, false]);
    expect(layer.linear1.weight.dtype).toBe('float32');
    expect(layer.selfAttn.inProjWeight!.shape).toEqual([48, 16]);
  });

  it("state-dict keys are PyTorch's; bias: false drops every bias", () => {
    const keys = [
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias',
      'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ];
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(layer.stateDict())).toEqual(keys);
    expect(layer.namedParameters().map(([k]) => k)).toEqual(keys);
    const noBias = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, bias: false });
    expect(Object.keys(noBias.stateDict())).toEqual(['self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight']);
  });

  it('dropout is active in training and off in eval', () => {
    manualSeed(16);
    const layer = new TransformerEncoderLayer(E, nh, { dimFeedforward: 16, dropout: 0.5, dtype: dt });
    const x = fw([T, B, E]);
    const a = layer.forward(x).dataSync(), b = layer.forward(x).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
    layer.eval();
    const P = paramsOf(layer);
    expectClose(layer.forward(x), joinBatches(perBatch(x).map((xb) => encoderLayerRef(xb, P, { nh, normFirst: false, act: relu }, null, null))), t10, t10);
  });

  it('errors name the layer and the offending value', () => {
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow("TransformerEncoderLayer: activation must be 'relu', 'gelu'; got 'tanh'");
    expect(() => new TransformerEncoderLayer(8, 0)).toThrow('TransformerEncoderLayer: invalid nhead 0 (must be a positive integer)');
    expect(() => new TransformerEncoderLayer(8, 2, { dimFeedforward: 1.5 })).toThrow('TransformerEncoderLayer: invalid dimFeedforward 1.5 (must be a positive integer)');
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => layer.forward(randn([5, 2, 6]))).toThrow('TransformerEncoderLayer: src must be (T, B, 8) or unbatched (T, 8), got [5,2,6]');
    expect(() => layer.forward(randn([8]))).toThrow('TransformerEncoderLayer: src must be (T, B, 8) or unbatched (T, 8), got [8]');
  });

  it('gradcheck w.r.t. the input and parameters (float64, or float32 vs cpu; post- and pre-norm)', () => {
    for (const normFirst of [false, true]) {
      expectGradcheck(bc, (dtype) => {
        manualSeed(17);
        const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, dtype, normFirst, activation: 'gelu' });
        perturbNorms(layer);
        const params = [layer.selfAttn.inProjWeight!, layer.linear1.weight, layer.norm1.weight as Tensor, layer.linear2.bias as Tensor];
        const x = randn([3, 2, 4], { dtype, requiresGrad: true });
        const kpm = tensor([[false, false, true], [false, false, false]]);
        return { fn: withParams(params, (xx) => layer.forward(xx, { srcKeyPaddingMask: kpm })), inputs: [x, ...params] };
      });
    }
  });
});

/**
 * fn(x, ...params) for gradcheck: the analytic pass gets the module's own parameters; the
 * numerical passes get perturbed copies, which are written into the parameters for that call.
 */
function withParams(params: Tensor[], body: (...xs: Tensor[]) => Tensor, nInputs = 1): (...args: Tensor[]) => Tensor {
  return (...args) => {
    const given = args.slice(nInputs);
    if (given.every((g, i) => g === params[i])) return body(...args.slice(0, nInputs));
    const saved = params.map((p) => p.clone());
    noGrad(() => params.forEach((p, i) => p.copy_(given[i])));
    try {
      return body(...args.slice(0, nInputs));
    } finally {
      noGrad(() => params.forEach((p, i) => p.copy_(saved[i])));
    }
  };
}

// ---- encoder stack -----------------------------------------------------------------------------

describeEachBackend('TransformerEncoder', (bc) => {
  const { dt, fw, small, t10, t, t13, digits } = precision(bc);
  it('holds independent copies: same values, distinct storage, edits do not propagate', () => {
    manualSeed(20);
    const proto = new TransformerEncoderLayer(8, 2, small());
    const enc = new TransformerEncoder(proto, 3);
    expect(enc.layers.length).toBe(3);
    const w = (m: TransformerEncoderLayer): number[] => Array.from(m.linear1.weight.dataSync());
    for (const l of enc.layers) {
      expect(l).not.toBe(proto);
      expect(w(l)).toEqual(w(proto));
      expect(l.linear1.weight).not.toBe(proto.linear1.weight);
    }
    const all = enc.parameters();
    expect(all.length).toBe(3 * proto.parameters().length);
    expect(new Set(all).size).toBe(all.length);
    const before1 = w(enc.layers.at(1)), beforeProto = w(proto);
    noGrad(() => enc.layers.at(0).linear1.weight.add_(1));
    expect(w(enc.layers.at(1))).toEqual(before1);
    expect(w(proto)).toEqual(beforeProto);
    expect(w(enc.layers.at(0))[0]).toBeCloseTo(beforeProto[0] + 1, digits);
    noGrad(() => proto.selfAttn.inProjWeight!.mul_(0));
    expect(Array.from(enc.layers.at(2).selfAttn.inProjWeight!.dataSync()).some((v) => v !== 0)).toBe(true);
  });

  it('copies keep the train/eval mode and the options of the prototype', () => {
    const proto = new TransformerEncoderLayer(8, 2, { dimFeedforward: 12, normFirst: true, batchFirst: true }).eval();
    const enc = new TransformerEncoder(proto, 2);
    for (const l of enc.layers) {
      expect([l.training, l.normFirst, l.batchFirst, l.linear1.outFeatures]).toEqual([false, true, true, 12]);
      expect(l.dropout.training).toBe(false);
    }
  });

  it('forward = the layers in order, then the final norm; masks reach every layer', () => {
    manualSeed(21);
    const E = 8, nh = 2, T = 4, B = 2;
    const proto = new TransformerEncoderLayer(E, nh, small());
    const enc = new TransformerEncoder(proto, 2, { norm: new LayerNorm(E, { dtype: dt }) });
    noGrad(() => enc.layers.at(1).linear1.weight.mul_(-1.5)); // make the two layers differ
    perturbNorms(enc);
    const x = fw([T, B, E]);
    const kpm = [[false, false, true, false], [false, false, false, false]];
    const y = enc.forward(x, { srcKeyPaddingMask: tensor(kpm), isCausal: true });
    const P = paramsOf(enc), cfg = { nh, normFirst: false, act: relu };
    const expected = perBatch(x).map((xb, b) => {
      let h = encoderLayerRef(xb, P, cfg, causalRef(T), kpm[b], 'layers.0.');
      h = encoderLayerRef(h, P, cfg, causalRef(T), kpm[b], 'layers.1.');
      return normRef(h, P, 'norm');
    });
    expectClose(y, joinBatches(expected), t10, t10);
  });

  it("state-dict keys are PyTorch's (layers.i.…, norm.…) and round-trip through loadStateDict", () => {
    manualSeed(22);
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, small()), 2, { norm: new LayerNorm(8, { dtype: dt }) });
    const layerKeys = [
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ];
    expect(Object.keys(enc.stateDict())).toEqual([...layerKeys.map((k) => `layers.0.${k}`), ...layerKeys.map((k) => `layers.1.${k}`), 'norm.weight', 'norm.bias']);
    expect(Object.keys(new TransformerEncoder(new TransformerEncoderLayer(8, 2), 1).stateDict())).toEqual(layerKeys.map((k) => `layers.0.${k}`));
    const other = new TransformerEncoder(new TransformerEncoderLayer(8, 2, small()), 2, { norm: new LayerNorm(8, { dtype: dt }) });
    other.loadStateDict(enc.stateDict());
    const x = fw([3, 2, 8]);
    expectClose(other.forward(x), enc.forward(x).dataSync(), 0, 0);
  });

  it('numLayers must be a non-negative integer', () => {
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 4 }), -1)).toThrow('TransformerEncoder: numLayers must be a non-negative integer, got -1');
  });
});

// ---- decoder layer -----------------------------------------------------------------------------

describeEachBackend('TransformerDecoderLayer', (bc) => {
  const { dt, fw, small, t10, t, t13, digits } = precision(bc);
  const E = 8, nh = 2, T = 4, S = 6, B = 2;

  for (const normFirst of [false, true]) {
    for (const act of ['relu', 'gelu'] as const) {
      it(`${normFirst ? 'pre' : 'post'}-norm, ${act}, causal target and memory padding: matches the reference`, () => {
        manualSeed(30);
        const layer = new TransformerDecoderLayer(E, nh, small({ normFirst, activation: act }));
        perturbNorms(layer);
        const tgt = fw([T, B, E]), mem = fw([S, B, E]);
        const memKpm = [[false, false, false, false, true, true], [false, true, false, false, false, false]];
        const y = layer.forward(tgt, mem, { tgtMask: generateSquareSubsequentMask(T, { dtype: dt }), memoryKeyPaddingMask: tensor(memKpm) });
        expect(y.shape).toEqual([T, B, E]);
        const P = paramsOf(layer), cfg = { nh, normFirst, act: act === 'relu' ? relu : geluRef };
        const mems = perBatch(mem);
        const expected = perBatch(tgt).map((tb, b) => decoderLayerRef(tb, mems[b], P, cfg, { tgtMask: causalRef(T), memKpm: memKpm[b] }));
        expectClose(y, joinBatches(expected), t10, t10);
      });
    }
  }

  it('batchFirst with tgtIsCausal, tgt padding, a float memoryMask; memoryIsCausal builds a (T, S) mask', () => {
    manualSeed(31);
    const layer = new TransformerDecoderLayer(E, nh, small({ batchFirst: true }));
    const tgt = fw([B, T, E]), mem = fw([B, S, E]);
    const tgtKpm = [[false, false, false, true], [false, false, false, false]];
    const memMask: Mat = Array.from({ length: T }, (_, i) => Array.from({ length: S }, (_, j) => Math.cos(i + 2 * j)));
    const P = paramsOf(layer), cfg = { nh, normFirst: false, act: relu };
    const mems = perBatch(mem, true);
    const y = layer.forward(tgt, mem, { tgtIsCausal: true, tgtKeyPaddingMask: tensor(tgtKpm), memoryMask: tensor(memMask, { dtype: dt }) });
    expect(y.shape).toEqual([B, T, E]);
    const exp1 = perBatch(tgt, true).map((tb, b) => decoderLayerRef(tb, mems[b], P, cfg, { tgtMask: causalRef(T), tgtKpm: tgtKpm[b], memMask }));
    expectClose(y, joinBatches(exp1, true), t10, t10);
    const y2 = layer.forward(tgt, mem, { memoryIsCausal: true });
    const exp2 = perBatch(tgt, true).map((tb, b) => decoderLayerRef(tb, mems[b], P, cfg, { memMask: causalRef(T, S) }));
    expectClose(y2, joinBatches(exp2, true), t10, t10);
  });

  it('causal self-attention: output at t does not depend on target positions > t', () => {
    manualSeed(32);
    const layer = new TransformerDecoderLayer(E, nh, small());
    const tgt = fw([T, B, E]), mem = fw([S, B, E]);
    const t0 = 2;
    const bumped = tgt.clone();
    noGrad(() => bumped.narrow(0, t0, 1).add_(randn([1, B, E], { dtype: dt })));
    for (const opts of [{ tgtIsCausal: true }, { tgtMask: generateSquareSubsequentMask(T, { dtype: dt }) }]) {
      const a = layer.forward(tgt, mem, opts), b = layer.forward(bumped, mem, opts);
      expectClose(b.narrow(0, 0, t0), a.narrow(0, 0, t0).toArray() as number[][][], t13, t13);
      for (let t = t0; t < T; t++) {
        const diff = b.narrow(0, t, 1).sub(a.narrow(0, t, 1)).abs().max().item();
        expect(diff).toBeGreaterThan(1e-6);
      }
    }
    // without the mask, earlier positions do see the change
    const a = layer.forward(tgt, mem), b = layer.forward(bumped, mem);
    expect(b.narrow(0, 0, 1).sub(a.narrow(0, 0, 1)).abs().max().item()).toBeGreaterThan(1e-6);
  });

  it("state-dict keys are PyTorch's", () => {
    const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.keys(layer.stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'multihead_attn.in_proj_weight', 'multihead_attn.in_proj_bias', 'multihead_attn.out_proj.weight', 'multihead_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias',
      'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias', 'norm3.weight', 'norm3.bias',
    ]);
    expect([layer.dropout.p, layer.dropout1.p, layer.dropout2.p, layer.dropout3.p, layer.norm3.eps]).toEqual([0.1, 0.1, 0.1, 0.1, 1e-5]);
  });

  it('errors name the layer and the shapes', () => {
    const layer = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect(() => layer.forward(randn([4, 2, 8]), randn([5, 2, 4]))).toThrow('TransformerDecoderLayer: memory must be (T, B, 8) or unbatched (T, 8), got [5,2,4]');
    expect(() => layer.forward(randn([4, 2, 8]), randn([5, 8]))).toThrow('TransformerDecoderLayer: tgt [4,2,8] and memory [5,8] must both be batched or both unbatched');
  });

  it('gradcheck w.r.t. target, memory and parameters (float64, or float32 vs cpu; post- and pre-norm)', () => {
    for (const normFirst of [false, true]) {
      expectGradcheck(bc, (dtype) => {
        manualSeed(33);
        const layer = new TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, dtype, normFirst });
        perturbNorms(layer);
        const params = [layer.multiheadAttn.inProjWeight!, layer.selfAttn.outProj.bias as Tensor, layer.linear2.weight, layer.norm3.bias as Tensor];
        const tgt = randn([3, 2, 4], { dtype, requiresGrad: true }), mem = randn([2, 2, 4], { dtype, requiresGrad: true });
        return { fn: withParams(params, (tt, m) => layer.forward(tt, m, { tgtIsCausal: true }), 2), inputs: [tgt, mem, ...params] };
      });
    }
  });
});

// ---- decoder stack -----------------------------------------------------------------------------

describeEachBackend('TransformerDecoder', (bc) => {
  const { dt, fw, small, t10, t, t13, digits } = precision(bc);
  it('forward = independent layer copies in order over the same memory, then the final norm', () => {
    manualSeed(40);
    const E = 8, nh = 2, T = 3, S = 5, B = 2;
    const proto = new TransformerDecoderLayer(E, nh, small({ normFirst: true }));
    const dec = new TransformerDecoder(proto, 2, { norm: new LayerNorm(E, { dtype: dt }) });
    noGrad(() => dec.layers.at(0).multiheadAttn.inProjWeight!.mul_(2));
    expect(Array.from(dec.layers.at(1).multiheadAttn.inProjWeight!.dataSync())).toEqual(Array.from(proto.multiheadAttn.inProjWeight!.dataSync()));
    perturbNorms(dec);
    const tgt = fw([T, B, E]), mem = fw([S, B, E]);
    const y = dec.forward(tgt, mem, { tgtIsCausal: true });
    const P = paramsOf(dec), cfg = { nh, normFirst: true, act: relu };
    const mems = perBatch(mem);
    const expected = perBatch(tgt).map((tb, b) => {
      let h = decoderLayerRef(tb, mems[b], P, cfg, { tgtMask: causalRef(T) }, 'layers.0.');
      h = decoderLayerRef(h, mems[b], P, cfg, { tgtMask: causalRef(T) }, 'layers.1.');
      return normRef(h, P, 'norm');
    });
    expectClose(y, joinBatches(expected), t10, t10);
    expect(Object.keys(dec.stateDict()).filter((k) => !k.startsWith('layers.0.') && !k.startsWith('layers.1.'))).toEqual(['norm.weight', 'norm.bias']);
    expect(Object.keys(dec.stateDict())[4]).toBe('layers.0.multihead_attn.in_proj_weight');
  });
});

// ---- masks and positional encoding -------------------------------------------------------------

describe('generateSquareSubsequentMask', () => {
  it('-inf above the diagonal, 0 on and below', () => {
    const m = generateSquareSubsequentMask(3);
    expect(m.dtype).toBe('float32');
    expect(m.toArray()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    expect(generateSquareSubsequentMask(1).toArray()).toEqual([[0]]);
    expect(generateSquareSubsequentMask(2, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => generateSquareSubsequentMask(-1)).toThrow('generateSquareSubsequentMask: size must be a non-negative integer, got -1');
  });
});

describeEachBackend('PositionalEncoding', (bc) => {
  const { dt, fw, small, t10, t, t13, digits } = precision(bc);
  const peRef = (pos: number, j: number, d: number): number => {
    const angle = pos / 10000 ** ((2 * Math.floor(j / 2)) / d);
    return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  };

  it('the `pe` buffer (maxLen, 1, d) holds sin / cos of pos / 10000^(2i/d); it is the only state-dict key', () => {
    const pos = new PositionalEncoding(6, { maxLen: 50, dtype: dt });
    expect(Object.keys(pos.stateDict())).toEqual(['pe']);
    expect(pos.parameters()).toEqual([]);
    expect(pos.pe.shape).toEqual([50, 1, 6]);
    const pe = pos.pe.dataSync();
    for (let p = 0; p < 50; p++) for (let j = 0; j < 6; j++) expect(pe[p * 6 + j]).toBeCloseTo(peRef(p, j, 6), digits);
    expect(Array.from(pe.slice(0, 6))).toEqual([0, 1, 0, 1, 0, 1]);
    // odd dModel: the last column is a sine
    const odd = new PositionalEncoding(5, { maxLen: 10, dtype: dt }).pe.dataSync();
    for (let p = 0; p < 10; p++) for (let j = 0; j < 5; j++) expect(odd[p * 5 + j]).toBeCloseTo(peRef(p, j, 5), digits);
  });

  it('adds pe[:T] to (T, B, d), to (B, T, d) with batchFirst and to unbatched (T, d); identity dropout in eval', () => {
    manualSeed(50);
    const d = 4, T = 3, B = 2;
    const x = fw([T, B, d]);
    const xs = x.toArray() as number[][][];
    const pos = new PositionalEncoding(d, { maxLen: 10, dtype: dt }).eval();
    const expected = xs.flatMap((row, t) => row.flatMap((v) => v.map((u, j) => u + peRef(t, j, d))));
    expectClose(pos.forward(x), expected, t, t);
    const bf = new PositionalEncoding(d, { maxLen: 10, batchFirst: true, dtype: dt }).eval();
    const xb = x.transpose(0, 1).contiguous(); // (B, T, d)
    expectClose(bf.forward(xb), expectedTransposed(expected, T, B, d), t, t);
    const x2 = fw([T, d]);
    expectClose(pos.forward(x2), (x2.toArray() as number[][]).flatMap((r, t) => r.map((u, j) => u + peRef(t, j, d))), t, t);
  });

  it('dropout applies in training (default p = 0.1) and the table is loaded from a state dict', () => {
    manualSeed(51);
    const pos = new PositionalEncoding(8, { maxLen: 20, dropout: 0.5, dtype: dt });
    expect(new PositionalEncoding(8).dropout.p).toBe(0.1);
    const x = fw([10, 2, 8]);
    const y = pos.forward(x).dataSync();
    const zerosCount = Array.from(y).filter((v) => v === 0).length;
    expect(zerosCount).toBeGreaterThan(40);
    expect(zerosCount).toBeLessThan(120);
    const other = new PositionalEncoding(8, { maxLen: 20, dtype: dt });
    noGrad(() => other.pe.zero_());
    other.loadStateDict(pos.stateDict());
    expect(Array.from(other.pe.dataSync())).toEqual(Array.from(pos.pe.dataSync()));
  });

  it('errors: sequence longer than maxLen, wrong feature size', () => {
    const pos = new PositionalEncoding(4, { maxLen: 5 });
    expect(() => pos.forward(randn([6, 1, 4]))).toThrow('PositionalEncoding: sequence length 6 exceeds maxLen 5');
    expect(() => pos.forward(randn([3, 1, 5]))).toThrow('PositionalEncoding: expected input (T, B, 4) or (T, 4), got [3,1,5]');
    expect(() => new PositionalEncoding(0)).toThrow('PositionalEncoding: dModel must be a positive integer, got 0');
  });
});

/** Values of (T, B, d) flattened, reordered as (B, T, d). */
function expectedTransposed(v: number[], T: number, B: number, d: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) out.push(v[(t * B + b) * d + j]);
  return out;
}
