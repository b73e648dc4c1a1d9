// module.test.ts — the wasm kernels ship as two builds importing a shared memory; pages that are
// not cross-origin isolated get the unshared variant derived by unshared() (one flag byte in the
// memory import). Checks it differs in that byte only, instantiates over an unshared memory (which
// the shared build refuses), and computes the same product.

import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../../src/backend/wasm/binary.gen.js';
import { unshared } from '../../../src/backend/wasm/module.js';

const decode = (b64: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

describe('unshared(): the kernel build for memory that is not shared', () => {
  for (const build of ['simd', 'relaxed'] as const) {
    it(`${build}: one byte differs, an unshared memory is accepted, and sgemm computes A·B`, () => {
      const shared = decode(KERNELS[build]);
      const u = unshared(shared);
      expect(u.length).toBe(shared.length);
      expect(u.filter((b, i) => b !== shared[i]).length).toBe(1);
      if (!WebAssembly.validate(u)) return; // relaxed SIMD may need Node's flag: the wasm suites cover it
      const memory = new WebAssembly.Memory({ initial: 64, maximum: 64 });
      const env = { memory, abort: () => { throw new Error('abort'); } };
      expect(() => new WebAssembly.Instance(new WebAssembly.Module(shared), { env })).toThrow(/shared/);
      const ex = new WebAssembly.Instance(new WebAssembly.Module(u), { env }).exports as Record<string, (...a: number[]) => number>;
      // C (2x3) = A (2x2) · B (2x3), scratch after the operands
      const base = Math.ceil(ex.heapBase() / 64) * 64, f = new Float32Array(memory.buffer), i32 = new Int32Array(memory.buffer);
      const A = base, B = A + 64, C = B + 64, args = C + 64, scratch = args + 256;
      f.set([1, 2, 3, 4], A / 4);
      f.set([1, 0, -1, 2, 1, 0.5], B / 4);
      i32.set([1, 2, 3, 2, A, 0, 2, 1, B, 0, 3, 1, C, scratch, ex.sgemmScratchBytes(), 0], args / 4);
      ex.sgemm(0, 1, args);
      expect(Array.from(f.subarray(C / 4, C / 4 + 6))).toEqual([5, 2, 0, 11, 4, -1]);
    });
  }
});
