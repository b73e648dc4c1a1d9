// registry.ts — which backend new tensors are created on: setBackend / getBackend, and
// loadBackend for backends loaded on demand. Backends are plain objects implementing the typed
// `Backend` interface. 'wasm' (WebAssembly SIMD, threaded) is the default wherever the engine has
// WebAssembly SIMD and the kernels compile synchronously (Node; browsers after
// `await loadBackend('wasm')`); 'cpu', the pure-TypeScript reference, is the fallback, and
// TENSORLOOM_BACKEND=cpu picks it explicitly. The default is chosen when the first tensor is made,
// and `defaultBackendNote()` says why if it is not wasm. 'gpujs' is imported only when
// loadBackend('gpujs') asks for it, so the main entry never loads gpu.js (a bundler puts it in
// a chunk of its own). Tensors remember the backend they were made on, so switching backends
// never silently mixes storages (ops check that every operand shares one backend).

import type { Backend } from './backend.js';
import { CpuBackend } from './cpu/index.js';
import { WasmBackend } from './wasm/index.js';
import { loadWasmRuntime } from './wasm/runtime.js';
import { wasmUnavailableReason } from './wasm/module.js';

export type BackendName = 'wasm' | 'cpu' | 'gpujs';

export interface BackendOptions {
  /** gpu.js mode for the 'gpujs' backend: 'gpu' | 'webgl' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu'. */
  mode?: string;
}

type Factory = (options: BackendOptions) => Backend;

const factories = new Map<string, Factory>([['cpu', () => new CpuBackend()], ['wasm', () => new WasmBackend()]]);
const cpu = new CpuBackend();
const instances = new Map<string, Backend>();
let current: Backend | null = null;
let gpujsLoading: Promise<void> | null = null;
let defaultNote: string | null = null;

/** The backend tensors start on: wasm where it runs, else cpu (with the reason kept). */
function defaultBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORLOOM_BACKEND;
  if (env === 'cpu') {
    defaultNote = 'TENSORLOOM_BACKEND=cpu';
    return cpu;
  }
  const reason = wasmUnavailableReason();
  if (reason) {
    defaultNote = reason;
    return cpu;
  }
  try {
    return makeBackend('setBackend', 'wasm');
  } catch (e) {
    defaultNote = `the wasm kernels could not be compiled synchronously here (${e instanceof Error ? e.message : String(e)}); await loadBackend('wasm') then setBackend('wasm')`;
    return cpu;
  }
}

/** Why the default backend is not 'wasm' (null when it is, or before the first tensor). */
export function defaultBackendNote(): string | null {
  return defaultNote;
}

/** Lets a backend module (e.g. the gpu.js one) make itself available to setBackend. */
export function registerBackend(name: BackendName, factory: Factory): void {
  factories.set(name, factory);
}

/**
 * Loads backend `name` if it is loaded on demand ('gpujs' imports gpu.js, once) and returns its
 * backend object for `options`, without making it current: `await loadBackend('gpujs')` once,
 * then `setBackend('gpujs', { mode })` as often as you like. 'cpu' resolves at once.
 */
export async function loadBackend(name: BackendName, options: BackendOptions = {}): Promise<Backend> {
  if (name === 'wasm') {
    const reason = wasmUnavailableReason();
    if (reason) throw new Error(`loadBackend('wasm'): ${reason}`);
    await loadWasmRuntime(); // compiles asynchronously, so browsers can use large modules
  }
  if (name === 'gpujs' && !factories.has('gpujs')) {
    gpujsLoading ??= import('./gpujs/index.js').then(
      ({ GpuJsBackend }) => { if (!factories.has('gpujs')) registerBackend('gpujs', (o) => new GpuJsBackend(o)); },
      (e: unknown) => {
        gpujsLoading = null;
        throw new Error(`loadBackend('gpujs'): could not load gpu.js: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    await gpujsLoading;
  }
  return makeBackend('loadBackend', name, options);
}

/** A backend object by name ('cpu' is one shared instance; others are made by their factory). */
export function makeBackend(op: string, name: BackendName, options: BackendOptions = {}): Backend {
  const factory = factories.get(name);
  if (!factory && name === 'gpujs') {
    throw new Error(`${op}('gpujs'): the gpujs backend is loaded on demand; call await loadBackend('gpujs') once first (it loads gpu.js)`);
  }
  if (!factory) {
    throw new Error(`${op}: unknown or unavailable backend '${String(name)}' (available: ${[...factories.keys()].join(', ')})`);
  }
  if (name === 'cpu') return cpu;
  if (name === 'wasm') {
    const reason = wasmUnavailableReason();
    if (reason) throw new Error(`${op}('wasm'): ${reason}; use 'cpu'`);
  }
  if (current?.name === name && !options.mode) return current;
  // one instance per (backend, mode), so tensors made under the same setting share a backend
  const key = `${name}:${options.mode ?? ''}`;
  let b = instances.get(key);
  if (!b) instances.set(key, (b = factory(options)));
  return b;
}

/** Makes `name` the backend for tensors created from now on ('gpujs' after loadBackend). */
export function setBackend(name: BackendName, options: BackendOptions = {}): Backend {
  current = makeBackend('setBackend', name, options);
  return current;
}

/** The name of the backend new tensors are created on. */
export function getBackend(): string {
  return currentBackend().name;
}

/** The backend object itself (for ops and backends, not for users). */
export function currentBackend(): Backend {
  return (current ??= defaultBackend());
}
