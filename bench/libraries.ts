// libraries.ts — the columns of the benchmark table. tensorloom's CPU backend is the first
// column (the one targets are about), tfjs (core + layers) on its CPU backend is the baseline. A new
// tensorloom backend (e.g. 'gpujs') is one more entry: family 'tensorloom', its own activate()
// and a finish() that reads results back, so every tensorloom case runs on it unchanged.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
// the union package: tfjs-core, tfjs-layers and the cpu backend, and (unlike tfjs-core's Node
// build alone) it registers the gradients and chained ops that tf.grads and optimizers need
import * as tf from '@tensorflow/tfjs';
import * as tl from '../src/index.js';
import type { GpuJsBackend } from '../src/backend/gpujs/index.js';
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
    name: 'tensorloom',
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

const tfjsCpu: Library = {
  name: 'tfjs',
  family: 'tfjs',
  backend: 'cpu',
  activate: async () => {
    if (tf.getBackend() === 'cpu') return; // (getBackend() is undefined before the first setBackend)
    const ok = await quietly(async () => {
      const set = await tf.setBackend('cpu');
      tf.scalar(0).dispose(); // the first write prints an 'install tfjs-node' banner
      return set;
    });
    if (!ok) throw new Error('tfjs: the cpu backend failed to initialize');
  },
  prepare: (c: BenchCase): Runner | null => (c.tfjs ? c.tfjs({ tf }) : null),
  info: () => ({
    version: tf.version.tfjs,
    core: tf.version_core,
    layers: tf.version_layers,
    backendCpu: versionOf('@tensorflow/tfjs-backend-cpu'),
    backend: tf.getBackend(),
  }),
  liveObjects: () => tf.memory().numTensors,
};

/** All known columns, first the one whose targets are checked, then the baseline. */
export const LIBRARIES: Library[] = [
  tensorloomCpu(),
  tfjsCpu,
  // 'gpu' is gpu.js's own choice (headlessgl where built, else webasm); the rest pin a mode
  ...['gpu', 'headlessgl', 'webasm', 'cpu'].map(tensorloomGpujs),
];

/** The column every ratio is taken against. */
export const BASELINE = 'tfjs';
