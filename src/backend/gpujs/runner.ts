// runner.ts — compiles gpu.js kernels once per source key and runs them. Every kernel has a
// 1-D output and runs in pipeline mode, so its result stays on the device (a Texture on GL)
// and feeds the next kernel directly. The runner counts compilations, compile time, calls and
// any kernel gpu.js degraded to another mode, so a silent fallback cannot go unnoticed.

import { HeadlessGLKernel, WebGL2Kernel, WebGLKernel, type GPU, type IKernelRunShortcut } from 'gpu.js';
import type { KernelSource } from '../../../kernels/common.js';
import type { DeviceValue } from './buffer.js';

export interface KernelStats {
  /** kernels compiled (one per distinct source) */
  compiles: number;
  /** wall time of first calls, which include gpu.js's compile */
  compileMs: number;
  /** kernel calls in all */
  calls: number;
  /** kernels gpu.js ran on another mode than the backend's, with its reason */
  fallbacks: { key: string; mode: string; reason: string }[];
}

/** The mode a gpu.js kernel class runs: its GL classes all report 'gpu', so the class tells which GL. */
export function modeOfKernelClass(k: { mode?: string; prototype?: unknown }): string {
  const is = (c: object): boolean => k === c || k.prototype instanceof (c as new () => unknown);
  if (is(HeadlessGLKernel)) return 'headlessgl';
  if (is(WebGL2Kernel)) return 'webgl2';
  if (is(WebGLKernel)) return 'webgl';
  return k.mode ?? 'unknown';
}

/**
 * gpu.js 2.24.1 rebuilds a kernel when an argument changes type (a host Float32Array on the first
 * call, a Texture later: GL modes only) but passes the rebuilt kernel `dynamicArgument` (sic,
 * src/gpu.js onRequestSwitchKernel), so that kernel reads every later texture argument with the
 * size of the first one it saw, i.e. wrong elements. Rebuilt kernels are made with the old
 * kernel's constructor, so a subclass that always sets dynamicArguments keeps it on all of them.
 */
function keepDynamicArguments(gpu: GPU): void {
  const g = gpu as unknown as { Kernel?: new (...a: never[]) => { dynamicArguments: boolean } };
  if (!g.Kernel) return;
  g.Kernel = class extends g.Kernel {
    constructor(...a: never[]) {
      super(...a);
      this.dynamicArguments = true;
    }
  };
}

export class KernelRunner {
  private readonly cache = new Map<string, IKernelRunShortcut>();
  readonly stats: KernelStats = { compiles: 0, compileMs: 0, calls: 0, fallbacks: [] };
  /** The gpu.js mode kernels actually run on (known after the first compile). */
  activeMode: string | null = null;

  constructor(private readonly gpu: GPU) {
    keepDynamicArguments(gpu);
  }

  /** Runs `src` over `size` output elements with `args`, compiling it on first use. */
  run(src: KernelSource, size: number, args: (DeviceValue | number)[]): DeviceValue {
    const key = `${src.key}#${size}`;
    let kernel = this.cache.get(key);
    this.stats.calls++;
    if (kernel) return kernel(...(args as never[])) as DeviceValue;
    // (gpu.js's typings omit loopMaxIterations from the settings type; the kernel honours it)
    const settings = {
      output: src.output ?? [size],
      pipeline: true,
      immutable: true,
      // one kernel serves views of storages of any size (the source bakes view shapes, not storage sizes)
      dynamicArguments: true,
      precision: 'single',
      tactic: 'precision',
      loopMaxIterations: Math.max(1000, (src.maxLoop ?? 0) + 1),
      ...(src.functions ? { functions: src.functions } : {}),
    };
    kernel = this.gpu.createKernel(src.source, settings as never);
    const t0 = performance.now();
    const out = kernel(...(args as never[])) as DeviceValue;
    this.stats.compileMs += performance.now() - t0;
    this.stats.compiles++;
    this.cache.set(key, kernel);
    this.noteMode(key, kernel);
    return out;
  }

  /** Records which mode a fresh kernel runs on, and any degradation gpu.js chose. */
  private noteMode(key: string, kernel: IKernelRunShortcut): void {
    const impl = (kernel as unknown as { kernel?: { constructor: { mode?: string }; fallbackReason?: string | null } }).kernel;
    const mode = impl ? modeOfKernelClass(impl.constructor) : 'unknown';
    if (this.activeMode === null) this.activeMode = mode;
    else if (mode !== this.activeMode || impl?.fallbackReason) {
      this.stats.fallbacks.push({ key, mode, reason: impl?.fallbackReason ?? `ran on ${mode}, not ${this.activeMode}` });
    }
  }

  /** Frees every compiled kernel (and gpu.js's context). */
  destroy(): void {
    for (const k of this.cache.values()) k.destroy();
    this.cache.clear();
  }
}
