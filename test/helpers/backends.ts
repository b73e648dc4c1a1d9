// backends.ts — runs a test block once per backend available here (tfjs-core's
// describeWithFlags idea): `describeEachBackend('matmul', ({ name, tol }) => { ... })`.
// The backends are cpu, wasm on 1 and on 2 threads (wasm:2 shares out every kernel, however
// small, so the thread splits are tested), and gpujs in each gpu.js mode listed in
// TENSORLOOM_GPUJS_MODES (comma list, default 'webasm,cpu'; '' runs none). Each carries the tolerance its float32
// results are held to and whether it has float64; gpujs cases also fail on any kernel that
// gpu.js silently ran on another mode (runner.stats.fallbacks). Importing this module loads the
// gpujs backend (loadBackend, which imports gpu.js) when any gpu.js mode is under test, so the
// suites can switch to it synchronously.

import { afterEach, beforeAll, afterAll, beforeEach, describe, expect } from 'vitest';
import { getBackend, loadBackend, setBackend, setNumThreads, type BackendName } from '../../src/index.js';
import { splitAllWorkForTests } from '../../src/backend/wasm/runtime.js';
import { makeBackend } from '../../src/backend/registry.js';
import type { Backend } from '../../src/backend/backend.js';
import type { GpuJsBackend } from '../../src/backend/gpujs/index.js';

export interface BackendCase {
  /** 'cpu', or 'gpujs:<mode>' */
  name: string;
  backend: BackendName;
  options?: { mode?: string };
  /** absolute/relative tolerance for float32 results on this backend */
  tol: number;
  /** whether the backend stores and computes float64 (gpujs refuses it, by design) */
  float64: boolean;
  /** wasm: threads to run on (2: every kernel is shared out, however small) */
  threads?: number;
}

export const CPU: BackendCase = { name: 'cpu', backend: 'cpu', tol: 1e-5, float64: true };

/** gpu.js modes under test, from TENSORLOOM_GPUJS_MODES (default 'webasm,cpu'; '' for none). */
export function gpujsModes(env = process.env.TENSORLOOM_GPUJS_MODES): string[] {
  return (env ?? 'webasm,cpu').split(',').map((m) => m.trim()).filter((m) => m !== '');
}

// gpujs tolerance 1e-4 (cpu: 1e-5). The cpu backend rounds each op's result to float32 but
// computes inside an op in float64 JS numbers; gpu.js kernels keep intermediates in float32
// (always on GL, and in sums accumulated across a loop), so a reduction of n terms can be off
// by ~n·2^-24 relative (3e-5 for n = 500), and GLSL's exp/log/pow are only specified to a few
// ulp of float32 (worse for large arguments). 1e-4 leaves room for that while a wrong index,
// a missing term or a float32-vs-float64 mix-up is still off by 1e-2 or more.
// wasm tolerance 1e-4: its float32 kernels accumulate in float32 (SIMD lanes, blocked sums), so
// like gpu.js a reduction of n terms may differ from the cpu backend's float64 sums by ~n·2^-24.
export const WASM_CASES: BackendCase[] = [1, 2].map((threads) => ({ name: `wasm:${threads}`, backend: 'wasm', threads, tol: 1e-4, float64: true }));

export const BACKENDS: BackendCase[] = [
  CPU,
  ...WASM_CASES,
  ...gpujsModes().map((mode): BackendCase => ({ name: `gpujs:${mode}`, backend: 'gpujs', options: { mode }, tol: 1e-4, float64: false })),
];

// the gpujs backend is loaded on demand; load it (and make each mode's instance) up front
for (const b of BACKENDS) if (b.backend === 'gpujs') await loadBackend(b.backend, b.options);

/** The backend object a case runs on (one shared instance per backend and mode). */
export function backendOf(b: BackendCase): Backend {
  return makeBackend('test', b.backend, b.options ?? {});
}

/** The kernels gpu.js degraded to another mode so far on this case's backend ([] for cpu). */
export function fallbacksOf(b: BackendCase): unknown[] {
  if (b.backend !== 'gpujs') return [];
  return (backendOf(b) as unknown as GpuJsBackend).runner.stats.fallbacks;
}

/** Makes b's backend current (and, for wasm, its thread count). */
function activate(b: BackendCase): void {
  setBackend(b.backend, b.options);
  if (b.threads !== undefined) {
    setNumThreads(b.threads);
    splitAllWorkForTests(b.threads > 1);
  }
}

/** Runs fn with b as the current backend, restoring the previous one after. */
export function onBackend<T>(b: BackendCase, fn: () => T): T {
  const prev = currentCase;
  activate(b);
  currentCase = b;
  try {
    return fn();
  } finally {
    activate(prev);
    currentCase = prev;
  }
}

/** Runs fn on the CPU backend (for a reference computed from the same values). */
export const onCpu = <T>(fn: () => T): T => onBackend(CPU, fn);

// the default backend (wasm where it runs) until a suite switches
let currentCase: BackendCase = { name: getBackend(), backend: getBackend() as BackendName, tol: 1e-4, float64: true };

/**
 * Registers `body` once per backend, inside a describe block titled `title [backend]`. The
 * backend is switched when the block runs (beforeAll), not while vitest collects it: make
 * tensors and modules inside `it` (or a beforeAll), never in the body itself.
 */
export function describeEachBackend(title: string, body: (b: BackendCase) => void): void {
  for (const b of BACKENDS) {
    describe(`${title} [${b.name}]`, () => {
      let prev: BackendCase = CPU;
      let seen = 0;
      beforeAll(() => {
        prev = currentCase;
        if (getBackend() !== prev.backend) prev = CPU;
        activate(b);
        currentCase = b;
      });
      afterAll(() => {
        activate(prev);
        currentCase = prev;
      });
      beforeEach(() => { seen = fallbacksOf(b).length; });
      afterEach(() => {
        // no kernel may have run on another mode than the one under test
        expect(fallbacksOf(b).slice(seen), `gpu.js fallbacks on ${b.name}`).toEqual([]);
      });
      body(b);
    });
  }
}
