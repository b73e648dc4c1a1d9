// module.ts — turns the embedded kernel builds (binary.gen.ts, made by scripts/build-wasm.mjs)
// into a compiled WebAssembly.Module: checks that the engine has SIMD, prefers the relaxed-SIMD
// build (fused multiply-add) where the engine accepts it, and picks shared memory (threads) or
// unshared. Node 20 runs relaxed SIMD only behind --experimental-wasm-relaxed-simd, which V8
// lets us set at run time before compiling (worker threads inherit it); later engines ship it.

import { KERNELS } from './binary.gen.js';
import { nodeBuiltin } from '../node_builtin.js';

export interface CompiledKernels {
  module: WebAssembly.Module;
  relaxed: boolean;
  shared: boolean;
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Reads an unsigned LEB128 integer at bytes[at]: [value, next offset]. */
function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0, shift = 0, b: number;
  do {
    b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, at];
}

/**
 * The same module importing an unshared memory: the kernels use no atomics, so the only
 * difference is the memory import's limits flag (0x03 shared with a maximum -> 0x01), one byte
 * in the import section, found by walking its entries (module name, field name, kind, type).
 */
export function unshared(shared: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bytes = shared.slice();
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    if (id === 2) {
      let [count, p] = leb(bytes, body);
      for (; count > 0; count--) {
        let n: number;
        [n, p] = leb(bytes, p); p += n; // module name
        [n, p] = leb(bytes, p); p += n; // field name
        const kind = bytes[p++];
        if (kind === 2) {
          if (bytes[p] === 0x03) bytes[p] = 0x01;
          return bytes;
        }
        if (kind === 0) [, p] = leb(bytes, p); // function: type index
        else if (kind === 1) { p++; const flags = bytes[p++]; [, p] = leb(bytes, p); if (flags & 1) [, p] = leb(bytes, p); } // table
        else if (kind === 3) p += 2; // global: type, mutability
      }
    }
    at = body + size;
  }
  throw new Error('wasm backend: the kernel module imports no memory');
}

/** Whether this process can share memory between threads (Node; cross-origin-isolated pages). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated !== false;
}

/** Why the wasm backend cannot run here, or null if it can (WebAssembly with SIMD). */
export function wasmUnavailableReason(): string | null {
  if (unavailable === undefined) {
    if (typeof WebAssembly !== 'object') unavailable = 'this JavaScript engine has no WebAssembly';
    else if (!WebAssembly.validate(unshared(decode(KERNELS.simd)))) unavailable = 'this engine does not support WebAssembly SIMD';
    else unavailable = null;
  }
  return unavailable;
}
let unavailable: string | null | undefined;

/** The build to run: relaxed SIMD if the engine takes it (setting Node's flag first if needed). */
function chooseBytes(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } {
  const variant = (b64: string): Uint8Array<ArrayBuffer> => (shared ? decode(b64) : unshared(decode(b64)));
  const relaxedBytes = variant(KERNELS.relaxed);
  let relaxed = WebAssembly.validate(relaxedBytes);
  const v8 = nodeBuiltin<{ setFlagsFromString(f: string): void }>('v8');
  if (!relaxed && v8) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxed = WebAssembly.validate(relaxedBytes);
    } catch {
      relaxed = false;
    }
  }
  return relaxed ? { bytes: relaxedBytes, relaxed } : { bytes: variant(KERNELS.simd), relaxed };
}

/** Compiles synchronously (Node; browsers may refuse large modules on the main thread). */
export function compileKernelsSync(): CompiledKernels {
  const shared = canShareMemory();
  const { bytes, relaxed } = chooseBytes(shared);
  return { module: new WebAssembly.Module(bytes), relaxed, shared };
}

/** Compiles off the main thread where the engine can (browsers). */
export async function compileKernels(): Promise<CompiledKernels> {
  const shared = canShareMemory();
  const { bytes, relaxed } = chooseBytes(shared);
  return { module: await WebAssembly.compile(bytes), relaxed, shared };
}
