// targets.ts — the goals set for tensorloom's wasm backend, each checked on one column against
// another column or a fixed rate, and printed in the report's targets section with the measured
// figures and met / missed (bench/report.ts). The tensorloom-wasm-2 column (2 threads) is judged
// unless a target says otherwise; tensorloom-wasm-1's figure is shown beside it.
// (The cases' own `target` fields are the older goals for the CPU column against tfjs on cpu.)

import { TFJS_WASM, TL_CPU, TL_WASM_1, TL_WASM_2 } from './columns.js';

export interface Target {
  /** the case's name (bench/cases/) */
  case: string;
  label: string;
  /** the column judged */
  library: string;
  /**
   * speedup:   reference ms / library ms >= bound  (for a rate case, the ratio of the rates)
   * timeRatio: library ms / reference ms <= bound
   * rate:      library's rate >= bound, in the case's metric unit (GFLOP/s, GB/s)
   */
  measure: 'speedup' | 'timeRatio' | 'rate';
  bound: number;
  /** the column compared against (speedup, timeRatio) */
  reference?: string;
  /** columns whose figure is shown beside the judged one's, not judged */
  also?: string[];
}

const vs = (c: string, label: string, measure: 'speedup' | 'timeRatio', bound: number, reference: string): Target =>
  ({ case: c, label, library: TL_WASM_2, measure, bound, reference, also: [TL_WASM_1] });

export const TARGETS: Target[] = [
  { case: 'matmul-1024', label: 'matmul 1024, 2 threads: >= 85 GFLOP/s', library: TL_WASM_2, measure: 'rate', bound: 85 },
  { case: 'matmul-1024', label: 'matmul 1024, 1 thread: >= 45 GFLOP/s', library: TL_WASM_1, measure: 'rate', bound: 45 },
  { case: 'matmul-1024', label: 'matmul 1024, 2 threads: >= 2.3x tfjs-wasm', library: TL_WASM_2, measure: 'speedup', bound: 2.3, reference: TFJS_WASM },
  { case: 'matmul-1024', label: 'matmul 1024, 1 thread: >= 1.2x tfjs-wasm', library: TL_WASM_1, measure: 'speedup', bound: 1.2, reference: TFJS_WASM },
  vs('conv2d-fwd-32', 'conv2d forward: >= 1.5x tfjs-wasm', 'speedup', 1.5, TFJS_WASM),
  vs('cnn-train-step', 'CNN training step: >= 2x tfjs-wasm', 'speedup', 2, TFJS_WASM),
  vs('mlp-train-step', "MLP training step: <= 0.4x tfjs-wasm's time", 'timeRatio', 0.4, TFJS_WASM),
  vs('attention-fwd', "attention forward: <= 0.4x tfjs-wasm's time", 'timeRatio', 0.4, TFJS_WASM),
  vs('add-1M', 'add 2^20: >= 1x tfjs-wasm GB/s', 'speedup', 1, TFJS_WASM),
  vs('sum-1M', 'sum 2^20: >= 2x tfjs-wasm GB/s', 'speedup', 2, TFJS_WASM),
  vs('bert-train-step', 'BERT training step: >= 4x faster than tensorloom cpu', 'speedup', 4, TL_CPU),
  vs('transformer-layer-step', 'Transformer-layer step: >= 3x faster than tensorloom cpu', 'speedup', 3, TL_CPU),
  vs('lstm-step', 'LSTM step: >= 3x faster than tensorloom cpu', 'speedup', 3, TL_CPU),
];
