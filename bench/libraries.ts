// libraries.ts — the columns of the benchmark table. tensorloom's CPU backend is the first
// column (the one the cases' own targets are about), tfjs (core + layers) on its CPU backend is
// the baseline; then tfjs on its WebAssembly backend (XNNPACK, bench/tfjs-wasm.ts), tensorloom's
// wasm backend with 1 and 2 threads (the targets in bench/targets.ts), and tensorloom's gpujs
// backend in each gpu.js mode. A new tensorloom backend is one more entry: family 'tensorloom',
// its own activate() and a finish() that reads results back if it computes lazily, so every
// tensorloom case runs on it unchanged. tfjs has one active backend at a time: each tfjs column's
// activate() switches to its backend (awaiting tf.setBackend and tf.ready), and the harness calls
// it before every sample, so tfjs and tfjs-wasm alternate; each keeps its tensors on its backend.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// the union package: tfjs-core, tfjs-layers and the cpu backend, and (unlike tfjs-core's Node
// build alone) it registers the gradients and chained ops that tf.grads and optimizers need
import * as tf from '@tensorflow/tfjs';
import * as tl from '../src/index.js';
import type { GpuJsBackend } from '../src/backend/gpujs/index.js';
import { TFJS_CPU, TFJS_WASM, TL_CPU, TL_WASM_1, TL_WASM_2 } from './columns.js';
import { initTfjsWasm, WASM_DIR, type TfjsWasmInfo } from './tfjs-wasm.js';
import type { BenchCase, Library, Runner, TensorloomContext } from './types.js';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;
const ownVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Silences tfjs's "install tfjs-node" banner, which it prints when a backend is first used. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn, log = console.log;
  console.warn = console.log = () => {};
  try {
    return await fn();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

function tensorloomCpu(): Library {
  const ctx: TensorloomContext = { finish: () => {} };
  return {
    name: TL_CPU,
    family: 'tensorloom',
    backend: 'cpu',
    activate: async () => {
      tl.setBackend('cpu');
    },
    prepare: (c: BenchCase): Runner | null => (c.tensorloom ? c.tensorloom(ctx) : null),
    info: () => ({ version: ownVersion, backend: 'cpu' }),
  };
}

/**
 * tensorloom on the gpujs backend in one gpu.js mode. On the GL modes kernels run
 * asynchronously on the device, so finish() reads the result back (that is when the work is
 * known done); on webasm and cpu a kernel call returns its result, so there is nothing to wait for.
 * The column also reports kernel compilation: how many kernels and how long their first calls took.
 */
function tensorloomGpujs(mode: string): Library {
  let backend: GpuJsBackend | null = null;
  const gl = !['webasm', 'cpu'].includes(mode);
  const ctx: TensorloomContext = { finish: (t) => { if (gl && backend?.activeMode !== 'webasm' && backend?.activeMode !== 'cpu') void t.dataSync(); } };
  return {
    name: `tensorloom-gpujs-${mode}`,
    family: 'tensorloom',
    backend: `gpujs:${mode}`,
    activate: async () => {
      await tl.loadBackend('gpujs', { mode }); // imports gpu.js (once)
      backend = tl.setBackend('gpujs', { mode }) as GpuJsBackend;
      if (mode !== 'gpu') probeMode(backend, mode);
    },
    prepare: (c: BenchCase): Runner | null => (c.tensorloom && !c.backendFree ? c.tensorloom(ctx) : null),
    info: () => ({
      version: ownVersion,
      gpujs: versionOf('gpu.js'),
      requestedMode: mode,
      activeMode: backend?.activeMode ?? 'n/a',
      kernelsCompiled: String(backend?.runner.stats.compiles ?? 0),
      compileMs: (backend?.runner.stats.compileMs ?? 0).toFixed(0),
      fallbacks: String(backend?.runner.stats.fallbacks.length ?? 0),
    }),
    compileMs: () => backend?.runner.stats.compileMs ?? 0,
  };
}

/** Runs one tiny kernel so an unavailable mode (no headless-gl here) fails at activation, as n/a. */
function probeMode(b: GpuJsBackend, mode: string): void {
  if (b.runner.stats.compiles > 0) return;
  void tl.ones([2]).add(1).dataSync();
  if (b.activeMode !== mode) throw new Error(`gpu.js ran mode '${b.activeMode}' when asked for '${mode}'`);
}

/** Makes `name` tfjs's active backend (a no-op when it already is). */
async function tfjsUse(name: string): Promise<void> {
  if (tf.getBackend() === name) return; // (getBackend() is undefined before the first setBackend)
  const ok = await quietly(async () => {
    const set = await tf.setBackend(name);
    await tf.ready();
    if (set) tf.scalar(0).dispose(); // the first write on the cpu backend prints an 'install tfjs-node' banner
    return set;
  });
  if (!ok || tf.getBackend() !== name) throw new Error(`tfjs: the ${name} backend failed to initialize`);
}

/**
 * Data buffers held by one tfjs backend. (tf.memory().numTensors counts every backend's tensors, so
 * with two tfjs columns live one column's inputs would read as the other's leak.)
 */
const tfjsLive = (name: string): number => {
  try {
    return tf.findBackend(name)?.numDataIds() ?? 0;
  } catch {
    return 0; // not initialized
  }
};

const tfjsCpu: Library = {
  name: TFJS_CPU,
  family: 'tfjs',
  backend: 'cpu',
  activate: () => tfjsUse('cpu'),
  prepare: (c: BenchCase): Runner | null => (c.tfjs ? c.tfjs({ tf, finish: () => {} }) : null),
  info: () => ({
    version: tf.version.tfjs,
    core: tf.version_core,
    layers: tf.version_layers,
    backendCpu: versionOf('@tensorflow/tfjs-backend-cpu'),
    backend: 'cpu',
  }),
  liveObjects: () => tfjsLive('cpu'),
};

/**
 * TensorFlow.js on its WebAssembly backend: the .wasm binaries from node_modules, the SIMD build on
 * one thread (the threaded build only with TFJS_WASM_THREADS, see bench/tfjs-wasm.ts). Same case
 * code as the tfjs column: every tfjs case runs here unchanged. Its kernels (XNNPACK's too, whose
 * pool the calling thread waits on) are done when the op returns: finish() has nothing to do.
 */
function tfjsWasm(): Library {
  let wasm: TfjsWasmInfo | null = null;
  return {
    name: TFJS_WASM,
    family: 'tfjs',
    backend: 'wasm',
    activate: async () => {
      wasm ??= await quietly(() => initTfjsWasm(tf));
      await tfjsUse('wasm');
    },
    prepare: (c: BenchCase): Runner | null => (c.tfjs ? c.tfjs({ tf, finish: () => {} }) : null),
    info: () => ({
      version: tf.version.tfjs,
      backendWasm: versionOf('@tensorflow/tfjs-backend-wasm'),
      backend: 'wasm',
      wasmPaths: WASM_DIR,
      build: wasm?.build ?? 'n/a',
      simd: String(wasm?.simd ?? 'n/a'),
      threads: String(wasm?.threads ?? 'n/a'),
      ...(wasm?.requestedThreads ? { requestedThreads: String(wasm.requestedThreads) } : {}),
      conv2dBackpropFilter: wasm?.conv2dBackpropFilter ?? 'n/a',
    }),
    liveObjects: () => tfjsLive('wasm'),
  };
}

/**
 * The wasm backend's API, which src/index.ts exports once the backend exists (read through the
 * namespace so the bench typechecks before and after it lands).
 */
interface WasmApi {
  setNumThreads?: (n: number) => unknown;
  getNumThreads?: () => number;
  wasmMemoryStats?: () => { committed: number; live: number; collections: number; fallbacks: number } | null;
}
const wasmApi = tl as unknown as WasmApi;
/** tl.loadBackend('wasm'), once for both wasm columns. */
let wasmLoaded: Promise<unknown> | null = null;

/** The wasm heap's figures at the end of the run (shared by both wasm columns), if the backend reports them. */
function heapInfo(): Record<string, string> {
  const h = typeof wasmApi.wasmMemoryStats === 'function' ? wasmApi.wasmMemoryStats() : null;
  return h ? { heapCommittedMB: (h.committed / 2 ** 20).toFixed(1), heapCollections: String(h.collections), heapFallbacks: String(h.fallbacks) } : {};
}

/**
 * tensorloom on its wasm backend with `threads` threads. Until src/index.ts exports
 * setNumThreads, activate() throws and the column reads n/a with the reason. The backend computes
 * in linear memory when an op is called, so finish() has nothing to wait for (as on the CPU backend).
 */
function tensorloomWasm(threads: number): Library {
  const ctx: TensorloomContext = { finish: () => {} };
  let ran: number | null = null; // getNumThreads() after this column's last activation
  return {
    name: threads === 1 ? TL_WASM_1 : TL_WASM_2,
    family: 'tensorloom',
    backend: `wasm:${threads}`,
    activate: async () => {
      const { setNumThreads, getNumThreads } = wasmApi;
      if (typeof setNumThreads !== 'function' || typeof getNumThreads !== 'function') {
        throw new Error('no wasm backend yet (src/index.ts exports no setNumThreads/getNumThreads)');
      }
      // (called before every sample: setBackend('wasm') re-validates the kernel binary, so only on a switch)
      const wasm = 'wasm' as string as tl.BackendName;
      await (wasmLoaded ??= tl.loadBackend(wasm)); // compiles the kernels once
      if (tl.getBackend() !== 'wasm') tl.setBackend(wasm);
      if (getNumThreads() !== threads) await setNumThreads(threads);
      ran = getNumThreads();
      if (ran !== threads) throw new Error(`setNumThreads(${threads}) left the wasm backend on ${ran} thread(s)`);
    },
    prepare: (c: BenchCase): Runner | null => (c.tensorloom && !c.backendFree ? c.tensorloom(ctx) : null),
    info: () => ({
      version: ownVersion,
      backend: 'wasm',
      requestedThreads: String(threads),
      threads: ran === null ? 'n/a' : String(ran),
      ...heapInfo(),
    }),
  };
}

/** All known columns, first the one whose targets are checked, then the baseline. */
export const LIBRARIES: Library[] = [
  tensorloomCpu(),
  tfjsCpu,
  tfjsWasm(),
  tensorloomWasm(1),
  tensorloomWasm(2),
  // 'gpu' is gpu.js's own choice (headlessgl where built, else webasm); the rest pin a mode
  ...['gpu', 'headlessgl', 'webasm', 'cpu'].map(tensorloomGpujs),
];

/** The column every ratio is taken against. */
export const BASELINE = TFJS_CPU;
