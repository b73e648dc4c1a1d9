// index.ts — the entry of the wasm kernels: re-exports every family (same names as kernels/ and
// src/backend/cpu/). scripts/build-wasm.mjs compiles this file twice, with and without relaxed
// SIMD, and src/backend/wasm/module.ts picks the build the engine runs.
export { heapBase, relaxedSimd } from './common';
export * from './matmul';
