// rnn.test.ts — RNN / LSTM / GRU and their cells against a step-by-step reference written here
// from the gate equations in plain float64 JS loops (tanh and relu RNN, multi-layer,
// bidirectional, batchFirst, no bias, given h0/c0, unbatched); PyTorch's parameter names and a
// state dict built under PyTorch's keys; gradcheck in float64 of every cell and layer type;
// dropout between layers; 1000-step BPTT against analytic gradients and a hand-written
// JS BPTT; and the error messages. Reference, gradient and BPTT tests run on every backend:
// without float64 the float64 lines run in float32 and gradients are compared with the cpu
// backend's (on gpujs the hand-written LSTM BPTT runs T = 50 steps instead of 1000).

import { describe, expect, it } from 'vitest';
import { cat, grad, manualSeed, noGrad, tensor, type Tensor } from '../../src/index.js';
import {
  GRU, LSTM, RNN, rnnForward, type RNNMode,
} from '../../src/layers/rnn.js';
import {
  GRUCell, LSTMCell, RNNCell, gruCell, lstmCell, rnnCell, type RNNWeights,
} from '../../src/layers/rnn_cells.js';
import { expectClose } from '../helpers/close.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled, expectGradcheck } from '../helpers/crosscheck.js';

// ---- the plain-JS reference ----------------------------------------------------------------

type Vec = number[];
type Mat = number[][];
interface RefW { wIh: Mat; wHh: Mat; bIh: Vec | null; bHh: Vec | null }

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const zerosV = (n: number): Vec => new Array<number>(n).fill(0);

/** W v + b for W (rows, n), v (n). */
function affine(W: Mat, v: Vec, b: Vec | null): Vec {
  return W.map((row, r) => row.reduce((s, wk, k) => s + wk * v[k], b ? b[r] : 0));
}

/** One step for one batch row, straight from PyTorch's documented equations. */
function refStep(mode: RNNMode, x: Vec, h: Vec, c: Vec, w: RefW): { h: Vec; c: Vec } {
  const H = h.length;
  const gx = affine(w.wIh, x, w.bIh); // W_i* x + b_i*
  const gh = affine(w.wHh, h, w.bHh); // W_h* h + b_h*
  const hOut = zerosV(H), cOut = zerosV(H);
  for (let j = 0; j < H; j++) {
    if (mode === 'LSTM') {
      const i = sigmoid(gx[j] + gh[j]);
      const f = sigmoid(gx[H + j] + gh[H + j]);
      const g = Math.tanh(gx[2 * H + j] + gh[2 * H + j]);
      const o = sigmoid(gx[3 * H + j] + gh[3 * H + j]);
      cOut[j] = f * c[j] + i * g;
      hOut[j] = o * Math.tanh(cOut[j]);
    } else if (mode === 'GRU') {
      const r = sigmoid(gx[j] + gh[j]);
      const z = sigmoid(gx[H + j] + gh[H + j]);
      const n = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
      hOut[j] = (1 - z) * n + z * h[j];
    } else {
      const a = gx[j] + gh[j];
      hOut[j] = mode === 'RNN_TANH' ? Math.tanh(a) : Math.max(0, a);
    }
  }
  return { h: hOut, c: cOut };
}

interface RefOpts { L?: number; D?: number; h0?: number[][][]; c0?: number[][][]; zeroBetweenLayers?: boolean }

/** The stacked, optionally bidirectional layer over x (T, B, I): output (T, B, D·H), hN, cN (L·D, B, H). */
function refRnn(mode: RNNMode, x: number[][][], ws: RefW[], o: RefOpts = {}): { out: number[][][]; hN: number[][][]; cN: number[][][] } {
  const L = o.L ?? 1, D = o.D ?? 1, T = x.length, B = x[0].length, H = ws[0].wHh[0].length;
  let input = x;
  const hN: number[][][] = [], cN: number[][][] = [];
  for (let layer = 0; layer < L; layer++) {
    const outs: number[][][][] = [];
    for (let dir = 0; dir < D; dir++) {
      const k = layer * D + dir;
      const out: number[][][] = Array.from({ length: T }, () => []);
      const hk: number[][] = [], ck: number[][] = [];
      for (let b = 0; b < B; b++) {
        let h = o.h0 ? o.h0[k][b] : zerosV(H), c = o.c0 ? o.c0[k][b] : zerosV(H);
        for (let s = 0; s < T; s++) {
          const t = dir === 1 ? T - 1 - s : s;
          ({ h, c } = refStep(mode, input[t][b], h, c, ws[k]));
          out[t][b] = h;
        }
        hk.push(h);
        ck.push(c);
      }
      outs.push(out);
      hN.push(hk);
      cN.push(ck);
    }
    input = outs[0].map((row, t) => row.map((_, b) => outs.flatMap((out) => out[t][b])));
    if (o.zeroBetweenLayers && layer < L - 1) input = input.map((row) => row.map((v) => v.map(() => 0)));
  }
  return { out: input, hN, cN };
}

