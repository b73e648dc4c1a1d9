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

function tensorloomLibrary(backend: 'cpu' | 'gpujs', name: string, ctx: TensorloomContext): Library {
  return {
    name,
    family: 'tensorloom',
    backend,
    activate: async () => {
      tl.setBackend(backend);
    },
    prepare: (c: BenchCase): Runner | null => (c.tensorloom ? c.tensorloom(ctx) : null),
    info: () => ({ version: ownVersion, backend: tl.getBackend() }),
  };
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
  tensorloomLibrary('cpu', 'tensorloom', { finish: () => {} }),
  tfjsCpu,
  // tensorloomLibrary('gpujs', 'tensorloom-gpujs', { finish: (t) => void t.dataSync() }),
];

/** The column every ratio is taken against. */
export const BASELINE = 'tfjs';
