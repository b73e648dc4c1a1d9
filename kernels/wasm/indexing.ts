// indexing.ts — kernels that move 4-byte elements by index: strided block copies (cat, embed),
// indexSelect's row copies (an embedding lookup) and indexAdd's row adds, gather and scatterAdd
// over a strided walk of rank <= 4. Twin of src/backend/cpu/indexing.ts; the host checks
// indexSelect / indexAdd indices first, gather and scatterAdd report their first bad index (its
// flat position and value) so the host throws the reference's error. Moves copy bits (any dtype).
import { arg, shareLo } from './common';
import { gatherRow } from './conv';

/** dst[k * ds] = src[k * ss] for k < n: a memcpy when both are contiguous, else conv.ts's row loads. */
function copyRun(dst: usize, src: usize, n: i32, ss: i32, ds: i32): void {
  if (ss == 1 && ds == 1 && n >= 64) {
    memory.copy(dst, src, <usize>n << 2);
  } else if (ds == 1) {
    gatherRow(dst, src, n, ss);
  } else {
    for (let k = 0; k < n; k++) store<u32>(dst + (<usize>(k * ds) << 2), load<u32>(src + (<usize>(k * ss) << 2)));
  }
}

/**
 * Element offset of row `row` (the flat index over the first three of four dims, their sizes at
 * words shapeAt..shapeAt+2) for the strides at words stridesAt..stridesAt+2.
 */
// @ts-ignore: decorator
@inline function rowOffset(args: usize, row: i32, shapeAt: i32, stridesAt: i32): i32 {
  const n1 = arg(args, shapeAt + 1), n2 = arg(args, shapeAt + 2);
  const c2 = row % n2, r = row / n2;
  return (r / n1) * arg(args, stridesAt) + (r % n1) * arg(args, stridesAt + 1) + c2 * arg(args, stridesAt + 2);
}

/**
 * dst[f] = src[f] over a row-major shape of rank <= 4 (cat, embed): argument words 0 src, 1 dst,
 * 2 count, 3-6 shape (outer dims 1 when the rank is lower), 7-10 src strides, 11-14 dst strides.
 * The elements are shared out in flat order, 64 at a time, so a single long run is split too.
 */
export function copyRuns(tid: i32, nt: i32, args: usize): void {
  const src = <usize>arg(args, 0), dst = <usize>arg(args, 1), count = arg(args, 2);
  const n3 = arg(args, 6), ss3 = arg(args, 10), ds3 = arg(args, 14);
  const lo = shareLo(count, tid, nt, 64), hi = shareLo(count, tid + 1, nt, 64);
  for (let f = lo; f < hi;) {
    const row = f / n3, k0 = f % n3, m = min(n3 - k0, hi - f);
    const s = rowOffset(args, row, 3, 7) + k0 * ss3, d = rowOffset(args, row, 3, 11) + k0 * ds3;
    copyRun(dst + (<usize>d << 2), src + (<usize>s << 2), m, ss3, ds3);
    f += m;
  }
}

/**
 * indexSelect: out[o, t, :] = x[o, ids[t], :] for o < O, t < T over D inner elements. Argument
 * words: 0 x, 1 O, 2 x's outer stride, 3 x's axis stride, 4 ids (int32, checked and wrapped),
 * 5 T, 6 D, 7 x's inner stride, 8 out, 9 out's outer stride (rows of D contiguous).
 */
export function indexSelect(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), O = arg(args, 1), xo = arg(args, 2), xa = arg(args, 3), ids = <usize>arg(args, 4);
  const T = arg(args, 5), D = arg(args, 6), xi = arg(args, 7), out = <usize>arg(args, 8), oo = arg(args, 9);
  if (T == 0) return;
  const lo = shareLo(O * T, tid, nt, 1), hi = shareLo(O * T, tid + 1, nt, 1);
  for (let r = lo; r < hi; r++) {
    const o = r / T, t = r % T;
    const k = load<i32>(ids + (<usize>t << 2));
    copyRun(out + (<usize>(o * oo + t * D) << 2), x + (<usize>(o * xo + k * xa) << 2), D, xi, 1);
  }
}

/**
 * indexAdd: out[o, ids[t], :] += src[o, t, :] for t in order (out zeroed by the host). Argument
 * words: 0 src, 1 O, 2 src's outer stride, 3 src's axis stride, 4 src's inner stride, 5 ids
 * (checked, wrapped), 6 T, 7 D, 8 out, 9 out's outer stride, 10 chunk. Threads take units of
 * (o, `chunk` columns): disjoint parts of out, so repeated indices never race.
 */
