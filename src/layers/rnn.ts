// rnn.ts — multi-layer, optionally bidirectional RNN / LSTM / GRU over whole sequences: the
// functional `rnnForward` and the RNN, LSTM and GRU modules holding PyTorch's weights. Each
// layer·direction projects the input of all time steps in one matmul, then loops over time with
// the steps of rnn_cells.ts (one h W_hh^T per step). docs/lstm.md walks through it and its BPTT.
// Shapes: T time steps, B batch, I input features, H hidden, L = numLayers, D = 2 if
// bidirectional else 1, G = gates·H (H RNN, 4H LSTM, 3H GRU). Reference: torch.nn.RNN/LSTM/GRU.

import { Tensor } from '../tensor/tensor.js';
import { fmt, sameShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { zeros } from '../tensor/creation.js';
import { cat, stack } from '../autograd/ops/movement.js';
import { checkSameDtype } from '../check.js';
import { Module, Parameter } from './module.js';
import { linear } from './linear.js';
import { dropout } from './dropout.js';
import {
  checkNonlinearity, checkSize, gruStep, lstmStep, resetRecurrent, rnnStep,
  type Nonlinearity, type RNNWeights,
} from './rnn_cells.js';

/** PyTorch's mode names: which step runs, and how many gates it has. */
export type RNNMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<RNNMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const opName = (mode: RNNMode): string => (mode.startsWith('RNN') ? 'RNN' : mode);

export interface RNNForwardOptions {
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  /** dropout probability on the outputs of every layer but the last (default 0) */
  dropout?: number;
  /** apply that dropout (default false) */
  training?: boolean;
}

/**
 * One layer in one direction over the whole sequence; `reverse` walks t = T-1 … 0.
 *
 * Shape: input (T, B, I), h0 (B, H), c0 (B, H) (LSTM only) -> out (T, B, H), and the last
 * states h, c (B, H) (for `reverse`, the states after reading x_0).
 */
function runDirection(mode: RNNMode, input: Tensor, h0: Tensor, c0: Tensor | null, w: RNNWeights, reverse: boolean): { out: Tensor; h: Tensor; c: Tensor | null } {
  const [T, B, I] = input.shape;
  // the input's share of the gates for every time step at once: x W_ih^T + b_ih
  const xW = linear(input.reshape(T * B, I), w.wIh, w.bIh).reshape(T, B, -1); // (T·B, I) -> (T·B, G) -> (T, B, G)
  const xWs = xW.unbind(0); //                                                  T × (B, G)
  const hs = new Array<Tensor>(T);
  let h = h0, c = c0;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    if (mode === 'LSTM') [h, c] = lstmStep(xWs[t], h, c!, w.wHh, w.bHh);
    else if (mode === 'GRU') h = gruStep(xWs[t], h, w.wHh, w.bHh);
    else h = rnnStep(xWs[t], h, w.wHh, w.bHh, mode === 'RNN_TANH' ? 'tanh' : 'relu');
    hs[t] = h;
  }
  return { out: stack(hs, 0), h, c }; // T × (B, H) -> (T, B, H)
}

/**
 * The math of RNN / LSTM / GRU (PyTorch's _VF.rnn_tanh / lstm / gru): runs `numLayers` layers,
 * each in one or two directions, the next layer reading the outputs of both directions.
 * `weights` lists one RNNWeights per layer·direction, layer-major (l0, l0_reverse, l1, …).
 * `hx` is [h0] ([h0, c0] for LSTM) or null for zeros. Returns [output, [hN]] ([hN, cN] for LSTM).
 *
 * Shape: x (T, B, I), (B, T, I) with batchFirst, or unbatched (T, I); h0, c0 (L·D, B, H) or
 * (L·D, H) -> output (T, B, D·H) ((B, T, D·H) with batchFirst, (T, D·H) unbatched); hN, cN like h0.
 */
