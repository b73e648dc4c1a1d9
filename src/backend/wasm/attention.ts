// attention.ts — the wasm backend's fused attention and its backward: float32 goes to the threaded
// SIMD kernels of kernels/wasm/attention.ts (FlashAttention-style row blocks over the GEMM; Dao et
// al. 2022). The host lists each batch entry's byte addresses in a table in wasm memory, so strided
// q, k, v and broadcast masks ((B, 1, 1, S) padding) are read in place, never expanded. float64 and
// S, d or dv = 0 take cpu/attention.ts. Shapes: … leading dims (nb entries), T, S, d, dv as there.

import type { AttentionMasks, View } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { batchOffsets } from '../strided.js';
import { attentionBackwardKernel, attentionKernel } from '../cpu/attention.js';
import { whilePinned } from './elementwise.js';
import type { WasmBackend } from './index.js';
import { threadsFor } from './runtime.js';

type Arr = TypedArray;

/** Flops per thread below which attention stays on the calling thread (as matmul's GRAIN). */
const GRAIN = 1 << 22;
/** Rows per block: 64, fewer when S is so long that a (br, S) block of scores passes 512 KB. */
const BR_MAX = 64;
const BLOCK_FLOATS = 1 << 17;
const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** What both kernels need: the argument words 0-20 (scratch still unset), the table and its storages. */
interface Plan { words: number[]; nb: number; T: number; S: number; d: number; dv: number; br: number; keep: Arr[]; bytes: number }

/**
 * The argument block of kernels/wasm/attention.ts for q, k, v, the masks and (backward) out,
 * dout, lse; null when the kernels cannot take them (dtype, degenerate shapes, memory full).
 */
function plan(be: WasmBackend, q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number, dtype: DType, saved: View<Arr>[]): Plan | null {
  const { bias, blocked } = masks;
  const floats = [q, k, v, ...(bias ? [bias] : []), ...saved];
  if (dtype !== 'float32' || floats.some((x) => !(x.data instanceof Float32Array)) || (blocked && !(blocked.data instanceof Uint8Array))) return null;
  const n = q.shape.length, lead = q.shape.slice(0, n - 2), nb = numel(lead);
  const T = q.shape[n - 2], S = k.shape[n - 2], d = q.shape[n - 1], dv = v.shape[n - 1];
  if (nb * T === 0 || S === 0 || d === 0 || dv === 0) return null;
  const heap = be.runtime.heap;
  // the table: per batch entry, the byte address of element [0, 0] of q, k, v, bias, blocked, out, dout, lse
  const views = [q, k, v, bias, blocked, ...saved];
  const keep = views.map((x) => (x ? be.adopt(x.data) : null));
  const table = be.alloc('int32', nb * 8);
  if (!heap.isResident(table) || keep.some((a) => a && !heap.isResident(a))) return null;
  views.forEach((x, col) => {
    if (!x) return;
    const a = keep[col]!;
    batchOffsets(x, lead).forEach((off, b) => { table[b * 8 + col] = a.byteOffset + off * a.BYTES_PER_ELEMENT; });
  });
  const br = Math.max(4, Math.min(BR_MAX, Math.ceil(T / 4) * 4, Math.floor(BLOCK_FLOATS / S / 4) * 4));
  const rs = (x: View<Arr> | null): number[] => (x ? [x.stride[n - 2], x.stride[n - 1]] : [0, 0]);
  const flags = (bias ? 1 : 0) | (blocked ? 2 : 0) | (masks.causal ? 4 : 0);
  const words = [nb, T, S, d, dv, br, table.byteOffset, ...rs(q), ...rs(k), ...rs(v), ...rs(bias), ...rs(blocked), flags, be.runtime.f32(scale), 0, 0];
  // a thread's scratch, as the kernel lays it out: the GEMM's, two (br, S) blocks, br floats
  const bytes = be.runtime.exports.sgemmScratchBytes() + 2 * align64(br * S * 4) + align64(br * 4);
  return { words, nb, T, S, d, dv, br, keep: [table, ...keep.filter((a): a is Arr => a !== null)], bytes };
}

export function wasmAttention(be: WasmBackend, q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number, dtype: DType): { out: Arr; lse: Arr } {
  const p = plan(be, q, k, v, masks, scale, dtype, []);
  const out = p ? be.alloc('float32', p.nb * p.T * p.dv) : null, lse = p ? be.alloc('float32', p.nb * p.T) : null;
  if (!p || !out || !lse || !be.runtime.heap.isResident(out) || !be.runtime.heap.isResident(lse)) {
    const r = attentionKernel(q, k, v, masks, scale, dtype);
    return { out: be.adopt(r.out), lse: be.adopt(r.lse) };
  }
  const { nb, T, S, d, dv, br } = p, rt = be.runtime;
  const nt = Math.min(nb * Math.ceil(T / br), threadsFor(2 * nb * T * S * (d + dv), GRAIN));
  p.words[19] = rt.scratch(p.bytes, nt);
  p.words[20] = p.bytes;
  whilePinned(p.keep, () => rt.call('attentionF32', nt, [...p.words, out.byteOffset, lse.byteOffset]));
  return { out, lse };
}

export function wasmAttentionBackward(
  be: WasmBackend, q: View<Arr>, k: View<Arr>, v: View<Arr>, masks: AttentionMasks<Arr>, scale: number,
  out: View<Arr>, lse: View<Arr>, dout: View<Arr>, dtype: DType,
): { dq: Arr; dk: Arr; dv: Arr } {
  const p = plan(be, q, k, v, masks, scale, dtype, [out, dout, lse]);
  const heap = be.runtime.heap;
  const grads = p ? [be.alloc('float32', p.nb * p.T * p.d), be.alloc('float32', p.nb * p.S * p.d), be.alloc('float32', p.nb * p.S * p.dv)] : [];
  if (!p || !grads.every((g) => heap.isResident(g))) {
    const r = attentionBackwardKernel(q, k, v, masks, scale, out, lse, dout, dtype);
    return { dq: be.adopt(r.dq), dk: be.adopt(r.dk), dv: be.adopt(r.dv) };
  }
  const { nb, T, S, d, dv, br } = p, rt = be.runtime, n = q.shape.length;
  const nt = Math.min(nb * Math.ceil(T / br), threadsFor(4 * nb * T * S * (d + dv), GRAIN));
  // fewer (or unevenly many) batch entries than threads: share out row blocks, each thread adding
  // into its own dk, dv parts (after the rest of its scratch), then sum the parts
  const split = nt > 1 && nb % nt !== 0 && nb < 4 * nt;
  const bytes = p.bytes + (split ? align64(nb * S * (d + dv) * 4) : 0);
  const [dq, dk, dV] = grads;
  const words = [...p.words, out.stride[n - 2], out.stride[n - 1], dout.stride[n - 2], dout.stride[n - 1], lse.stride[n - 2],
    dq.byteOffset, dk.byteOffset, dV.byteOffset, split ? 1 : 0, 0];
  words[19] = rt.scratch(bytes, nt);
  words[20] = bytes;
  whilePinned(p.keep, () => {
    rt.call('attentionBackwardF32', nt, words);
    if (split) rt.call('attentionBackwardF32', nt, words.map((w, i) => (i === 30 ? 1 : w)));
  });
  return { dq, dk, dv: dV };
}
