// registry.test.ts — choosing a backend: 'cpu' is built in; 'gpujs' is loaded on demand by
// loadBackend (which imports gpu.js), and until then setBackend / toBackend name the call that
// loads it. This file deliberately does not import test/helpers/backends.ts, which loads gpujs.

import { describe, expect, it } from 'vitest';
import { getBackend, loadBackend, setBackend, tensor } from '../../src/index.js';
import type { GpuJsBackend } from '../../src/backend/gpujs/index.js';

describe('backend registry', () => {
  it('gpujs before loadBackend: setBackend and toBackend say how to load it', () => {
    const msg = "the gpujs backend is loaded on demand; call await loadBackend('gpujs') once first (it loads gpu.js)";
    const before = getBackend();
    expect(() => setBackend('gpujs')).toThrow(`setBackend('gpujs'): ${msg}`);
    expect(() => setBackend('gpujs', { mode: 'cpu' })).toThrow(`setBackend('gpujs'): ${msg}`);
    expect(() => tensor([1, 2]).toBackend('gpujs')).toThrow(`toBackend('gpujs'): ${msg}`);
    expect(getBackend()).toBe(before);
  });

  it("loadBackend('cpu') resolves to the cpu backend without switching to it", async () => {
    const cpu = await loadBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(cpu).toBe(setBackend('cpu'));
  });

  it("loadBackend('gpujs') loads once; then setBackend('gpujs') is synchronous and shares the instance", async () => {
    const [a, b] = await Promise.all([loadBackend('gpujs', { mode: 'cpu' }), loadBackend('gpujs', { mode: 'cpu' })]);
    expect(a).toBe(b);
    expect(a.name).toBe('gpujs');
    expect(getBackend()).toBe('cpu'); // loading does not switch
    try {
      const g = setBackend('gpujs', { mode: 'cpu' }) as GpuJsBackend;
      expect(g).toBe(a);
      expect(Array.from(tensor([1, 2, 3]).mul(2).dataSync())).toEqual([2, 4, 6]);
      expect(g.runner.stats.calls).toBeGreaterThan(0);
      expect(Array.from(tensor([4, 5]).toBackend('cpu').add(1).dataSync())).toEqual([5, 6]);
    } finally {
      setBackend('cpu');
    }
  });
});