export function indexAdd(tid: i32, nt: i32, args: usize): void {
  const src = <usize>arg(args, 0), O = arg(args, 1), so = arg(args, 2), st = arg(args, 3), si = arg(args, 4);
  const ids = <usize>arg(args, 5), T = arg(args, 6), D = arg(args, 7), out = <usize>arg(args, 8), oo = arg(args, 9);
  const chunk = arg(args, 10);
  if (D == 0) return;
  const per = (D + chunk - 1) / chunk;
  const lo = shareLo(O * per, tid, nt, 1), hi = shareLo(O * per, tid + 1, nt, 1);
  for (let u = lo; u < hi; u++) {
    const o = u / per, c0 = (u % per) * chunk, n = min(chunk, D - c0);
    for (let t = 0; t < T; t++) {
      const d = out + (<usize>(o * oo + load<i32>(ids + (<usize>t << 2)) * D + c0) << 2);
      const s = src + (<usize>(o * so + t * st + c0 * si) << 2);
      let k = 0;
      if (si == 1) {
        for (; k + 4 <= n; k += 4) {
          const a = d + (<usize>k << 2);
          v128.store(a, f32x4.add(v128.load(a), v128.load(s + (<usize>k << 2))));
        }
      }
      for (; k < n; k++) {
        const a = d + (<usize>k << 2);
        store<f32>(a, load<f32>(a) + load<f32>(s + (<usize>(k * si) << 2)));
      }
    }
  }
}

/** Records a thread's first bad index (flat position, raw value) in its two words at `errs`. */
// @ts-ignore: decorator
@inline function badIndex(errs: usize, tid: i32, pos: i32, raw: i32): void {
  store<i32>(errs + (<usize>tid << 3), pos);
  store<i32>(errs + (<usize>tid << 3), raw, 4);
}

/**
 * gather: out[f] = x[base(f) + k*sAxis], k = index[f] (negative: from the end), over the index's
 * shape of rank <= 4 in row-major order f. Argument words: 0 x, 1 index, 2 out, 3 count,
 * 4-7 shape, 8-11 index strides, 12-15 x strides (0 on the axis), 16 sAxis, 17 axis size,
 * 18 errs (two words per thread, set by the host to -1: the first bad index's position and value).
 */
export function gather(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), idx = <usize>arg(args, 1), out = <usize>arg(args, 2), count = arg(args, 3);
  const n3 = arg(args, 7), is3 = arg(args, 11), xs3 = arg(args, 15), sAxis = arg(args, 16), size = arg(args, 17);
  const errs = <usize>arg(args, 18);
  const lo = shareLo(count, tid, nt, 64), hi = shareLo(count, tid + 1, nt, 64);
  for (let f = lo; f < hi;) {
    const row = f / n3, k0 = f % n3, m = min(n3 - k0, hi - f);
    let pi = rowOffset(args, row, 4, 8) + k0 * is3, px = rowOffset(args, row, 4, 12) + k0 * xs3;
    for (let j = 0; j < m; j++, pi += is3, px += xs3) {
      const raw = load<i32>(idx + (<usize>pi << 2)), k = raw < 0 ? raw + size : raw;
      if (<u32>k >= <u32>size) { badIndex(errs, tid, f + j, raw); return; }
      store<u32>(out + (<usize>(f + j) << 2), load<u32>(x + (<usize>(px + k * sAxis) << 2)));
    }
    f += m;
  }
}

/**
 * scatterAdd: out[base(f) + k*sAxis] += src[f], k = index[f], in row-major order f (out zeroed
 * by the host; one thread, as two positions may add into one element). Argument words: 0 src,
 * 1 index, 2 out, 3 count, 4-7 shape, 8-11 index strides, 12-15 src strides, 16-19 out strides
 * (0 on the axis), 20 sAxis, 21 axis size, 22 errs (as gather's).
 */
export function scatterAdd(tid: i32, nt: i32, args: usize): void {
  const src = <usize>arg(args, 0), idx = <usize>arg(args, 1), out = <usize>arg(args, 2), count = arg(args, 3);
  const n3 = arg(args, 7), is3 = arg(args, 11), ss3 = arg(args, 15), os3 = arg(args, 19);
  const sAxis = arg(args, 20), size = arg(args, 21), errs = <usize>arg(args, 22);
  if (tid > 0) return;
  for (let f = 0; f < count;) {
    const row = f / n3;
    let pi = rowOffset(args, row, 4, 8), ps = rowOffset(args, row, 4, 12), po = rowOffset(args, row, 4, 16);
    for (let j = 0; j < n3; j++, pi += is3, ps += ss3, po += os3) {
      const raw = load<i32>(idx + (<usize>pi << 2)), k = raw < 0 ? raw + size : raw;
      if (<u32>k >= <u32>size) { badIndex(errs, tid, f + j, raw); return; }
      const a = out + (<usize>(po + k * sAxis) << 2);
      store<f32>(a, load<f32>(a) + load<f32>(src + (<usize>ps << 2)));
    }
    f += n3;
  }
}
