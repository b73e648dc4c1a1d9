// rnn_cells.ts — one time step of the Elman RNN, the LSTM and the GRU written as their gate
// equations (rnnStep, lstmStep, gruStep); the cells built on them (functional rnnCell,
// lstmCell, gruCell and the RNNCell, LSTMCell, GRUCell modules). Sequences are walked step by
// step with Tensor.unbind, whose backward is linear in the length. docs/lstm.md.
// Shapes: B batch, I input features (inputSize), H hidden features (hiddenSize),
// G = gates·H: H for the RNN, 4H for the LSTM (i, f, g, o), 3H for the GRU (r, z, n).
// Reference: torch.nn.RNNCell / LSTMCell / GRUCell (formulas, parameter names, init).

import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { zeros } from '../tensor/creation.js';
import { checkSameDtype } from '../check.js';
import { Module, Parameter } from './module.js';
import { linear } from './linear.js';
import { uniform } from './init.js';

export type Nonlinearity = 'tanh' | 'relu';

/** One layer·direction's (or one cell's) weights: W_ih (G, I), W_hh (G, H), b_ih (G), b_hh (G). */
export interface RNNWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

// ---- one time step -------------------------------------------------------------------------
// Each step takes xW = x W_ih^T + b_ih, the input's share of the gates, computed beforehand
// (by the cells below for one step, by rnn.ts for all time steps in one matmul).

/**
 * Elman RNN step: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.
 *
 * Shape: xW (B, H), h (B, H), wHh (H, H), bHh (H) -> h' (B, H).
 */
export function rnnStep(xW: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null, nonlinearity: Nonlinearity): Tensor {
  const a = xW.add(linear(h, wHh, bHh)); // (B, H)
  return nonlinearity === 'tanh' ? a.tanh() : a.relu();
}

/**
 * LSTM step (gates in PyTorch's order i, f, g, o along the 4H rows of the weights):
 *   i  = σ(W_ii x + b_ii + W_hi h + b_hi)        input gate
 *   f  = σ(W_if x + b_if + W_hf h + b_hf)        forget gate
 *   g  = tanh(W_ig x + b_ig + W_hg h + b_hg)     candidate cell
 *   o  = σ(W_io x + b_io + W_ho h + b_ho)        output gate
 *   c' = f ⊙ c + i ⊙ g
 *   h' = o ⊙ tanh(c')
 *
 * Shape: xW (B, 4H), h (B, H), c (B, H), wHh (4H, H), bHh (4H) -> [h' (B, H), c' (B, H)].
 */
export function lstmStep(xW: Tensor, h: Tensor, c: Tensor, wHh: Tensor, bHh: Tensor | null): [Tensor, Tensor] {
  const [B, H] = h.shape;
  const gates = xW.add(linear(h, wHh, bHh)).reshape(B, 4, H); // (B, 4H) -> (B, 4, H)
  const [gi, gf, gg, go] = gates.unbind(1); //                     4 × (B, H)
  const i = gi.sigmoid();
  const f = gf.sigmoid();
  const g = gg.tanh();
  const o = go.sigmoid();
  const cNext = f.mul(c).add(i.mul(g));
  const hNext = o.mul(cNext.tanh());
  return [hNext, cNext];
}

/**
 * GRU step (gates in PyTorch's order r, z, n along the 3H rows of the weights):
 *   r  = σ(W_ir x + b_ir + W_hr h + b_hr)           reset gate
 *   z  = σ(W_iz x + b_iz + W_hz h + b_hz)           update gate
 *   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate; b_hn is inside the reset gate
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Shape: xW (B, 3H), h (B, H), wHh (3H, H), bHh (3H) -> h' (B, H).
 */
export function gruStep(xW: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const [B, H] = h.shape;
  const [xr, xz, xn] = xW.reshape(B, 3, H).unbind(1); //                   (B, 3H) -> 3 × (B, H)
  const [hr, hz, hn] = linear(h, wHh, bHh).reshape(B, 3, H).unbind(1); // (B, 3H) -> 3 × (B, H)
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.mul(z.neg().add(1)).add(z.mul(h));
}

