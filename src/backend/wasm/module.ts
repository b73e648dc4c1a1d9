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
    else if (!WebAssembly.validate(decode(KERNELS.simdUnshared))) unavailable = 'this engine does not support WebAssembly SIMD';
    else unavailable = null;
  }
  return unavailable;
}
let unavailable: string | null | undefined;

/** The build to run: relaxed SIMD if the engine takes it (setting Node's flag first if needed). */
function chooseBytes(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } {
  const relaxedBytes = decode(shared ? KERNELS.relaxed : KERNELS.relaxedUnshared);
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
  return relaxed ? { bytes: relaxedBytes, relaxed } : { bytes: decode(shared ? KERNELS.simd : KERNELS.simdUnshared), relaxed };
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
