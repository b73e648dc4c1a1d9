// fused.test.ts — the wasm backend's fused float32 kernels (kernels/wasm/attention.ts, loss.ts,
// optim.ts) at sizes that take several row blocks and two threads by size alone: attention against
// softmax(q kᵀ · scale + mask) v composed from plain ops on cpu, value and dq, dk, dv; the split
// backward (fewer batch entries than threads) with dead rows against the cpu kernel; the GEMM's
// transposed operands; cross-entropy on (1024, 3000) logits; Adam bit for bit with the cpu kernel.
// Shape letters: B batch, h heads, T queries, S keys, d, dv features.

import { describe, expect, it } from 'vitest';
import { grad, tensor, type Tensor } from '../../../src/index.js';
import { fusedAttention, type FusedAttentionMasks } from '../../../src/autograd/ops/attention.js';
import type { AdamHyper, CrossEntropyOptions, View } from '../../../src/backend/backend.js';
import type { TypedArray } from '../../../src/tensor/dtype.js';
import { onBackend, onCpu, WASM_CASES } from '../../helpers/backends.js';
import { expectCloseScaled } from '../../helpers/crosscheck.js';
import { values } from '../gpujs/kit.js';
import { cpu, expectBits, onThreads, viewPair, wasm } from './pairs.js';

const NEG = -Infinity;
const f64 = (t: Tensor): Float64Array => Float64Array.from(t.dataSync());
const wasmOn2 = <T>(fn: () => T): { result: T; calls: [string, number][] } => onBackend(WASM_CASES[0], () => onThreads(2, false, fn));

// ---- attention --------------------------------------------------------------------------------

interface AttnCase {
  name: string;
  q: number[]; k: number[]; v: number[];
  /** q stored with its last two dims swapped (a transposed, non-contiguous view) */
  transposedQ?: boolean;
  masks: () => FusedAttentionMasks;
}

/** Key padding (B, 1, 1, S): keys at or past lens[b] blocked (key 0 never is, so no row is dead). */
const padding = (lens: number[], S: number): Tensor =>
  tensor(lens.flatMap((n) => Array.from({ length: S }, (_, s) => (s >= n ? 1 : 0))), { shape: [lens.length, 1, 1, S], dtype: 'bool' });

const ATTN: AttnCase[] = [
  { name: 'B 2, h 4, T 300, S 200, d 32, key padding + causal', q: [2, 4, 300, 32], k: [2, 4, 200, 32], v: [2, 4, 200, 32],
    masks: () => ({ blocked: padding([200, 137], 200), causal: true }) },
  { name: 'B 2, h 3, T 260, S 190, d 24, dv 40, float bias (T, S) + key padding, transposed q', q: [2, 3, 260, 24], k: [2, 3, 190, 24], v: [2, 3, 190, 40],
    transposedQ: true, masks: () => ({ bias: tensor(values(260 * 190, 5, 'float32').map((x) => x / 2), { shape: [260, 190] }), blocked: padding([190, 71], 190) }) },
];

/** The same attention from plain ops: softmax(q kᵀ · scale + bias, blocked and causal → -inf) v. */
function composed(q: Tensor, k: Tensor, v: Tensor, m: FusedAttentionMasks, scale: number): Tensor {
  const T = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  let s = q.matmul(k.transpose(-2, -1)).mul(scale); // (B, h, T, S)
  if (m.bias) s = s.add(m.bias);
  if (m.blocked) s = s.maskedFill(m.blocked, NEG);
  if (m.causal) s = s.maskedFill(tensor(Array.from({ length: T * S }, (_, i) => (i % S > Math.floor(i / S) ? 1 : 0)), { shape: [T, S], dtype: 'bool' }), NEG);
  return s.softmax(-1).matmul(v); // (B, h, T, dv)
}

/** out, dq, dk, dv of `attend` on leaves made from the case's values, on the current backend. */
function runAttention(c: AttnCase, attend: (q: Tensor, k: Tensor, v: Tensor, m: FusedAttentionMasks, scale: number) => Tensor): Float64Array[] {
  const swap = (s: number[]): number[] => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
  const q0 = tensor(values(c.q.reduce((a, b) => a * b), 1), { shape: c.transposedQ ? swap(c.q) : c.q, requiresGrad: true });
  const k = tensor(values(c.k.reduce((a, b) => a * b), 2), { shape: c.k, requiresGrad: true });
  const v = tensor(values(c.v.reduce((a, b) => a * b), 3), { shape: c.v, requiresGrad: true });
  const q = c.transposedQ ? q0.transpose(-2, -1) : q0; // (B, h, T, d)
  const out = attend(q, k, v, c.masks(), 1 / Math.sqrt(c.q[c.q.length - 1]));
  const dy = tensor(values(out.numel(), 4), { shape: out.shape });
  return [out, ...grad(out, [q0, k, v], { gradOutputs: dy })].map(f64);
}

