/// <reference types="node" />
// node.ts — the `tensorloom/node` entry: helpers that need Node's file system or threads, kept
// off the main entry so that the library bundles for browsers without Node built-ins. saveFile/
// loadFile are io.saveSafetensors/io.loadSafetensors by path (safetensors.torch's format);
// nodeWorkers runs Word2Vec's workers > 1 on worker_threads: train(sentences, { runner: nodeWorkers }).

import { readFileSync, writeFileSync } from 'node:fs';
import type { Tensor } from './tensor/tensor.js';
import { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from './io/safetensors.js';

export { nodeWorkers } from './nlp/word2vec_threads.js';

/** Reads a whole file as bytes. */
export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/**
 * Writes a state dict to `path` as a .safetensors file (see io.saveSafetensors).
 *
 *   saveFile('model.safetensors', model.stateDict(), { format: 'pt' });
 */
export function saveFile(
  path: string, stateDict: Record<string, Tensor>, metadata?: Record<string, string> | null, options?: SaveSafetensorsOptions,
): void {
  writeFileSync(path, saveSafetensors(stateDict, metadata, options));
}

/**
 * Reads a .safetensors file into a state dict (see io.loadSafetensors); errors name the path.
 *
 *   model.loadStateDict(loadFile('model.safetensors'));
 */
export function loadFile(path: string): Record<string, Tensor> {
  const buf = readFileSync(path);
  try {
    return loadSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (e) {
    throw new Error(`loadFile: ${path}: ${(e as Error).message}`, { cause: e });
  }
}
