// loss.ts — the wasm backend's fused cross-entropy over (N, C) logits, forward and backward: float32
// goes to the threaded SIMD kernels of kernels/wasm/loss.ts (rows shared out over threads), which
// read the logits in place when each row is contiguous (else from a copy by the wasm copy kernel).
// Targets are bounds-checked here, with the reference's message. float64 and empty inputs take
// cpu/loss.ts. Shapes: N rows, C classes. Reference: torch.nn.functional.cross_entropy.

import type { CrossEntropyOptions, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from '../cpu/loss.js';
import { wasmCopy, whilePinned } from './elementwise.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Elements per thread below which a call stays on the calling thread (an exp and two or three
 * passes per element, ~1-1.5 ns: 2^15 elements are ~40 µs). */
const GRAIN = 1 << 15;

/**
 * Argument words 0-11 shared by both kernels (logits, targets, weight, ignoreIndex, ε, Σ w) and
 * the storages to pin, or null when the kernels cannot take these inputs. Throws on a target
 * outside [0, C) (not ignoreIndex), as the reference does.
 */
function rowsArgs(op: string, be: WasmBackend, x: View<Arr>, y: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType): { words: number[]; keep: Arr[] } | null {
  const w = o.weight;
  if (dtype !== 'float32' || !(x.data instanceof Float32Array) || !(y.data instanceof Int32Array) || (w && !(w.data instanceof Float32Array))) return null;
  const [N, C] = x.shape;
  if (N === 0 || C === 0) return null;
  for (let i = 0; i < N; i++) {
    const t = y.data[y.offset + i * y.stride[0]];
    if (t !== o.ignoreIndex && !(t >= 0 && t < C)) throw new Error(`${op}: target ${t} is out of bounds for ${C} classes`);
  }
  // each row's classes contiguous: x itself, or a contiguous copy
  const rowsFlat = x.stride[1] === 1 || C === 1;
  const xs = rowsFlat ? be.adopt(x.data) : wasmCopy(be, x, 'float32');
  const ys = be.adopt(y.data);
  const wFlat = w !== null && (w.stride[0] === 1 || C === 1);
  const ws = !w ? null : wFlat ? be.adopt(w.data) : wasmCopy(be, w, 'float32');
  const keep = [xs, ys, ...(ws ? [ws] : [])];
  if (!keep.every((a) => be.runtime.heap.isResident(a))) return null;
  let wSum = 0;
  for (let c = 0; c < C; c++) wSum += w ? w.data[w.offset + c * w.stride[0]] : 1;
  const words = [
    xs.byteOffset + (rowsFlat ? x.offset * 4 : 0), rowsFlat ? x.stride[0] : C, N, C,
    ys.byteOffset + y.offset * 4, y.stride[0], ws ? ws.byteOffset + (wFlat ? w!.offset * 4 : 0) : 0,
    o.ignoreIndex, ...be.runtime.f64(o.labelSmoothing), ...be.runtime.f64(wSum),
  ];
  return { words, keep };
}

export function wasmCrossEntropy(be: WasmBackend, x: View<Arr>, y: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType): { loss: Arr; lse: Arr } {
  const a = rowsArgs('crossEntropy', be, x, y, o, dtype);
  const N = x.shape[0], heap = be.runtime.heap;
  const loss = a ? be.alloc('float32', N) : null, lse = a ? be.alloc('float32', N) : null;
  if (!a || !loss || !lse || !heap.isResident(loss) || !heap.isResident(lse)) {
    const r = crossEntropyKernel(x, y, o, dtype);
    return { loss: be.adopt(r.loss), lse: be.adopt(r.lse) };
  }
  const nt = Math.min(N, threadsFor(N * x.shape[1], GRAIN));
  whilePinned(a.keep, () => be.runtime.call('crossEntropyF32', nt, [...a.words, loss.byteOffset, lse.byteOffset]));
  return { loss, lse };
}

export function wasmCrossEntropyBackward(
  be: WasmBackend, x: View<Arr>, y: View<Arr>, lse: View<Arr>, dloss: View<Arr>, o: CrossEntropyOptions<Arr>, dtype: DType,
): Arr {
  const reference = (): Arr => be.adopt(crossEntropyBackwardKernel(x, y, lse, dloss, o, dtype));
  if (!(lse.data instanceof Float32Array) || !(dloss.data instanceof Float32Array)) return reference();
  const a = rowsArgs('crossEntropyBackward', be, x, y, o, dtype);
  const [N, C] = x.shape, heap = be.runtime.heap;
  const dx = a ? be.alloc('float32', N * C) : null;
  const ls = be.adopt(lse.data), ds = be.adopt(dloss.data);
  if (!a || !dx || ![dx, ls, ds].every((s) => heap.isResident(s))) return reference();
  const words = [...a.words, ls.byteOffset + lse.offset * 4, lse.stride[0], ds.byteOffset + dloss.offset * 4, dloss.stride[0], dx.byteOffset];
  whilePinned([...a.keep, ls, ds], () => be.runtime.call('crossEntropyBackwardF32', Math.min(N, threadsFor(N * C, GRAIN)), words));
  return dx;
}
