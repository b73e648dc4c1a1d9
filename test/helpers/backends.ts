// backends.ts — runs a test block once per backend available here (tfjs-core's
// describeWithFlags idea): `describeEachBackend('matmul', ({ name, tol }) => { ... })`.
// Each backend carries the tolerance its float32 results are held to.

import { describe, beforeAll, afterAll } from 'vitest';
import { getBackend, setBackend, type BackendName } from '../../src/index.js';

export interface BackendCase {
  name: string;
  backend: BackendName;
  options?: { mode?: string };
  /** absolute/relative tolerance for float32 results on this backend */
  tol: number;
}

export const BACKENDS: BackendCase[] = [{ name: 'cpu', backend: 'cpu', tol: 1e-5 }];

export function describeEachBackend(title: string, body: (b: BackendCase) => void): void {
  for (const b of BACKENDS) {
    describe(`${title} [${b.name}]`, () => {
      let prev = 'cpu';
      beforeAll(() => { prev = getBackend(); setBackend(b.backend, b.options); });
      afterAll(() => { setBackend(prev as BackendName); });
      body(b);
    });
  }
}