export function rnnForward(mode: RNNMode, x: Tensor, hx: (Tensor | null)[] | null, weights: RNNWeights[], opts: RNNForwardOptions = {}): [Tensor, Tensor[]] {
  const op = opName(mode);
  const L = opts.numLayers ?? 1, D = opts.bidirectional ? 2 : 1;
  if (weights.length !== L * D) throw new Error(`${op}: expected ${L * D} sets of weights (numLayers·directions), got ${weights.length}`);
  const I = weights[0].wIh.shape[1], H = weights[0].wHh.shape[1];
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${op}: expected input to be 2-D (T, I) or 3-D (T, B, I), got ${x.ndim}-D input of shape ${fmt(x.shape)}`);
  if (x.shape[x.ndim - 1] !== I) throw new Error(`${op}: input has ${x.shape[x.ndim - 1]} features, expected ${I}`);
  checkSameDtype(op, 'input', x, weights[0].wIh);
  const batched = x.ndim === 3;
  const seq = !batched ? x.unsqueeze(1) : opts.batchFirst ? x.transpose(0, 1) : x; // (T, I) -> (T, 1, I); (B, T, I) -> (T, B, I)
  const [T, B] = seq.shape;
  if (T === 0) throw new Error(`${op}: input ${fmt(x.shape)} has no time steps`);

  const names = mode === 'LSTM' ? ['h0', 'c0'] : ['h0'];
  const expected = batched ? [L * D, B, H] : [L * D, H];
  const states = names.map((name, k) => {
    const s = hx?.[k] ?? null;
    if (!s) return zeros([L * D, B, H], { like: x }).unbind(0);
    if (!sameShape(s.shape, expected)) throw new Error(`${op}: expected ${name} of shape ${fmt(expected)}, got ${fmt(s.shape)}`);
    checkSameDtype(op, name, s, weights[0].wIh);
    return (batched ? s : s.unsqueeze(1)).unbind(0); // (L·D, H) -> (L·D, 1, H) -> L·D × (B, H)
  });

  const hN: Tensor[] = [], cN: Tensor[] = [];
  let input = seq; // (T, B, I) into layer 0, (T, B, D·H) into the layers above
  for (let layer = 0; layer < L; layer++) {
    const outs: Tensor[] = [];
    for (let dir = 0; dir < D; dir++) {
      const k = layer * D + dir;
      const r = runDirection(mode, input, states[0][k], states[1]?.[k] ?? null, weights[k], dir === 1);
      outs.push(r.out);
      hN.push(r.h);
      if (r.c) cN.push(r.c);
    }
    input = D === 2 ? cat(outs, 2) : outs[0]; // 2 × (T, B, H) -> (T, B, 2H)
    if (layer < L - 1) input = dropout(input, { p: opts.dropout ?? 0, training: opts.training ?? false });
  }

  const output = !batched ? input.squeeze(1) : opts.batchFirst ? input.transpose(0, 1) : input; // (T, B, D·H) -> (T, D·H) or (B, T, D·H)
  const finals = (mode === 'LSTM' ? [hN, cN] : [hN]).map((ss) => {
    const s = stack(ss, 0); // L·D × (B, H) -> (L·D, B, H)
    return batched ? s : s.squeeze(1); // (L·D, 1, H) -> (L·D, H)
  });
  return [output, finals];
}

export interface RNNOptions {
  /** number of stacked layers (default 1) */
  numLayers?: number;
  /** learn the biases b_ih and b_hh (default true) */
  bias?: boolean;
  /** input and output are (B, T, feature) instead of (T, B, feature); h0/hN are unaffected */
  batchFirst?: boolean;
  /** also run each layer from t = T-1 down to 0 and concatenate both outputs (default false) */
  bidirectional?: boolean;
  /** dropout on the outputs of each layer except the last, in training (default 0) */
  dropout?: number;
  /** dtype of the parameters (default 'float32'; 'float64' for gradcheck) */
  dtype?: DType;
}

/** Registers PyTorch's weight_ih_l{k}[_reverse], weight_hh_…, bias_ih_…, bias_hh_… in its order. */
abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly dropout: number;
  /** The weights of each layer·direction, layer-major (PyTorch's all_weights order). */
  readonly allWeights: RNNWeights[] = [];

  constructor(readonly mode: RNNMode, readonly inputSize: number, readonly hiddenSize: number, opts: RNNOptions) {
    super();
    const op = opName(mode);
    checkSize(op, 'inputSize', inputSize, 0);
    checkSize(op, 'hiddenSize', hiddenSize, 1);
    this.numLayers = opts.numLayers ?? 1;
    checkSize(op, 'numLayers', this.numLayers, 1);
    this.dropout = opts.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new Error(`${op}: dropout must be a number in [0, 1], got ${this.dropout}`);
    }
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.bidirectional = opts.bidirectional ?? false;
    const dtype = opts.dtype ?? 'float32', D = this.bidirectional ? 2 : 1, G = GATES[mode] * hiddenSize;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let dir = 0; dir < D; dir++) {
        const suffix = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        const param = (name: string, shape: number[]): Parameter =>
          this.registerParameter(name + suffix, new Parameter(zeros(shape, { dtype })));
        const inF = layer === 0 ? inputSize : D * hiddenSize;
        this.allWeights.push({
          wIh: param('weight_ih', [G, inF]),
          wHh: param('weight_hh', [G, hiddenSize]),
          bIh: this.bias ? param('bias_ih', [G]) : null,
          bHh: this.bias ? param('bias_hh', [G]) : null,
        });
      }
    }
    this.resetParameters();
  }

  /** Every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)), as PyTorch. */
  resetParameters(): void {
    resetRecurrent(this.parameters(), this.hiddenSize);
  }

  protected run(x: Tensor, hx: (Tensor | null)[] | null): [Tensor, Tensor[]] {
    return rnnForward(this.mode, x, hx, this.allWeights, {
      numLayers: this.numLayers, bidirectional: this.bidirectional, batchFirst: this.batchFirst,
      dropout: this.dropout, training: this.training,
    });
  }
}

/**
 * Multi-layer Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu),
 * the input of layer l > 0 being layer l-1's output h_t (both directions concatenated).
 *
 * Parameters: weight_ih_l{k} (H, I for k = 0 else D·H), weight_hh_l{k} (H, H), bias_ih_l{k},
 * bias_hh_l{k} (H), `_reverse` for the backward direction; all U(±1/sqrt(H)).
 *
 * Shape: x (T, B, I) ((B, T, I) with batchFirst; (T, I) unbatched), h0 (L·D, B, H) or zeros
 * -> [output (T, B, D·H), hN (L·D, B, H)].
 *
 * @example
 *   const rnn = new RNN(10, 20, { numLayers: 2 });
 *   const [out, hN] = rnn.forward(randn([5, 3, 10])); // out [5, 3, 20], hN [2, 3, 20]
 */
export class RNN extends RNNBase {
  readonly nonlinearity: Nonlinearity;
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions & { nonlinearity?: Nonlinearity } = {}) {
    const nl = checkNonlinearity('RNN', opts.nonlinearity ?? 'tanh');
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  forward(x: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [out, [hN]] = this.run(x, [h0]);
    return [out, hN];
  }
}

/**
 * Multi-layer LSTM: at each step the gates i, f, g, o, then c_t = f ⊙ c_{t-1} + i ⊙ g and
 * h_t = o ⊙ tanh(c_t) (see lstmStep); layer l > 0 reads layer l-1's h_t, through dropout in
 * training.
 *
 * Parameters: weight_ih_l{k} (4H, I for k = 0 else D·H), weight_hh_l{k} (4H, H), bias_ih_l{k},
 * bias_hh_l{k} (4H), rows in i, f, g, o order, `_reverse` for the backward direction; all
 * U(±1/sqrt(H)).
 *
 * Shape: x (T, B, I) ((B, T, I) with batchFirst; (T, I) unbatched), [h0, c0] each (L·D, B, H) or
 * zeros -> [output (T, B, D·H), [hN, cN] each (L·D, B, H)].
 *
 * @example
 *   const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true });
 *   const [out, [hN, cN]] = lstm.forward(randn([5, 3, 10])); // out [5, 3, 40], hN, cN [4, 3, 20]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }
  forward(x: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new Error('LSTM: the state must be [h0, c0]');
    const [out, [hN, cN]] = this.run(x, hx);
    return [out, [hN, cN]];
  }
}

/**
 * Multi-layer GRU: at each step r, z, n (b_hn inside the reset gate, see gruStep) and
 * h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}.
 *
 * Parameters: weight_ih_l{k} (3H, I for k = 0 else D·H), weight_hh_l{k} (3H, H), bias_ih_l{k},
 * bias_hh_l{k} (3H), rows in r, z, n order, `_reverse` for the backward direction; all
 * U(±1/sqrt(H)).
 *
 * Shape: x (T, B, I) ((B, T, I) with batchFirst; (T, I) unbatched), h0 (L·D, B, H) or zeros
 * -> [output (T, B, D·H), hN (L·D, B, H)].
 *
 * @example
 *   const gru = new GRU(10, 20, { batchFirst: true });
 *   const [out, hN] = gru.forward(randn([3, 5, 10])); // out [3, 5, 20], hN [1, 3, 20]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }
  forward(x: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const [out, [hN]] = this.run(x, [h0]);
    return [out, hN];
  }
}
