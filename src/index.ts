// index.ts — the public entry point of tensorloom (browser-safe: no Node-only imports).
// See ../shared/API.md for the contract these names follow.

export { Tensor } from './tensor/tensor.js';
export type { NestedArray, BackwardOptions } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, multinomial,
} from './tensor/creation.js';
export type { CreateOptions, TensorOptions } from './tensor/creation.js';
export { manualSeed } from './tensor/random.js';
export * from './tensor/functions.js';
export { variance as var } from './tensor/functions.js';

export { noGrad, enableGrad, isGradEnabled } from './autograd/engine.js';
export { grad } from './autograd/grad.js';
export type { GradOptions } from './autograd/grad.js';
export { gradcheck } from './autograd/gradcheck.js';
export { toDot } from './viz/dot.js';
export type { ToDotOptions } from './viz/dot.js';
export type { GradcheckOptions } from './autograd/gradcheck.js';

export { setBackend, loadBackend, getBackend, registerBackend, defaultBackendNote } from './backend/registry.js';
export { setNumThreads, getNumThreads, wasmMemoryStats } from './backend/wasm/runtime.js';
export type { HeapStats } from './backend/wasm/heap.js';
export type { WasmBackend } from './backend/wasm/index.js';
export type { BackendName, BackendOptions } from './backend/registry.js';
export type { Backend, View, UnaryOp, BinaryOp, ReduceOp, AttentionMasks, CrossEntropyOptions, AdamHyper } from './backend/backend.js';
export type { GpuJsBackend, GpuJsOptions } from './backend/gpujs/index.js';

export * as nn from './layers/index.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as nlp from './nlp/index.js';
export * as data from './data/index.js';
export * as metrics from './metrics/index.js';