// ---- fixtures ------------------------------------------------------------------------------

/** Small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function rnd(r: () => number, shape: number[], scale = 1): any {
  if (shape.length === 0) return (2 * r() - 1) * scale;
  return Array.from({ length: shape[0] }, () => rnd(r, shape.slice(1), scale));
}
const transpose01 = <X>(a: X[][]): X[][] => a[0].map((_, j) => a.map((row) => row[j]));

const toRef = (w: RNNWeights): RefW => ({
  wIh: w.wIh.toArray() as Mat, wHh: w.wHh.toArray() as Mat,
  bIh: w.bIh ? (w.bIh.toArray() as Vec) : null, bHh: w.bHh ? (w.bHh.toArray() as Vec) : null,
});

interface LayerCase { mode: RNNMode; L: number; bi: boolean; bias: boolean; h0: boolean }
type AnyRNN = RNN | LSTM | GRU;

function make(mode: RNNMode, I: number, H: number, opts: ConstructorParameters<typeof LSTM>[2] = {}): AnyRNN {
  if (mode === 'LSTM') return new LSTM(I, H, opts);
  if (mode === 'GRU') return new GRU(I, H, opts);
  return new RNN(I, H, { ...opts, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
}

/** Runs any of the three modules with the same call shape: [output, hN, cN | null]. */
function runModule(m: AnyRNN, x: Tensor, h0: Tensor | null, c0: Tensor | null): [Tensor, Tensor, Tensor | null] {
  if (m instanceof LSTM) {
    const [out, [hN, cN]] = m.forward(x, h0 && c0 ? [h0, c0] : null);
    return [out, hN, cN];
  }
  const [out, hN] = m.forward(x, h0);
  return [out, hN, null];
}

const CASES: LayerCase[] = [
  { mode: 'LSTM', L: 1, bi: false, bias: true, h0: false },
  { mode: 'LSTM', L: 2, bi: true, bias: true, h0: true },
  { mode: 'LSTM', L: 1, bi: true, bias: false, h0: true },
  { mode: 'LSTM', L: 3, bi: false, bias: true, h0: true },
  { mode: 'GRU', L: 1, bi: false, bias: true, h0: false },
  { mode: 'GRU', L: 2, bi: true, bias: true, h0: true },
  { mode: 'GRU', L: 1, bi: false, bias: false, h0: true },
  { mode: 'RNN_TANH', L: 1, bi: false, bias: true, h0: false },
  { mode: 'RNN_TANH', L: 2, bi: true, bias: true, h0: true },
  { mode: 'RNN_RELU', L: 2, bi: false, bias: true, h0: true },
  { mode: 'RNN_RELU', L: 1, bi: true, bias: false, h0: false },
];
const caseName = (c: LayerCase): string =>
  `${c.mode} layers=${c.L}${c.bi ? ' bidirectional' : ''}${c.bias ? '' : ' no-bias'}${c.h0 ? ' given h0' : ''}`;

// ---- layers against the reference ----------------------------------------------------------