describe('wasm fused attention on two threads, against the composition on cpu', () => {
  for (const c of ATTN) {
    it(`${c.name}: value, dq, dk, dv within 1e-4`, () => {
      const want = onCpu(() => runAttention(c, composed));
      const { result: got, calls } = wasmOn2(() => runAttention(c, (q, k, v, m, scale) => fusedAttention(q, k, v, m, scale).out));
      ['value', 'dq', 'dk', 'dv'].forEach((w, i) => expectCloseScaled(got[i], want[i], 1e-4, w));
      expect(calls.filter(([kernel]) => kernel.startsWith('attention'))).toEqual([['attentionF32', 2], ['attentionBackwardF32', 2]]);
      // the forward's row blocks are computed alike whichever thread takes them
      const one = onBackend(WASM_CASES[0], () => onThreads(1, false, () => runAttention(c, (q, k, v, m, scale) => fusedAttention(q, k, v, m, scale).out)));
      expect(one.result[0]).toEqual(got[0]);
    });
  }
});

// fewer batch entries than threads: the backward shares out row blocks and sums per-thread dk, dv
const SPLIT: AttnCase[] = [
  { name: 'one batch entry, T 400, S 300, d 32, dv 48, causal + bool mask with dead rows', q: [1, 400, 32], k: [1, 300, 32], v: [1, 300, 48],
    masks: () => ({ causal: true, blocked: tensor(values(400 * 300, 6, 'bool').map((b, i) => (Math.floor(i / 300) % 97 === 5 ? 1 : b)), { shape: [400, 300], dtype: 'bool' }) }) },
  { name: 'three, T 200, S 160, d 32, bias (3, T, S) with -inf and dead rows', q: [3, 200, 32], k: [3, 160, 32], v: [3, 160, 32], transposedQ: true,
    masks: () => ({ bias: tensor(values(3 * 200 * 160, 7).map((x, i) => (x > 1.2 || Math.floor(i / 160) % 50 === 3 ? NEG : x)), { shape: [3, 200, 160] }) }) },
];

describe('wasm fused attention backward split over row blocks, against the cpu kernel', () => {
  for (const c of SPLIT) {
    it(`${c.name}: value, dq, dk, dv within 1e-4; dead rows 0`, () => {
      const fused = (q: Tensor, k: Tensor, v: Tensor, m: FusedAttentionMasks, scale: number): Tensor => fusedAttention(q, k, v, m, scale).out;
      const want = onCpu(() => runAttention(c, fused));
      const { result: got, calls } = wasmOn2(() => runAttention(c, fused));
      ['value', 'dq', 'dk', 'dv'].forEach((w, i) => expectCloseScaled(got[i], want[i], 1e-4, w));
      expect(calls.filter(([kernel]) => kernel.startsWith('attention'))).toEqual([['attentionF32', 2], ['attentionBackwardF32', 2], ['attentionBackwardF32', 2]]);
      const dead = want[0].filter((x) => x === 0).length;
      expect(dead).toBeGreaterThan(c.v[2]); // at least one dead row...
      expect(got[0].filter((x) => x === 0).length).toBe(dead); // ...whose zeros the kernel gives too
    });
  }
});

// the GEMM's packing of transposed operands (4 x 4 transposes), which the attention products use
describe('wasm matmul of transposed operands, against the cpu kernel', () => {
  const M = 67, K = 301, N = 45; // a K past one 256-deep slice, and tails of every tile size
  for (const [la, lb] of [['transposed', 'contiguous'], ['contiguous', 'transposed'], ['transposed', 'transposed']] as const) {
    it(`a ${la}, b ${lb}`, () => {
      const a = viewPair('float32', [M, K], la, values(M * K, 30)), b = viewPair('float32', [K, N], lb, values(K * N, 31));
      expectCloseScaled(wasm.matmul(a.w, b.w, 'float32'), cpu.matmul(a.c, b.c, 'float32'), 1e-5, 'product');
    });
  }
});

// ---- cross-entropy ------------------------------------------------------------------------------

