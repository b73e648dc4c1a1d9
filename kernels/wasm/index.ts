// index.ts — the entry of the wasm kernels: re-exports every family (same names as kernels/ and
// src/backend/cpu/). scripts/build-wasm.mjs compiles this file twice, with and without relaxed
// SIMD, and src/backend/wasm/module.ts picks the build the engine runs.
export { heapBase, relaxedSimd } from './common';
export { sgemm, sgemmScratchBytes } from './matmul';
export { ewMap } from './elementwise';
export { reduceF32 } from './reduce';
export { softmaxF32 } from './softmax';
export { layerNormF32 } from './norm';
export { im2col, col2im } from './conv';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } from './pool';
export { copyRuns, indexSelect, indexAdd, gather, scatterAdd } from './indexing';
export { attentionF32, attentionBackwardF32 } from './attention';
export { crossEntropyF32, crossEntropyBackwardF32 } from './loss';
export { adamF32 } from './optim';