describeEachBackend('RNN / LSTM / GRU forward against the plain-JS gate equations', (bc) => {
  const T = 5, B = 3, I = 3, H = 4, tol = Math.max(2e-5, bc.tol);
  const dt = bc.float64 ? 'float64' : 'float32', t64 = bc.float64 ? 1e-12 : bc.tol;
  for (const c of CASES) {
    const D = c.bi ? 2 : 1;
    const setup = (batchFirst: boolean) => {
      manualSeed(11);
      const m = make(c.mode, I, H, { numLayers: c.L, bidirectional: c.bi, bias: c.bias, batchFirst });
      const r = rng(7);
      const x: number[][][] = rnd(r, [T, B, I]);
      const h0: number[][][] | undefined = c.h0 ? rnd(r, [c.L * D, B, H], 0.5) : undefined;
      const c0: number[][][] | undefined = c.h0 && c.mode === 'LSTM' ? rnd(r, [c.L * D, B, H], 0.5) : undefined;
      const ref = refRnn(c.mode, x, m.allWeights.map(toRef), { L: c.L, D, h0, c0 });
      return { m, x, h0, c0, ref };
    };
    it(`${caseName(c)}: (T, B, I) input`, () => {
      const { m, x, h0, c0, ref } = setup(false);
      const [out, hN, cN] = runModule(m, tensor(x), h0 ? tensor(h0) : null, c0 ? tensor(c0) : null);
      expect(out.shape).toEqual([T, B, D * H]);
      expect(hN.shape).toEqual([c.L * D, B, H]);
      expectClose(out, ref.out, tol, tol);
      expectClose(hN, ref.hN, tol, tol);
      if (c.mode === 'LSTM') expectClose(cN!, ref.cN, tol, tol);
      else expect(cN).toBeNull();
    });
    it(`${caseName(c)}: batchFirst (B, T, I) input, hN still (L·D, B, H)`, () => {
      const { m, x, h0, c0, ref } = setup(true);
      const [out, hN, cN] = runModule(m, tensor(transpose01(x)), h0 ? tensor(h0) : null, c0 ? tensor(c0) : null);
      expect(out.shape).toEqual([B, T, D * H]);
      expectClose(out, transpose01(ref.out), tol, tol);
      expectClose(hN, ref.hN, tol, tol);
      if (c.mode === 'LSTM') expectClose(cN!, ref.cN, tol, tol);
    });
    it(`${caseName(c)}: unbatched (T, I) input and (L·D, H) states`, () => {
      const { m, x, h0, c0 } = setup(false);
      const x1 = x.map((row) => [row[1]]); // batch row 1 only: (T, 1, I)
      const pick = (s?: number[][][]) => s?.map((l) => [l[1]]);
      const ref = refRnn(c.mode, x1, m.allWeights.map(toRef), { L: c.L, D, h0: pick(h0), c0: pick(c0) });
      const sq = (s?: number[][][]) => (s ? tensor(s.map((l) => l[1])) : null); // (L·D, H)
      const [out, hN, cN] = runModule(m, tensor(x1.map((row) => row[0])), sq(h0), sq(c0));
      expect(out.shape).toEqual([T, D * H]);
      expect(hN.shape).toEqual([c.L * D, H]);
      expectClose(out, ref.out, tol, tol);
      expectClose(hN, ref.hN, tol, tol);
      if (c.mode === 'LSTM') expectClose(cN!, ref.cN, tol, tol);
    });
  }

  it('float64 parameters and input agree with the reference to 1e-12 (2-layer bidirectional LSTM)', () => {
    manualSeed(3);
    const m = new LSTM(2, 3, { numLayers: 2, bidirectional: true, dtype: dt });
    const x: number[][][] = rnd(rng(5), [6, 2, 2]);
    const [out, [hN, cN]] = m.forward(tensor(x, { dtype: dt }));
    const ref = refRnn('LSTM', bc.float64 ? x : x.map((r) => r.map((v) => v.map(Math.fround))), m.allWeights.map(toRef), { L: 2, D: 2 });
    expectClose(out, ref.out, t64, t64);
    expectClose(hN, ref.hN, t64, t64);
    expectClose(cN, ref.cN, t64, t64);
  });

  it("GRU puts b_hn inside the reset gate: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))", () => {
    // H = I = 1, every weight and bias 0 except b_hn = 1: r = z = σ(0) = 0.5,
    // n = tanh(0.5 · 1), h1 = (1 − 0.5) n + 0.5 · 0 = 0.5 tanh(0.5)   (b_hn outside r: 0.5 tanh(1))
    const gru = new GRU(1, 1);
    gru.loadStateDict({
      weight_ih_l0: tensor([[0], [0], [0]]), weight_hh_l0: tensor([[0], [0], [0]]),
      bias_ih_l0: tensor([0, 0, 0]), bias_hh_l0: tensor([0, 0, 1]),
    });
    const [out] = gru.forward(tensor([[[2]]]));
    expectClose(out, [0.5 * Math.tanh(0.5)], bc.float64 ? 1e-7 : bc.tol, bc.float64 ? 1e-7 : bc.tol);
  });
});

// ---- parameters and PyTorch state dicts ----------------------------------------------------

describe('parameters: PyTorch names, shapes and init', () => {
  it('LSTM(3, 2, numLayers 2, bidirectional): the keys and shapes of torch.nn.LSTM, in its order', () => {
    const m = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const got = m.namedParameters().map(([n, p]) => `${n} ${JSON.stringify(p.shape)}`);
    expect(got).toEqual([
      'weight_ih_l0 [8,3]', 'weight_hh_l0 [8,2]', 'bias_ih_l0 [8]', 'bias_hh_l0 [8]',
      'weight_ih_l0_reverse [8,3]', 'weight_hh_l0_reverse [8,2]', 'bias_ih_l0_reverse [8]', 'bias_hh_l0_reverse [8]',
      'weight_ih_l1 [8,4]', 'weight_hh_l1 [8,2]', 'bias_ih_l1 [8]', 'bias_hh_l1 [8]',
      'weight_ih_l1_reverse [8,4]', 'weight_hh_l1_reverse [8,2]', 'bias_ih_l1_reverse [8]', 'bias_hh_l1_reverse [8]',
    ]);
  });
  it('GRU (3H rows), RNN (H rows), bias: false, and the cells', () => {
    expect(new GRU(5, 4).namedParameters().map(([n, p]) => `${n} ${JSON.stringify(p.shape)}`))
      .toEqual(['weight_ih_l0 [12,5]', 'weight_hh_l0 [12,4]', 'bias_ih_l0 [12]', 'bias_hh_l0 [12]']);
    expect(Object.keys(new RNN(5, 4, { numLayers: 2, bias: false }).stateDict()))
      .toEqual(['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1']);
    expect(new RNN(5, 4, { numLayers: 2 }).allWeights[1].wIh.shape).toEqual([4, 4]);
    expect(new LSTMCell(5, 4).namedParameters().map(([n, p]) => `${n} ${JSON.stringify(p.shape)}`))
      .toEqual(['weight_ih [16,5]', 'weight_hh [16,4]', 'bias_ih [16]', 'bias_hh [16]']);
    expect(Object.keys(new GRUCell(5, 4, { bias: false }).stateDict())).toEqual(['weight_ih', 'weight_hh']);
    expect(new RNNCell(5, 4).weightHh.shape).toEqual([4, 4]);
  });
  it('every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)): bounds and variance; resetParameters redraws', () => {
    manualSeed(0);
    const m = new LSTM(20, 16, { numLayers: 2 }); // bound 0.25, variance 0.25² / 3
    const vals = m.parameters().flatMap((p) => Array.from(p.dataSync()));
    expect(Math.max(...vals.map(Math.abs))).toBeLessThanOrEqual(0.25);
    const variance = vals.reduce((s, v) => s + v * v, 0) / vals.length;
    expect(Math.abs(variance / (0.0625 / 3) - 1)).toBeLessThan(0.05);
    const before = m.allWeights[0].bHh!.toArray();
    m.resetParameters();
    expect(m.allWeights[0].bHh!.toArray()).not.toEqual(before);
    const cell = new GRUCell(3, 100);
    expect(Math.max(...Array.from(cell.weightIh.dataSync()).map(Math.abs))).toBeLessThanOrEqual(0.1);
  });
});

