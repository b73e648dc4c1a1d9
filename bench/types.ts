// types.ts — what a benchmark case and a library column are. A case names one unit of work
// (one matmul, one training step), how much work it is (for GFLOP/s or GB/s), and how to set it
// up in each library family; a library is one column of the table: a family plus a backend.
// Adding a case = adding a BenchCase to a file in cases/; adding a backend = adding a Library.

import type { Tensor } from '../src/index.js';
import type { TimingOptions } from './harness.js';

/** The library families a case can be written for. Each family may have several backends. */
export type Family = 'tensorloom' | 'tfjs';

/** One prepared benchmark in one library: inputs are built, run() does one call of the work. */
export interface Runner {
  /** One timed call (a returned promise is awaited). It must leave nothing live behind (tfjs: wrap in tf.tidy). */
  run(): void | Promise<void>;
  /** A few numbers from one call (untimed), compared across libraries to catch a wrong case. */
  check?(): number[];
  /** Frees the inputs (tfjs tensors). */
  dispose?(): void;
}

export interface TensorloomContext {
  /**
   * Makes sure the work behind `t` is done. The CPU backend computes eagerly, so there this does
   * nothing (no dataSync copy is billed to tensorloom); a lazy or GPU backend reads `t` back.
   */
  finish(t: Tensor): void;
}

export interface TfjsContext {
  /** The @tensorflow/tfjs module (core ops, tf.layers, tf.train), with this column's backend active. */
  tf: typeof import('@tensorflow/tfjs');
  /**
   * Makes sure the work behind a result is done, as TensorloomContext.finish. tfjs's cpu and wasm
   * backends compute when an op is called, so this does nothing. (A run() that read results with
   * dataSync() would bill tfjs-wasm a copy out of its heap, HEAPU8.slice, that no other column
   * pays: tfjs-cpu's dataSync returns its stored array, tensorloom's finish() reads nothing.)
   */
  finish(t: import('@tensorflow/tfjs').Tensor | import('@tensorflow/tfjs').Tensor[]): void;
}

export interface Metric {
  unit: 'GFLOP/s' | 'GB/s' | 'words/s';
  /** GFLOP, GB or words of work in one call: the rate is amount / seconds per call. */
  amount: number;
}

export interface BenchCase {
  /** Short, unique, used by --filter: 'matmul-512'. */
  name: string;
  /** What one call does, for the JSON report. */
  description: string;
  metric?: Metric;
  /**
   * A goal for the first column: speed (1 / time) at least `minRatio` × the baseline column's, or,
   * with `referenceRate` (for a case no other library runs), a rate at least `minRatio` × that
   * fixed number in the metric's unit (e.g. word2vec.c's words/s on this machine).
   */
  target?: { minRatio: number; label: string; referenceRate?: number };
  /** Relative tolerance of the cross-library check (default 1e-3). */
  checkTol?: number;
  /** A different tolerance for some columns (a backend with float32 sums or approximate exp/tanh). */
  checkTolFor?: Record<string, number>;
  /**
   * Lower limits for a case with a call of seconds in some column (tfjs's conv backward): fewer
   * warmup calls and samples. They can only lower the run's options, so --quick stays quicker.
   */
  timing?: Partial<TimingOptions>;
  /**
   * The work never touches a tensor backend (Word2Vec's Float32Array loops), so only the cpu
   * column runs it; gpujs columns would time the same code again.
   */
  backendFree?: boolean;
  /**
   * Columns that don't run this case, each with the reason (shown as n/a): a call that would take
   * tens of seconds there (tfjs-backend-cpu's 2048² matmul), where the other columns take one or two.
   */
  skip?: Record<string, string>;
  tensorloom?: (ctx: TensorloomContext) => Runner;
  tfjs?: (ctx: TfjsContext) => Runner;
}

/** One column of the table. */
export interface Library {
  /** Column name: 'tensorloom', 'tfjs', 'tfjs-wasm', 'tensorloom-wasm-2', ... (bench/columns.ts). */
  name: string;
  family: Family;
  /** Backend inside the family ('cpu', 'wasm', 'wasm:2', 'gpujs:webasm', ...). */
  backend: string;
  /** Selects the backend; throws if it is unavailable (the column then shows n/a). */
  activate(): Promise<void>;
  /** Builds the runner for a case, or returns null if the case has no version for this family. */
  prepare(c: BenchCase): Runner | null;
  /** Library version and anything else worth recording. */
  info(): Record<string, string>;
  /** Count of live library objects (tfjs tensors), to report a case that leaks. */
  liveObjects?(): number;
  /** Milliseconds spent compiling kernels so far (gpujs), reported per case. */
  compileMs?(): number;
}
