// softmax-fused.test.ts — the fused softmax / log-softmax kernels (one backend call, own
// backward) must agree with their compositions from primitives, in value and in gradient:
//   logSoftmax(x) = x - logsumexp(x)      softmax(x) = exp(x - logsumexp(x))

import { describe, expect, it } from 'vitest';
import { grad, manualSeed, randn, type Tensor } from '../../src/index.js';
import { expectClose } from '../helpers/close.js';

const composed = {
  logSoftmax: (x: Tensor, d: number): Tensor => x.sub(x.logsumexp(d, true)),
  softmax: (x: Tensor, d: number): Tensor => x.sub(x.logsumexp(d, true)).exp(),
};

describe('fused softmax kernels match their compositions', () => {
  for (const name of ['softmax', 'logSoftmax'] as const) {
    for (const d of [0, 1, -1]) {
      it(`${name}(${d}) on [3,4,5] (permuted input): values and gradients`, () => {
        manualSeed(11);
        const base = randn([5, 4, 3], { dtype: 'float64' }).mul(4);
        const x = base.permute(2, 1, 0); // (3, 4, 5), non-contiguous
        const xl = x.detach().requiresGrad_(true);
        const w = randn([3, 4, 5], { dtype: 'float64' });
        const fused = xl[name](d);
        const ref = composed[name](xl, d);
        expectClose(fused, ref.toArray() as number[][][], 1e-12, 1e-12);
        const [gf] = grad(fused.mul(w).sum(), xl);
        const [gr] = grad(ref.mul(w).sum(), xl);
        expectClose(gf, gr.toArray() as number[][][], 1e-12, 1e-12);
        expect(gf.shape).toEqual([3, 4, 5]);
      });
    }
  }
});
