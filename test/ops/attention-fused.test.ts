// attention-fused.test.ts — fused attention (Backend.attention / attentionBackward,
// autograd/ops/attention.ts's fusedAttention) against the composition from primitives in
// layers/attention.ts (`attend`: matmul, add, maskedFill, safeSoftmax) on every backend: values,
// gradients w.r.t. q, k, v (first and second order) and the lse, for (B, T, d) and (B, h, T, d)
// batches, non-contiguous and broadcast inputs, every mask kind (float bias with -inf, bool,
// causal with T != S, key padding) and fully masked rows (zeros in value and gradient); op-table
// lines against a float64 reference with gradcheck; which path the layers take; the errors.
// Shape letters: B batch, h heads, T queries, S keys, d features, dv value features.

import { afterEach, expect, it, vi } from 'vitest';
import { enableGrad, grad, gradcheck, tensor, type Tensor } from '../../src/index.js';
import { fusedAttention, type FusedAttentionMasks } from '../../src/autograd/ops/attention.js';
import { attend, causalBlockMask, scaledDotProductAttention } from '../../src/layers/attention.js';
import { MultiheadAttention } from '../../src/layers/multihead_attention.js';
import { backendOf, describeEachBackend } from '../helpers/backends.js';
import { expectCloseScaled, expectGradcheck } from '../helpers/crosscheck.js';
import { F, op, runOpTable } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';

type DT = 'float32' | 'float64';
const values = (n: number, tag: string): number[] => {
  const r = R.rngFor(tag);
  return Array.from({ length: n }, () => 2 * r() - 1);
};
const NEG = -Infinity;

/** The same attention from primitives: the causal flag becomes a mask, then the composed core. */
function composed(q: Tensor, k: Tensor, v: Tensor, m: FusedAttentionMasks, scale: number): Tensor {
  let blocked = m.blocked ?? null;
  if (m.causal) {
    const future = causalBlockMask(q, q.shape[q.ndim - 2], k.shape[k.ndim - 2]);
    blocked = blocked ? blocked.logicalOr(future) : future;
  }
  return attend(q, k, v, blocked, m.bias ?? null, scale, 0).out;
}

interface Case {
  name: string;
  q: number[]; k: number[]; v: number[];
  /** leaves stored with their last two dims swapped, so q, k, v are transposed (non-contiguous) views */
  transposed?: boolean;
  masks: (dt: DT) => FusedAttentionMasks;
  /** rows (flat over …, T) whose keys are all masked */
  dead?: number[];
}

const CASES: Case[] = [
  { name: '(B, T, d), no mask', q: [2, 5, 4], k: [2, 6, 4], v: [2, 6, 3], masks: () => ({}) },
  {
    name: '(B, h, T, d), float bias (B, 1, 1, S) with -inf, batch 1 fully blocked', q: [2, 3, 4, 4], k: [2, 3, 5, 4], v: [2, 3, 5, 2],
    masks: (dt) => ({ bias: tensor([0.5, NEG, 0, -1, 2, NEG, NEG, NEG, NEG, NEG], { shape: [2, 1, 1, 5], dtype: dt }) }),
    dead: [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
  },
  {
    name: 'bool blocked (T, S) with a dead row, non-contiguous q, k, v', q: [2, 4, 3], k: [2, 5, 3], v: [2, 5, 3],
    transposed: true,
    masks: () => ({ blocked: tensor([[0, 1, 0, 0, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 0, 1, 0, 1]].flat(), { shape: [4, 5], dtype: 'bool' }) }),
    dead: [1, 5],
  },
  { name: 'causal, T = S', q: [2, 5, 4], k: [2, 5, 4], v: [2, 5, 4], masks: () => ({ causal: true }) },
  {
    name: 'causal, T < S, plus bool padding (B, 1, S) and bias', q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 2],
    masks: (dt) => ({
      causal: true,
      blocked: tensor([1, 0, 0, 0, 0, 0, 0, 0, 0, 1], { shape: [2, 1, 5], dtype: 'bool' }),
      bias: tensor(values(15, 'bias'), { shape: [3, 5], dtype: dt }),
    }),
    dead: [0],
  },
  { name: 'broadcast batch: q (2, 2, 3, 4), k and v (2, 4, 4)', q: [2, 2, 3, 4], k: [2, 4, 4], v: [2, 4, 4], masks: () => ({}) },
];