describeEachBackend('a state dict under PyTorch keys loads strictly and gives the reference output', (bc) => {
  const tol = Math.max(2e-5, bc.tol);
  // "known numbers": value = 0.5 sin(1 + 0.7 i + 1.3 k) for element i of the k-th key
  const known = (shape: number[], k: number): any => {
    let i = 0;
    const build = (s: number[]): any => (s.length === 0 ? 0.5 * Math.sin(1 + 0.7 * i++ + 1.3 * k) : Array.from({ length: s[0] }, () => build(s.slice(1))));
    return build(shape);
  };
  const sd = (mode: RNNMode, I: number, H: number, L: number, D: number) => {
    const G = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 }[mode] * H;
    const dict: Record<string, Tensor> = {};
    const refs: RefW[] = [];
    let k = 0;
    for (let l = 0; l < L; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d ? '_reverse' : ''}`;
        const w: RefW = {
          wIh: known([G, l === 0 ? I : D * H], k++), wHh: known([G, H], k++), bIh: known([G], k++), bHh: known([G], k++),
        };
        Object.assign(dict, {
          [`weight_ih${sfx}`]: tensor(w.wIh), [`weight_hh${sfx}`]: tensor(w.wHh),
          [`bias_ih${sfx}`]: tensor(w.bIh!), [`bias_hh${sfx}`]: tensor(w.bHh!),
        });
        refs.push(w);
      }
    }
    return { dict, refs };
  };
  for (const mode of ['LSTM', 'GRU', 'RNN_TANH'] as RNNMode[]) {
    it(`${mode}: 2 layers, bidirectional`, () => {
      const { dict, refs } = sd(mode, 3, 2, 2, 2);
      const m = make(mode, 3, 2, { numLayers: 2, bidirectional: true });
      expect(m.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      const x: number[][][] = rnd(rng(9), [4, 2, 3]);
      const ref = refRnn(mode, x, refs, { L: 2, D: 2 });
      const [out, hN, cN] = runModule(m, tensor(x), null, null);
      expectClose(out, ref.out, tol, tol);
      expectClose(hN, ref.hN, tol, tol);
      if (mode === 'LSTM') expectClose(cN!, ref.cN, tol, tol);
      expectClose(m.stateDict().weight_hh_l1_reverse, refs[3].wHh, 1e-7, 0);
    });
  }
  it('a missing key, an unexpected key and a wrong shape are named', () => {
    const { dict } = sd('LSTM', 3, 2, 1, 1);
    const m = new LSTM(3, 2);
    const { bias_hh_l0: _dropped, ...missing } = dict;
    expect(() => m.loadStateDict(missing)).toThrow("loadStateDict: missing key(s): 'bias_hh_l0'");
    expect(() => m.loadStateDict({ ...dict, weight_ih_l0_reverse: dict.weight_ih_l0 })).toThrow("unexpected key(s): 'weight_ih_l0_reverse'");
    expect(() => new LSTM(3, 3).loadStateDict(dict)).toThrow("loadStateDict: size mismatch for 'weight_ih_l0': checkpoint has shape [8,3], the model has [12,3]");
  });
});

// ---- cells ---------------------------------------------------------------------------------

describeEachBackend('RNNCell / LSTMCell / GRUCell against the same reference step', (bc) => {
  const I = 3, H = 4, B = 2, tol = Math.max(2e-5, bc.tol);
  const cellCases: [string, RNNMode, boolean][] = [
    ['RNNCell tanh', 'RNN_TANH', true], ['RNNCell relu', 'RNN_RELU', true], ['RNNCell no bias', 'RNN_TANH', false],
    ['LSTMCell', 'LSTM', true], ['LSTMCell no bias', 'LSTM', false], ['GRUCell', 'GRU', true], ['GRUCell no bias', 'GRU', false],
  ];
  for (const [name, mode, bias] of cellCases) {
    it(`${name}: batched with a given state, unbatched, and zeros by default`, () => {
      manualSeed(4);
      const cell = mode === 'LSTM' ? new LSTMCell(I, H, { bias }) : mode === 'GRU' ? new GRUCell(I, H, { bias })
        : new RNNCell(I, H, { bias, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
      const w = toRef({ wIh: cell.weightIh, wHh: cell.weightHh, bIh: cell.biasIh, bHh: cell.biasHh });
      const r = rng(21);
      const x: Mat = rnd(r, [B, I]), h: Mat = rnd(r, [B, H]), c: Mat = rnd(r, [B, H]);
      const refs = x.map((xb, b) => refStep(mode, xb, h[b], c[b], w));
      const zeroRef = refStep(mode, x[0], zerosV(H), zerosV(H), w);
      if (cell instanceof LSTMCell) {
        const [h1, c1] = cell.forward(tensor(x), [tensor(h), tensor(c)]);
        expectClose(h1, refs.map((s) => s.h), tol, tol);
        expectClose(c1, refs.map((s) => s.c), tol, tol);
        const [hu, cu] = cell.forward(tensor(x[1]), [tensor(h[1]), tensor(c[1])]);
        expect(hu.shape).toEqual([H]);
        expectClose(hu, refs[1].h, tol, tol);
        expectClose(cu, refs[1].c, tol, tol);
        const [hz, cz] = cell.forward(tensor([x[0]]));
        expectClose(hz, [zeroRef.h], tol, tol);
        expectClose(cz, [zeroRef.c], tol, tol);
      } else {
        const h1 = cell.forward(tensor(x), tensor(h));
        expect(h1.shape).toEqual([B, H]);
        expectClose(h1, refs.map((s) => s.h), tol, tol);
        const hu = cell.forward(tensor(x[1]), tensor(h[1]));
        expect(hu.shape).toEqual([H]);
        expectClose(hu, refs[1].h, tol, tol);
        expectClose(cell.forward(tensor(x[0])), zeroRef.h, tol, tol);
      }
    });
  }
});

// ---- gradients -----------------------------------------------------------------------------

const leaf = (r: () => number, shape: number[], scale = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor => tensor(rnd(r, shape, scale), { dtype, requiresGrad: true });
const weightList = (ws: RNNWeights[]): Tensor[] => ws.flatMap((w) => [w.wIh, w.wHh, w.bIh, w.bHh].filter((t): t is Tensor => t !== null));
/** Regroups a flat list of tensors into RNNWeights, 4 (or 2 without bias) per layer·direction. */
function regroup(flat: Tensor[], bias: boolean): RNNWeights[] {
  const n = bias ? 4 : 2, out: RNNWeights[] = [];
  for (let k = 0; k < flat.length; k += n) out.push({ wIh: flat[k], wHh: flat[k + 1], bIh: bias ? flat[k + 2] : null, bHh: bias ? flat[k + 3] : null });
  return out;
}

describeEachBackend('gradcheck (float64, or float32 vs cpu) w.r.t. input, state and every parameter', (bc) => {
  const I = 2, H = 2, B = 2;
  for (const mode of ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'] as RNNMode[]) {
    it(`${mode} cell`, () => {
      const fn = (...ts: Tensor[]): Tensor => {
        const [xx, hh, cc, wIh, wHh, bIh, bHh] = ts;
        const w = { wIh, wHh, bIh, bHh };
        if (mode === 'LSTM') return cat(lstmCell(xx, [hh, cc], w), 1);
        return mode === 'GRU' ? gruCell(xx, hh, w) : rnnCell(xx, hh, w, mode === 'RNN_RELU' ? 'relu' : 'tanh');
      };
      expectGradcheck(bc, (dtype) => {
        manualSeed(8);
        const r = rng(13);
        const cell = mode === 'LSTM' ? new LSTMCell(I, H, { dtype }) : mode === 'GRU' ? new GRUCell(I, H, { dtype })
          : new RNNCell(I, H, { dtype, nonlinearity: mode === 'RNN_RELU' ? 'relu' : 'tanh' });
        const x = leaf(r, [B, I], 1, dtype), h = leaf(r, [B, H], 1, dtype), c = leaf(r, [B, H], 1, dtype);
        return { fn, inputs: [x, h, c, ...cell.parameters()] };
      });
    });
  }
  const layerCases: [RNNMode, number, boolean, boolean][] = [
    ['LSTM', 2, true, true], ['GRU', 2, true, true], ['RNN_TANH', 2, true, true], ['RNN_RELU', 1, false, true], ['LSTM', 1, false, false],
  ];
  for (const [mode, L, bi, bias] of layerCases) {
    it(`${mode} layer, ${L} layer(s)${bi ? ', bidirectional' : ''}${bias ? '' : ', no bias'}: output, hN and cN`, () => {
      const D = bi ? 2 : 1, T = 3;
      const fn = (...ts: Tensor[]): Tensor => {
        const [xx, hh, cc, ...flat] = ts;
        const [out, finals] = rnnForward(mode, xx, mode === 'LSTM' ? [hh, cc] : [hh], regroup(flat, bias), { numLayers: L, bidirectional: bi });
        return cat([out.flatten(), ...finals.map((f) => f.flatten())], 0);
      };
      expectGradcheck(bc, (dtype) => {
        manualSeed(9);
        const m = make(mode, I, H, { numLayers: L, bidirectional: bi, bias, dtype });
        const r = rng(17);
        const x = leaf(r, [T, B, I], 1, dtype), h0 = leaf(r, [L * D, B, H], 0.5, dtype), c0 = leaf(r, [L * D, B, H], 0.5, dtype);
        return { fn, inputs: [x, h0, c0, ...weightList(m.allWeights)] };
      });
    });
  }
  it('batchFirst and unbatched inputs (GRU)', () => {
    const setup = (dtype: 'float32' | 'float64') => {
      manualSeed(10);
      const m = new GRU(I, H, { dtype, batchFirst: true });
      const r = rng(19);
      return { m, xb: leaf(r, [B, 3, I], 1, dtype), xu: leaf(r, [3, I], 1, dtype), hu: leaf(r, [1, H], 1, dtype) };
    };
    expectGradcheck(bc, (dtype) => {
      const { m, xb } = setup(dtype);
      return { fn: (x) => m.forward(x)[0], inputs: [xb], params: m.parameters() };
    });
    expectGradcheck(bc, (dtype) => {
      const { m, xu, hu } = setup(dtype);
      return { fn: (x, h) => m.forward(x, h)[0], inputs: [xu, hu], params: m.parameters() };
    });
  });
});

// ---- dropout between layers ----------------------------------------------------------------

describeEachBackend('dropout between layers, only in training', (bc) => {
  const tol = Math.max(2e-5, bc.tol);
  const T = 4, B = 2, I = 3, H = 3;
  const x: number[][][] = rnd(rng(31), [T, B, I]);
  for (const mode of ['LSTM', 'GRU'] as RNNMode[]) {
    it(`${mode}: dropout 1 zeroes layer 1's input in train mode; eval mode is the plain forward`, () => {
      manualSeed(12);
      const m = make(mode, I, H, { numLayers: 2, dropout: 1 });
      const ws = m.allWeights.map(toRef);
      const [outTrain, hTrain] = runModule(m, tensor(x), null, null);
      const dropped = refRnn(mode, x, ws, { L: 2, zeroBetweenLayers: true });
      expectClose(outTrain, dropped.out, tol, tol);
      expectClose(hTrain, dropped.hN, tol, tol); // layer 0's hN is untouched by the dropout after it
      m.eval();
      const plain = refRnn(mode, x, ws, { L: 2 });
      expectClose(runModule(m, tensor(x), null, null)[0], plain.out, tol, tol);
    });
  }
  it('dropout 0.5: train and eval differ only above layer 0; no dropout after the last layer', () => {
    manualSeed(13);
    const m = new LSTM(I, H, { numLayers: 2, dropout: 0.5 });
    const [outT, [hT]] = m.forward(tensor(x));
    const [outE, [hE]] = m.eval().forward(tensor(x));
    expectClose(hT.select(0, 0), hE.select(0, 0).toArray() as number[][], 1e-7, 0);
    const diff = outT.sub(outE).abs().max().item();
    expect(diff).toBeGreaterThan(1e-3);
    const one = new GRU(I, H, { dropout: 0.5 }); // a single layer: nothing to drop
    expectClose(one.forward(tensor(x))[0], one.eval().forward(tensor(x))[0].toArray() as number[][][], 0, 0);
  });
});

