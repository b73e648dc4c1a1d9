// device.test.ts — the gpujs backend keeps intermediates on the device and compiles each kernel
// once per shape signature: a chain of ops reads nothing back until toArray()/item(), a second
// run of the same chain compiles nothing, and a readback happens exactly where the host asks.

import { describe, expect, it } from 'vitest';
import { nn, setBackend, tensor, type Tensor } from '../../../src/index.js';
import type { GpuJsBackend } from '../../../src/backend/gpujs/index.js';
import type { GpuBuffer } from '../../../src/backend/gpujs/buffer.js';
import { gpujsModes } from '../../helpers/backends.js';

const bufferOf = (t: Tensor): GpuBuffer => t._view.data as GpuBuffer;

for (const mode of gpujsModes()) {
  describe(`gpujs device residency [${mode}]`, () => {
    const use = (): GpuJsBackend => setBackend('gpujs', { mode }) as GpuJsBackend;

    it('a chain of ops keeps every intermediate on the device until the host reads', () => {
      const b = use();
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      const y = x.add(1).mul(x).exp().sum(1); // four kernels (sum may take more passes)
      const z = y.softmax(0);
      for (const t of [y, z]) expect(bufferOf(t).onHost).toBe(false);
      const calls = b.runner.stats.calls;
      const out = z.toArray() as number[];
      expect(b.runner.stats.calls).toBe(calls); // reading back runs no kernel for a whole buffer
      expect(bufferOf(z).onHost).toBe(true);
      expect(bufferOf(y).onHost).toBe(false); // only what was asked for came back
      // reference in float64
      const rows = [[1, 2, 3], [4, 5, 6]].map((r) => r.reduce((s, v) => s + Math.exp((v + 1) * v), 0));
      const m = Math.max(...rows);
      const e = rows.map((r) => Math.exp(r - m));
      const zs = e.reduce((s, v) => s + v, 0);
      out.forEach((v, i) => expect(v).toBeCloseTo(e[i] / zs, 5));
    });

    it('compiles each kernel once per shape signature', () => {
      const b = use();
      const lin = new nn.Linear(5, 3);
      const step = (seed: number): void => {
        const x = tensor(Array.from({ length: 20 }, (_, i) => Math.sin(i + seed)), { shape: [4, 5] });
        lin.zeroGrad();
        lin.forward(x).relu().sum().backward();
      };
      step(0);
      const compiled = b.runner.stats.compiles;
      step(1);
      step(2);
      expect(b.runner.stats.compiles).toBe(compiled); // same shapes, new data: nothing new compiles
      expect(b.runner.stats.fallbacks).toEqual([]);
    });

    it('reads back only a device view, cast to the dtype asked for', () => {
      const b = use();
      const y = tensor([[1.5, -2.5, 3.75], [4.25, -5.5, 6.5]]).mul(2); // on the device
      const col = { data: bufferOf(y), shape: [2], stride: [3], offset: 1 }; // y[:, 1]
      const f = b.toHost(col, 'float32');
      expect(f).toBeInstanceOf(Float32Array);
      expect(Array.from(f)).toEqual([-5, -11]);
      const i = b.toHost(col, 'int32');
      expect(i).toBeInstanceOf(Int32Array);
      expect(Array.from(i)).toEqual([-5, -11]);
      const h = b.toHost({ data: bufferOf(y), shape: [2], stride: [3], offset: 0 }, 'int32'); // y[:, 0] = 3, 8.5
      expect(Array.from(h)).toEqual([3, 8]); // truncated toward zero, as an Int32Array store
      expect(bufferOf(y).onHost).toBe(false);
    });

    it('uploads host data once, however many kernels read it', () => {
      use();
      const x = tensor([1, 2, 3, 4]);
      x.add(1);
      const dev = (bufferOf(x) as unknown as { device: unknown }).device;
      x.mul(2);
      expect((bufferOf(x) as unknown as { device: unknown }).device).toBe(dev);
    });
  });
}