// ---- argument checks -----------------------------------------------------------------------

export function checkSize(op: string, name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new Error(`${op}: ${name} must be an integer >= ${min}, got ${n}`);
}

export function checkNonlinearity(op: string, nl: unknown): Nonlinearity {
  if (nl !== 'tanh' && nl !== 'relu') throw new Error(`${op}: unknown nonlinearity '${String(nl)}'; select 'tanh' or 'relu'`);
  return nl;
}


/**
 * Checks a cell's input x, (B, I) or unbatched (I), and its states, (B, H) or (H), against the
 * weights; returns them 2-D (unbatched input becomes a batch of one) with zeros for missing states.
 */
function cellArgs(op: string, x: Tensor, states: (Tensor | null)[], names: string[], w: RNNWeights): { x: Tensor; states: Tensor[]; batched: boolean } {
  const I = w.wIh.shape[1], H = w.wHh.shape[1];
  if (x.ndim !== 1 && x.ndim !== 2) throw new Error(`${op}: expected input to be 1-D (I) or 2-D (B, I), got ${x.ndim}-D input of shape ${fmt(x.shape)}`);
  if (x.shape[x.ndim - 1] !== I) throw new Error(`${op}: input has ${x.shape[x.ndim - 1]} features, expected ${I}`);
  checkSameDtype(op, 'input', x, w.wIh);
  const batched = x.ndim === 2;
  const x2 = batched ? x : x.unsqueeze(0); // (I) -> (1, I)
  const B = x2.shape[0];
  const expected = batched ? [B, H] : [H];
  const states2 = states.map((s, k) => {
    if (!s) return zeros([B, H], { like: x });
    if (!sameShape(s.shape, expected)) throw new Error(`${op}: expected ${names[k]} of shape ${fmt(expected)}, got ${fmt(s.shape)}`);
    checkSameDtype(op, names[k], s, w.wIh);
    return batched ? s : s.unsqueeze(0); // (H) -> (1, H)
  });
  return { x: x2, states: states2, batched };
}

// ---- functional cells ----------------------------------------------------------------------

/** RNNCell's math: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh). Shape: x (B, I) or (I), h like h'. */
export function rnnCell(x: Tensor, h: Tensor | null, w: RNNWeights, nonlinearity: Nonlinearity = 'tanh'): Tensor {
  const a = cellArgs('RNNCell', x, [h], ['h'], w);
  const hNext = rnnStep(linear(a.x, w.wIh, w.bIh), a.states[0], w.wHh, w.bHh, checkNonlinearity('RNNCell', nonlinearity));
  return a.batched ? hNext : hNext.squeeze(0); // (1, H) -> (H)
}

/** LSTMCell's math (lstmStep on one input). Shape: x (B, I) or (I); h, c (B, H) or (H). */
export function lstmCell(x: Tensor, hx: [Tensor, Tensor] | null, w: RNNWeights): [Tensor, Tensor] {
  if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTMCell: the state must be [h, c]');
  const a = cellArgs('LSTMCell', x, hx ?? [null, null], ['h', 'c'], w);
  const [h, c] = lstmStep(linear(a.x, w.wIh, w.bIh), a.states[0], a.states[1], w.wHh, w.bHh);
  return a.batched ? [h, c] : [h.squeeze(0), c.squeeze(0)]; // (1, H) -> (H)
}

/** GRUCell's math (gruStep on one input). Shape: x (B, I) or (I), h (B, H) or (H). */
export function gruCell(x: Tensor, h: Tensor | null, w: RNNWeights): Tensor {
  const a = cellArgs('GRUCell', x, [h], ['h'], w);
  const hNext = gruStep(linear(a.x, w.wIh, w.bIh), a.states[0], w.wHh, w.bHh);
  return a.batched ? hNext : hNext.squeeze(0); // (1, H) -> (H)
}

// ---- cell modules --------------------------------------------------------------------------

