// registry.ts — which backend new tensors are created on: setBackend / getBackend.
// Backends are plain objects implementing the typed `Backend` interface; 'cpu' is built in
// and the default. Tensors remember the backend they were made on, so switching backends
// never silently mixes storages (ops check that every operand shares one backend).

import type { Backend } from './backend.js';
import { CpuBackend } from './cpu/index.js';
import { GpuJsBackend } from './gpujs/index.js';

export type BackendName = 'cpu' | 'gpujs';

export interface BackendOptions {
  /** gpu.js mode for the 'gpujs' backend: 'gpu' | 'webgl' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu'. */
  mode?: string;
}

type Factory = (options: BackendOptions) => Backend;

const factories = new Map<string, Factory>([
  ['cpu', () => new CpuBackend()],
  ['gpujs', (o) => new GpuJsBackend(o)],
]);
const cpu = new CpuBackend();
const instances = new Map<string, Backend>();
let current: Backend = cpu;

/** Lets a backend module (e.g. the gpu.js one) make itself available to setBackend. */
export function registerBackend(name: BackendName, factory: Factory): void {
  factories.set(name, factory);
}

/** A backend object by name ('cpu' is one shared instance; others are made by their factory). */
export function makeBackend(op: string, name: BackendName, options: BackendOptions = {}): Backend {
  const factory = factories.get(name);
  if (!factory) {
    throw new Error(`${op}: unknown or unavailable backend '${String(name)}' (available: ${[...factories.keys()].join(', ')})`);
  }
  if (name === 'cpu') return cpu;
  if (current.name === name && !options.mode) return current;
  // one instance per (backend, mode), so tensors made under the same setting share a backend
  const key = `${name}:${options.mode ?? ''}`;
  let b = instances.get(key);
  if (!b) instances.set(key, (b = factory(options)));
  return b;
}

/** Makes `name` the backend for tensors created from now on. */
export function setBackend(name: BackendName, options: BackendOptions = {}): Backend {
  current = makeBackend('setBackend', name, options);
  return current;
}

/** The name of the backend new tensors are created on. */
export function getBackend(): string {
  return current.name;
}

/** The backend object itself (for ops and backends, not for users). */
export function currentBackend(): Backend {
  return current;
}