describeEachBackend('attention: fused kernels vs composed', (bc) => {
  const dtype: DT = bc.float64 ? 'float64' : 'float32';
  afterEach(() => vi.restoreAllMocks());

  for (const c of CASES) {
    it(`${c.name}: value, lse, gradients and second-order gradients agree`, () => {
      const scale = 1 / Math.sqrt(c.q[c.q.length - 1]);
      const run = (f: (q: Tensor, k: Tensor, v: Tensor) => Tensor) => {
        const swap = (s: number[]): number[] => (c.transposed ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
        const leaves = (['q', 'k', 'v'] as const).map((w) => tensor(values(R.numelOf(c[w]), `${c.name}${w}`), { shape: swap(c[w]), dtype, requiresGrad: true }));
        const views = (): Tensor[] => leaves.map((t) => (c.transposed ? t.transpose(-2, -1) : t)); // (…, T, d), (…, S, d), (…, S, dv)
        const [q, k, v] = views();
        const y = f(q, k, v);
        const dy = tensor(values(y.numel(), `dy${c.name}`), { shape: y.shape, dtype });
        const d1 = grad(y, leaves, { gradOutputs: dy, createGraph: true });
        const d2 = grad(d1.reduce((s, g) => s.add(g.mul(g).sum()), tensor(0, { dtype })), leaves, { allowUnused: true });
        const plain = grad(f(...(views() as [Tensor, Tensor, Tensor])), leaves, { gradOutputs: dy }); // the backward kernel
        return [y, ...d1, ...d2, ...plain].map((t) => Float64Array.from(t.dataSync()));
      };
      const fused = run((q, k, v) => fusedAttention(q, k, v, c.masks(dtype), scale).out);
      const comp = run((q, k, v) => composed(q, k, v, c.masks(dtype), scale));
      const what = ['value', 'dq', 'dk', 'dv', 'd²q', 'd²k', 'd²v', 'dq (kernel)', 'dk (kernel)', 'dv (kernel)'];
      what.forEach((w, i) => expectCloseScaled(fused[i], comp[i], 10 * bc.tol, w));
      expect(fused[7].some((x) => Math.abs(x) > 1e-3)).toBe(true);
    });

    it(`${c.name}: lse is the masked scores' logsumexp (-inf on dead rows, whose output and dq are 0)`, () => {
      const scale = 0.7;
      const [q, k, v] = (['q', 'k', 'v'] as const).map((w) => tensor(values(R.numelOf(c[w]), `lse${c.name}${w}`), { shape: c[w], dtype, requiresGrad: true }));
      const m = c.masks(dtype);
      const { out, lse } = fusedAttention(q, k, v, m, scale);
      let s = q.mul(scale).matmul(k.transpose(-2, -1));
      if (m.bias) s = s.add(m.bias);
      if (m.blocked) s = s.maskedFill(m.blocked, NEG);
      if (m.causal) s = s.maskedFill(causalBlockMask(q, q.shape[q.ndim - 2], k.shape[k.ndim - 2]), NEG);
      const want = Float64Array.from(s.logsumexp(-1).dataSync());
      expectCloseScaled(Float64Array.from(lse.dataSync()), want, bc.tol, 'lse');
      out.sum().backward();
      const dv = out.shape[out.ndim - 1], d = q.shape[q.ndim - 1];
      const o = out.dataSync(), gq = q.grad!.dataSync();
      for (const row of c.dead ?? []) {
        expect(want[row]).toBe(NEG);
        expect(Array.from(o.subarray(row * dv, (row + 1) * dv))).toEqual(new Array(dv).fill(0));
        expect(Array.from(gq.subarray(row * d, (row + 1) * d))).toEqual(new Array(d).fill(0));
      }
      expect(Array.from(lse.dataSync()).filter((x) => x === NEG).length).toBe((c.dead ?? []).length);
    });
  }

  it('gradcheck of the fused op with a bias, a bool mask, causal and a dead row', () => {
    expectGradcheck(bc, (dt) => ({
      fn: (q, k, v) => fusedAttention(q, k, v, {
        bias: tensor([0.3, -0.2, 0, 1, NEG, 0.1], { shape: [2, 1, 3], dtype: dt }),
        blocked: tensor([0, 0, 1, 1, 1, 1, 0, 1, 0], { shape: [3, 3], dtype: 'bool' }), causal: true,
      }, 0.8).out,
      inputs: (['q', 'k', 'v'] as const).map((w) => tensor(values(18, `gc${w}`), { shape: [2, 3, 3], dtype: dt, requiresGrad: true })),
    }));
  });

  it('second order by gradcheck (float64 backends)', () => {
    if (!bc.float64) return;
    const [q, k, v] = (['q', 'k', 'v'] as const).map((w) => tensor(values(12, `g2${w}`), { shape: [1, 3, 4], dtype: 'float64', requiresGrad: true }));
    const dy = tensor(values(12, 'g2dy'), { shape: [1, 3, 4], dtype: 'float64' });
    const dq = (...xs: Tensor[]): Tensor => enableGrad(() => {
      const us = xs.map((t) => (t.requiresGrad ? t : t.detach().requiresGrad_()));
      return grad(fusedAttention(us[0], us[1], us[2], { causal: true }, 0.5).out, us[0], { gradOutputs: dy, createGraph: true })[0];
    });
    expect(gradcheck(dq, [q, k, v])).toBe(true);
  });

  it('the layers take the kernel unless weights, dropout or a mask gradient are wanted', () => {
    const be = backendOf(bc), fwd = vi.spyOn(be, 'attention'), bwd = vi.spyOn(be, 'attentionBackward');
    const x = tensor(values(24, 'layer'), { shape: [2, 3, 4], dtype, requiresGrad: true });
    scaledDotProductAttention(x, x, x, { isCausal: true }).sum().backward();
    expect([fwd.mock.calls.length, bwd.mock.calls.length]).toEqual([1, 1]);
    scaledDotProductAttention(x, x, x, { dropoutP: 0.5 });
    scaledDotProductAttention(x, x, x, { attnMask: tensor(values(9, 'am'), { shape: [3, 3], dtype, requiresGrad: true }) });
    const mha = new MultiheadAttention(4, 2, { batchFirst: true, dtype });
    mha.forward(x, x, x); // needWeights defaults to true
    expect(fwd).toHaveBeenCalledTimes(1);
    mha.forward(x, x, x, { needWeights: false, isCausal: true });
    expect(fwd).toHaveBeenCalledTimes(2);
  });

  it('errors name the op and the shapes', () => {
    const t = (shape: number[], extra: object = {}): Tensor => tensor(values(R.numelOf(shape), 'err'), { shape, dtype, ...extra });
    expect(() => fusedAttention(t([2, 5, 4]), t([2, 6, 3]), t([2, 6, 3]), {}, 1))
      .toThrow('fusedAttention: q [2,5,4], k [2,6,3] and v [2,6,3] must be (…, T, d), (…, S, d) and (…, S, dv)');
    expect(() => fusedAttention(t([2, 5, 4]), t([2, 6, 4]), t([2, 6, 3]), { blocked: t([5, 5]).gt(0) }, 1))
      .toThrow('fusedAttention: blocked [5,5] does not broadcast to the scores [2,5,6]');
    expect(() => fusedAttention(t([2, 5, 4]), t([2, 6, 4]), t([2, 6, 3]), { bias: t([5, 6], { requiresGrad: true }) }, 1))
      .toThrow('fusedAttention: bias [5,6] requires grad, which the fused kernel does not give; compose the attention instead');
    expect(() => fusedAttention(t([5]), t([2, 6, 4]), t([2, 6, 3]), {}, 1)).toThrow('fusedAttention: q must have at least 2 dims (…, len, features), got [5]');
  });
});

// ---- op table: against a float64 reference, every layout, gradcheck ------------------------------

/** out[b, t] = Σ_s softmax_s(q_t · k_s · scale + bias(t, s)) v_s over (B, T, d) refs; dead rows 0. */
function attentionRef(q: R.Ref, k: R.Ref, v: R.Ref, scale: number, bias: (t: number, s: number) => number): R.Ref {
  const [B, T, d] = q.shape, S = k.shape[1], dv = v.shape[2];
  return R.build([B, T, dv], ([b, t, e]) => {
    const sc = Array.from({ length: S }, (_, s) => {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += R.at(q, [b, t, i]) * R.at(k, [b, s, i]);
      return dot * scale + bias(t, s);
    });
    if (sc.every((x) => x === NEG)) return 0;
    return R.softmaxOf(sc).reduce((acc, p, s) => acc + p * R.at(v, [b, s, e]), 0);
  });
}

runOpTable('fusedAttention', [
  op('fusedAttention [2,3,4] x [2,5,4] x [2,5,3]', [F([2, 3, 4]), F([2, 5, 4]), F([2, 5, 3])],
    (q, k, v) => fusedAttention(q, k, v, {}, 0.5).out, (q, k, v) => attentionRef(q, k, v, 0.5, () => 0)),
  op('fusedAttention causal [2,4,3] with bias and a dead row', [F([2, 4, 3]), F([2, 4, 3]), F([2, 4, 2])],
    (q, k, v) => fusedAttention(q, k, v, { causal: true, bias: tensor([NEG, 0, 0, 0, 0.5, -0.5, 0, 0, 1, 0, 2, 0, -1, 0.25, 0, 0.75], { shape: [4, 4], dtype: q.dtype, like: q }) }, 0.9).out,
    (q, k, v) => attentionRef(q, k, v, 0.9, (t, s) => (s > t ? NEG : [NEG, 0, 0, 0, 0.5, -0.5, 0, 0, 1, 0, 2, 0, -1, 0.25, 0, 0.75][t * 4 + s]))),
]);
