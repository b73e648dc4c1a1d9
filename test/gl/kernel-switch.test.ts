// kernel-switch.test.ts — one compiled kernel fed arguments of changing type and size. On the GL
// modes gpu.js rebuilds a kernel whose argument was a host Float32Array and is now a Texture, and
// 2.24.1 drops dynamicArguments from the rebuilt kernel, which then read later, larger textures
// with the first one's size (the GRU and MultiheadAttention tests failed that way on headlessgl).
// src/backend/gpujs/runner.ts keeps the setting; this pins it on every gpujs mode under test.

import { expect, it } from 'vitest';
import { arange, tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

describeEachBackend('a kernel reused across argument types and storage sizes', () => {
  it('host array, then a texture, then a view into a larger texture', () => {
    const a = arange(0, 4).float().add(1); // [1, 2, 3, 4], on the device
    expect(Array.from(a.mul(tensor([1, 1, 1, 1])).dataSync())).toEqual([1, 2, 3, 4]); // b: host data
    expect(Array.from(a.mul(a.add(0)).dataSync())).toEqual([1, 4, 9, 16]); //                b: a texture of 4
    const big = arange(0, 12).float().mul(10); //                                            a texture of 12
    expect(Array.from(a.mul(big.narrow(0, 8, 4)).dataSync())).toEqual([80, 180, 300, 440]);
    expect(Array.from(a.mul(big.narrow(0, 2, 4)).dataSync())).toEqual([20, 60, 120, 200]);
  });
});