/** Every weight and bias of a recurrent layer ~ U(-1/sqrt(H), 1/sqrt(H)), as PyTorch. */
export function resetRecurrent(params: Tensor[], hiddenSize: number): void {
  const k = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
  for (const p of params) uniform(p, -k, k);
}

export interface RNNCellOptions {
  /** learn the biases b_ih and b_hh (default true) */
  bias?: boolean;
  /** dtype of the parameters (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

/** Holds weight_ih (G, I), weight_hh (G, H), bias_ih (G), bias_hh (G) under PyTorch's keys. */
abstract class RNNCellBase extends Module {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;

  constructor(op: string, readonly inputSize: number, readonly hiddenSize: number, gates: number, opts: RNNCellOptions) {
    super();
    checkSize(op, 'inputSize', inputSize, 0);
    checkSize(op, 'hiddenSize', hiddenSize, 1);
    const dtype = opts.dtype ?? 'float32', bias = opts.bias ?? true, G = gates * hiddenSize;
    this.weightIh = this.registerParameter('weight_ih', new Parameter(zeros([G, inputSize], { dtype })));
    this.weightHh = this.registerParameter('weight_hh', new Parameter(zeros([G, hiddenSize], { dtype })));
    this.biasIh = bias ? this.registerParameter('bias_ih', new Parameter(zeros([G], { dtype }))) : null;
    this.biasHh = bias ? this.registerParameter('bias_hh', new Parameter(zeros([G], { dtype }))) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetRecurrent(this.parameters(), this.hiddenSize);
  }

  protected get weights(): RNNWeights {
    return { wIh: this.weightIh, wHh: this.weightHh, bIh: this.biasIh, bHh: this.biasHh };
  }
}

/**
 * Elman RNN cell: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
 *
 * Parameters: weight_ih (H, I), weight_hh (H, H), bias_ih (H), bias_hh (H), all U(±1/sqrt(H)).
 *
 * Shape: x (B, I) or (I); h (B, H) or (H), zeros when omitted -> h' like h.
 *
 * @example
 *   const cell = new RNNCell(3, 5);
 *   cell.forward(randn([2, 3])).shape; // [2, 5]
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: Nonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions & { nonlinearity?: Nonlinearity } = {}) {
    super('RNNCell', inputSize, hiddenSize, 1, opts);
    this.nonlinearity = checkNonlinearity('RNNCell', opts.nonlinearity ?? 'tanh');
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor {
    return rnnCell(x, h, this.weights, this.nonlinearity);
  }
}

/**
 * LSTM cell: the gates i, f, g, o of `lstmStep`, then c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
 *
 * Parameters: weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H), bias_hh (4H), rows in i, f,
 * g, o order, all U(±1/sqrt(H)).
 *
 * Shape: x (B, I) or (I); [h, c] each (B, H) or (H), zeros when omitted -> [h', c'] like h.
 *
 * @example
 *   const cell = new LSTMCell(3, 5);
 *   const [h, c] = cell.forward(randn([2, 3]));   // h, c: [2, 5]
 *   cell.forward(randn([2, 3]), [h, c]);          // the next step
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('LSTMCell', inputSize, hiddenSize, 4, opts);
  }
  forward(x: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    return lstmCell(x, hx, this.weights);
  }
}

/**
 * GRU cell: r, z, n of `gruStep` (b_hn inside the reset gate), then h' = (1 − z) ⊙ n + z ⊙ h.
 *
 * Parameters: weight_ih (3H, I), weight_hh (3H, H), bias_ih (3H), bias_hh (3H), rows in r, z, n
 * order, all U(±1/sqrt(H)).
 *
 * Shape: x (B, I) or (I); h (B, H) or (H), zeros when omitted -> h' like h.
 *
 * @example
 *   const cell = new GRUCell(3, 5);
 *   cell.forward(randn([3])).shape; // [5]  (unbatched)
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super('GRUCell', inputSize, hiddenSize, 3, opts);
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor {
    return gruCell(x, h, this.weights);
  }
}
