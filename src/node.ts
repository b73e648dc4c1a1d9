/// <reference types="node" />
// node.ts — the `tensorloom/node` entry: helpers that need Node's file system, kept off the main
// entry so that the library bundles for browsers without Node built-ins. saveFile/loadFile are
// io.saveSafetensors/io.loadSafetensors by path (the same format as safetensors.torch's files).

import { readFileSync, writeFileSync } from 'node:fs';
import type { Tensor } from './tensor/tensor.js';
import { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from './io/safetensors.js';

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
