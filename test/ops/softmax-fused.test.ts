// softmax-fused.test.ts — the fused softmax / log-softmax kernels (one backend call, own
// backward) must agree with their compositions from primitives, in value and in gradient:
//   logSoftmax(x) = x - logsumexp(x)      softmax(x) = exp(x - logsumexp(x))
// On every backend: in float64 where it has it (to 1e-12), else in float32.

import { expect, it } from 'vitest';
import { grad, manualSeed, randn, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { expectCloseScaled } from '../helpers/crosscheck.js';

const composed = {
  logSoftmax: (x: Tensor, d: number): Tensor => x.sub(x.logsumexp(d, true)),
  softmax: (x: Tensor, d: number): Tensor => x.sub(x.logsumexp(d, true)).exp(),
};

describeEachBackend('fused softmax kernels match their compositions', (b) => {
  const dtype = b.float64 ? 'float64' : 'float32';
  const close = (a: Tensor, e: Tensor, what: string): void => {
    if (b.float64) expectClose(a.dataSync(), e.dataSync(), 1e-12, 1e-12);
    else expectCloseScaled(a.dataSync(), e.dataSync(), b.tol, what);
  };
  for (const name of ['softmax', 'logSoftmax'] as const) {
    for (const d of [0, 1, -1]) {
      it(`${name}(${d}) on [3,4,5] (permuted input): values and gradients`, () => {
        manualSeed(11);
        const base = randn([5, 4, 3], { dtype }).mul(4);
        const x = base.permute(2, 1, 0); // (3, 4, 5), non-contiguous
        const xl = x.detach().requiresGrad_(true);
        const w = randn([3, 4, 5], { dtype });
        const fused = xl[name](d);
        const ref = composed[name](xl, d);
        close(fused, ref, 'values');
        const [gf] = grad(fused.mul(w).sum(), xl);
        const [gr] = grad(ref.mul(w).sum(), xl);
        close(gf, gr, 'gradients');
        expect(gf.shape).toEqual([3, 4, 5]);
      });
    }
  }
});