describe('wasm fused cross-entropy on (1024, 3000) logits, against the cpu kernel', () => {
  const N = 1024, C = 3000;
  const target = values(N, 8, 'int32', 0, C).map((t, i) => (i % 13 === 0 ? -100 : t));
  for (const [name, layout, smoothing, weighted] of [
    ['plain, contiguous logits', 'contiguous', 0, false],
    ['weights + label smoothing 0.1 + ignored rows, transposed logits', 'transposed', 0.1, true],
  ] as const) {
    it(`${name}: loss, lse and dx within 1e-4, on two threads`, () => {
      const x = viewPair('float32', [N, C], layout, values(N * C, 9).map((v) => 4 * v));
      const y = viewPair('int32', [N], 'contiguous', target);
      const w = viewPair('float32', [C], 'contiguous', values(C, 10).map((v) => 1.25 + v / 2));
      const dl = viewPair('float32', [N], 'contiguous', values(N, 11));
      const opts = (side: 'c' | 'w'): CrossEntropyOptions<TypedArray> => ({ weight: weighted ? w[side] : null, ignoreIndex: -100, labelSmoothing: smoothing });
      const want = cpu.crossEntropy(x.c, y.c, opts('c'), 'float32');
      const wantDx = cpu.crossEntropyBackward(x.c, y.c, whole(want.lse), dl.c, opts('c'), 'float32');
      const { result, calls } = onThreads(2, false, () => {
        const f = wasm.crossEntropy(x.w, y.w, opts('w'), 'float32');
        return { ...f, dx: wasm.crossEntropyBackward(x.w, y.w, whole(f.lse), dl.w, opts('w'), 'float32') };
      });
      expectCloseScaled(result.loss, want.loss, 1e-4, 'loss');
      expectCloseScaled(result.lse, want.lse, 1e-4, 'lse');
      expectCloseScaled(result.dx, wantDx, 1e-4, 'dx');
      expect(calls.filter(([k]) => k.startsWith('crossEntropy'))).toEqual([['crossEntropyF32', 2], ['crossEntropyBackwardF32', 2]]);
      expect([result.loss[0], result.loss[1] > 0]).toEqual([0, true]); // row 0 is ignored, row 1 is not
    });
  }

  it('names a target out of bounds, as the reference', () => {
    const x = viewPair('float32', [2, 3], 'contiguous', values(6, 12));
    const y = viewPair('int32', [2], 'contiguous', [1, 3]);
    const o: CrossEntropyOptions<TypedArray> = { weight: null, ignoreIndex: -100, labelSmoothing: 0 };
    expect(() => wasm.crossEntropy(x.w, y.w, o, 'float32')).toThrow('crossEntropy: target 3 is out of bounds for 3 classes');
  });
});

const whole = (a: TypedArray): View<TypedArray> => ({ data: a, shape: [a.length], stride: [1], offset: 0 });

// ---- Adam -----------------------------------------------------------------------------------------

describe('wasm fused Adam step, bit for bit with the cpu kernel', () => {
  const n = 200_003; // two threads by size, and a tail of 3
  const OPTIONS: [string, Omit<AdamHyper, 'step'>, boolean][] = [
    ['Adam, L2 weight decay', { lr: 0.05, beta1: 0.8, beta2: 0.9, eps: 1e-8, weightDecay: 0.1, decoupled: false, maximize: false }, false],
    ['AdamW + amsgrad + maximize', { lr: 0.03, beta1: 0.5, beta2: 0.7, eps: 0.1, weightDecay: 0.3, decoupled: true, maximize: true }, true],
  ];
  for (const [name, h, amsgrad] of OPTIONS) {
    it(`${name}: θ, exp_avg, exp_avg_sq${amsgrad ? ', max_exp_avg_sq' : ''} after each of 3 steps`, () => {
      const make = (seed: number, f: (x: number) => number): ReturnType<typeof viewPair> => viewPair('float32', [n], 'contiguous', values(n, seed).map(f));
      const p = make(13, (x) => x), m = make(14, (x) => x / 10), v = make(15, (x) => Math.fround(x * x / 50)), vmax = amsgrad ? make(16, (x) => Math.fround(x * x / 40)) : null;
      for (let step = 1; step <= 3; step++) {
        const g = make(20 + step, (x) => (step === 2 ? 3 * x : x));
        cpu.adamStep(p.c, g.c, m.c, v.c, vmax?.c ?? null, { ...h, step }, 'float32');
        const { calls } = onThreads(2, false, () => wasm.adamStep(p.w, g.w, m.w, v.w, vmax?.w ?? null, { ...h, step }, 'float32'));
        expect(calls).toEqual([['adamF32', 2]]);
        [p, m, v, ...(vmax ? [vmax] : [])].forEach((t, i) => expectBits(t.w.data, t.c.data, `tensor ${i} at step ${step}`));
      }
    });
  }
});
