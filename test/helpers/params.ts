// params.ts — gradcheck of a loss with respect to a module's own parameters: a function of
// tensors that runs `body` with the parameters temporarily set to the given values.

import { noGrad, type Tensor } from '../../src/index.js';

/** (...values) => body() with params[i] holding values[i] for the call (restored afterwards). */
export function withParams(params: Tensor[], body: () => Tensor): (...args: Tensor[]) => Tensor {
  return (...given) => {
    if (given.every((g, i) => g === params[i])) return body();
    const saved = params.map((p) => p.clone());
    noGrad(() => params.forEach((p, i) => p.copy_(given[i])));
    try {
      return body();
    } finally {
      noGrad(() => params.forEach((p, i) => p.copy_(saved[i])));
    }
  };
}