// ---- backprop through 1000 time steps ------------------------------------------------------

/** Hand-written BPTT of a 1-layer LSTM for loss = Σ_t,b,j out[t][b][j] · wl[t][b][j]. */
function lstmBptt(x: number[][][], w: RefW, wl: number[][][]) {
  const T = x.length, B = x[0].length, I = x[0][0].length, H = w.wHh[0].length;
  const dWih = w.wIh.map((row) => row.map(() => 0)), dWhh = w.wHh.map((row) => row.map(() => 0));
  const db = zerosV(4 * H);
  const dx = x.map((row) => row.map(() => zerosV(I)));
  const dh0: Mat = [], dc0: Mat = [];
  for (let b = 0; b < B; b++) {
    // forward, keeping every step's gates and states
    const hs: Vec[] = [zerosV(H)], cs: Vec[] = [zerosV(H)], gates: Vec[][] = [];
    for (let t = 0; t < T; t++) {
      const a = affine(w.wIh, x[t][b], w.bIh).map((v, k) => v + affine(w.wHh, hs[t], w.bHh)[k]);
      const i = a.slice(0, H).map(sigmoid), f = a.slice(H, 2 * H).map(sigmoid);
      const g = a.slice(2 * H, 3 * H).map(Math.tanh), o = a.slice(3 * H).map(sigmoid);
      cs.push(f.map((fj, j) => fj * cs[t][j] + i[j] * g[j]));
      hs.push(o.map((oj, j) => oj * Math.tanh(cs[t + 1][j])));
      gates.push([i, f, g, o]);
    }
    // backward: dh and dc flow from step t+1 into step t
    let dhNext = zerosV(H), dcNext = zerosV(H);
    for (let t = T - 1; t >= 0; t--) {
      const [i, f, g, o] = gates[t];
      const dh = wl[t][b].map((v, j) => v + dhNext[j]);
      const tc = cs[t + 1].map(Math.tanh);
      const dc = dh.map((d, j) => d * o[j] * (1 - tc[j] ** 2) + dcNext[j]);
      const da = [
        ...dc.map((d, j) => d * g[j] * i[j] * (1 - i[j])), //    di · σ'
        ...dc.map((d, j) => d * cs[t][j] * f[j] * (1 - f[j])), // df · σ'
        ...dc.map((d, j) => d * i[j] * (1 - g[j] ** 2)), //      dg · tanh'
        ...dh.map((d, j) => d * tc[j] * o[j] * (1 - o[j])), //   do · σ'
      ];
      da.forEach((d, r) => {
        db[r] += d;
        for (let k = 0; k < I; k++) { dWih[r][k] += d * x[t][b][k]; dx[t][b][k] += d * w.wIh[r][k]; }
        for (let k = 0; k < H; k++) dWhh[r][k] += d * hs[t][k];
      });
      dhNext = zerosV(H).map((_, k) => da.reduce((s, d, r) => s + d * w.wHh[r][k], 0));
      dcNext = dc.map((d, j) => d * f[j]);
    }
    dh0.push(dhNext);
    dc0.push(dcNext);
  }
  return { dWih, dWhh, db, dx, dh0, dc0 };
}

