/// <reference types="node" />
// node.ts — the `tensorloom/node` entry: helpers that need Node's file system. Kept off the
// main entry so that the library bundles for browsers without Node built-ins.

import { readFileSync } from 'node:fs';

/** Reads a whole file as bytes (the basis of loadFile for safetensors, added with io). */
export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}
