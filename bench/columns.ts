// columns.ts — the names of the benchmark's columns (bench/libraries.ts builds them), for the
// files that refer to a column by name: targets, per-case skips and the report's ratio columns.

/** tensorloom on its CPU backend: the column the cases' own `target`s are about. */
export const TL_CPU = 'tensorloom';
/** tensorloom on its wasm backend with 1 and 2 threads (n/a until src/index.ts exports setNumThreads). */
export const TL_WASM_1 = 'tensorloom-wasm-1';
export const TL_WASM_2 = 'tensorloom-wasm-2';
/** TensorFlow.js (core + layers) on its CPU backend: the baseline every `ratios` entry is against. */
export const TFJS_CPU = 'tfjs';
/** TensorFlow.js on its WebAssembly backend (XNNPACK), in the same process. */
export const TFJS_WASM = 'tfjs-wasm';
/** tensorloom on gpujs in gpu.js's pure-JS 'cpu' mode (the slowest column). */
export const TL_GPUJS_CPU = 'tensorloom-gpujs-cpu';