describeEachBackend('backprop through 1000 time steps', (bc) => {
  it('relu RNN with unit weights: h_t = t, so dL/dW_hh = T(T-1)/2, dL/dW_ih = dL/db = T, dL/dx_t = 1', () => {
    const T = 1000;
    const rnn = new RNN(1, 1, { nonlinearity: 'relu' });
    rnn.loadStateDict({ weight_ih_l0: tensor([[1]]), weight_hh_l0: tensor([[1]]), bias_ih_l0: tensor([0]), bias_hh_l0: tensor([0]) });
    const x = tensor(new Float32Array(T).fill(1), { shape: [T, 1, 1], requiresGrad: true });
    const h0 = tensor([[[0]]], { requiresGrad: true });
    const [out, hN] = rnn.forward(x, h0);
    expect(hN.item()).toBe(T);
    expect(out.select(0, 9).item()).toBe(10);
    hN.sum().backward(); // L = h_T
    expect(rnn.allWeights[0].wHh.grad!.item()).toBe((T * (T - 1)) / 2);
    expect(rnn.allWeights[0].wIh.grad!.item()).toBe(T);
    expect(rnn.allWeights[0].bHh!.grad!.item()).toBe(T);
    expect(Array.from(x.grad!.dataSync()).every((g) => g === 1)).toBe(true);
    expect(h0.grad!.item()).toBe(1);
  });

  // (without float64: float32 over T = 50, the hand BPTT fed the float32-rounded values)
  it(`LSTM, T = ${bc.float64 ? 1000 : 50}, ${bc.float64 ? 'float64' : 'float32'}: every gradient equals a hand-written BPTT (and time grows about linearly)`, () => {
    const B = 2, I = 3, H = 4, dtype = bc.float64 ? 'float64' : 'float32';
    const round = (a: any): any => (Array.isArray(a) ? a.map(round) : bc.float64 ? a : Math.fround(a));
    const timed = (T: number) => {
      manualSeed(21);
      const lstm = new LSTM(I, H, { dtype });
      const r = rng(23);
      const x: number[][][] = round(rnd(r, [T, B, I])), wl: number[][][] = round(rnd(r, [T, B, H]));
      const xt = tensor(x, { dtype, requiresGrad: true });
      const h0 = tensor(rnd(r, [1, B, H], 0), { dtype, requiresGrad: true });
      const c0 = tensor(rnd(r, [1, B, H], 0), { dtype, requiresGrad: true });
      const t0 = performance.now();
      const [out] = lstm.forward(xt, [h0, c0]);
      out.mul(tensor(wl, { dtype })).sum().backward();
      return { ms: performance.now() - t0, lstm, x, wl, xt, h0, c0 };
    };
    const [T1, T2] = bc.float64 ? [250, 1000] : [12, 50];
    const short = timed(T1);
    const { ms, lstm, x, wl, xt, h0, c0 } = timed(T2);
    console.log(`LSTM BPTT forward+backward [${bc.name}]: T=${T1} ${short.ms.toFixed(0)} ms, T=${T2} ${ms.toFixed(0)} ms`);
    const w = lstm.allWeights[0];
    const ref = lstmBptt(x, toRef(w), wl);
    const close = (g: Tensor, e: any, what: string): void => {
      if (bc.float64) expectClose(g, e, 1e-9, 1e-9);
      else expectCloseScaled(g.dataSync(), (e as any[]).flat(3) as number[], bc.tol, what);
    };
    close(w.wIh.grad!, ref.dWih, 'dW_ih');
    close(w.wHh.grad!, ref.dWhh, 'dW_hh');
    close(w.bIh!.grad!, ref.db, 'db_ih');
    close(w.bHh!.grad!, ref.db, 'db_hh');
    close(xt.grad!, ref.dx, 'dx');
    close(h0.grad!, [ref.dh0], 'dh0');
    close(c0.grad!, [ref.dc0], 'dc0');
    expect(Array.from(xt.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

// ---- errors --------------------------------------------------------------------------------

describe('errors name the op and the shapes', () => {
  it('layers: input features, input ndim, h0 / c0 shapes, dtype, the LSTM state pair', () => {
    const lstm = new LSTM(4, 5, { numLayers: 2 });
    const x = tensor(new Float32Array(3 * 2 * 4), { shape: [3, 2, 4] });
    expect(() => lstm.forward(tensor(new Float32Array(30), { shape: [3, 2, 5] }))).toThrow('LSTM: input has 5 features, expected 4');
    expect(() => lstm.forward(tensor(new Float32Array(24), { shape: [1, 3, 2, 4] }))).toThrow('LSTM: expected input to be 2-D (T, I) or 3-D (T, B, I), got 4-D input of shape [1,3,2,4]');
    const s = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), { shape });
    expect(() => lstm.forward(x, [s([1, 2, 5]), s([2, 2, 5])])).toThrow('LSTM: expected h0 of shape [2,2,5], got [1,2,5]');
    expect(() => lstm.forward(x, [s([2, 2, 5]), s([2, 3, 5])])).toThrow('LSTM: expected c0 of shape [2,2,5], got [2,3,5]');
    expect(() => lstm.forward(x, [s([2, 2, 5])] as unknown as [Tensor, Tensor])).toThrow('LSTM: the state must be [h0, c0]');
    const gru = new GRU(4, 5);
    expect(() => gru.forward(s([3, 4]), s([1, 1, 5]))).toThrow('GRU: expected h0 of shape [1,5], got [1,1,5]');
    expect(() => gru.forward(s([3, 2, 4]), s([1, 5]))).toThrow('GRU: expected h0 of shape [1,2,5], got [1,5]');
    expect(() => new RNN(4, 5).forward(x.double())).toThrow('RNN: input has dtype float64, but the weights are float32');
    expect(() => new RNN(4, 5).forward(s([0, 2, 4]))).toThrow('RNN: input [0,2,4] has no time steps');
  });
  it('constructors: nonlinearity, dropout, sizes', () => {
    expect(() => new RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow("RNN: unknown nonlinearity 'sigmoid'; select 'tanh' or 'relu'");
    expect(() => new RNNCell(3, 4, { nonlinearity: 'gelu' as 'tanh' })).toThrow("RNNCell: unknown nonlinearity 'gelu'; select 'tanh' or 'relu'");
    expect(() => new LSTM(3, 4, { dropout: 1.5 })).toThrow('LSTM: dropout must be a number in [0, 1], got 1.5');
    expect(() => new GRU(3, 0)).toThrow('GRU: hiddenSize must be an integer >= 1, got 0');
    expect(() => new LSTM(3, 4, { numLayers: 0 })).toThrow('LSTM: numLayers must be an integer >= 1, got 0');
    expect(() => new LSTMCell(2.5, 4)).toThrow('LSTMCell: inputSize must be an integer >= 0, got 2.5');
  });
  it('cells: input features, input ndim, state shapes, dtype', () => {
    const s = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), { shape });
    expect(() => new LSTMCell(3, 4).forward(s([2, 2]))).toThrow('LSTMCell: input has 2 features, expected 3');
    expect(() => new GRUCell(3, 4).forward(s([1, 2, 3]))).toThrow('GRUCell: expected input to be 1-D (I) or 2-D (B, I), got 3-D input of shape [1,2,3]');
    expect(() => new RNNCell(3, 4).forward(s([2, 3]), s([3, 4]))).toThrow('RNNCell: expected h of shape [2,4], got [3,4]');
    expect(() => new RNNCell(3, 4).forward(s([3]), s([1, 4]))).toThrow('RNNCell: expected h of shape [4], got [1,4]');
    expect(() => new LSTMCell(3, 4).forward(s([2, 3]), [s([2, 4]), s([2, 5])])).toThrow('LSTMCell: expected c of shape [2,4], got [2,5]');
    expect(() => new GRUCell(3, 4).forward(s([2, 3]), s([2, 4]).double())).toThrow('GRUCell: h has dtype float64, but the weights are float32');
  });
});
