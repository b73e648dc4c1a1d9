// matmul.ts — single-precision GEMM, C (M, N) = A (M, K) · B (K, N), batched, for strided A and B
// (a transposed operand is just swapped strides: no copy). Matches src/backend/cpu/matmul.ts.
// The classic GotoBLAS/BLIS structure (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", 2008; XNNPACK's f32-gemm wasmsimd kernels for the register tile):
//   for each NC-wide column block of B, for each KC-deep slice of K:
//     pack B's (KC, NC) block into 8-column panels           (each panel: KC rows of 8 floats)
//     for each MC-high row block of A: pack it into MR-row panels (each: KC columns of MR floats)
//       for each 8-column panel, for each MR-row panel: the micro-kernel adds the MR x 8 tile
//       A_panel · B_panel into C, holding the tile in 2·MR SIMD registers across the KC loop.
// The tile is 4 x 8: 8 accumulators + 2 B vectors + 4 A splats = 14 of the 15 xmm registers V8
// gives wasm on x64. A 6 x 8 tile needs only 15 on paper (one splat at a time), but TurboFan
// schedules every load of an iteration before the multiply-adds, so all 6 splats are live at once
// and accumulators spill: measured here 25 GFLOP/s for 6x8 and 5x8, 48-50 for 4x8 (relaxed-SIMD
// fused multiply-add) and ~38 for 4x8 with plain SIMD mul + add.
import { arg, shareLo } from './common';

const NR: i32 = 8; //                                   columns per micro-tile (two f32x4)
const MR: i32 = 4; //                                  rows per micro-tile
const KC: i32 = 256; //                                 depth of a packed slice
const MC: i32 = 96; //                                 rows of A packed at once (96 KB)
const NC: i32 = 512; //                                 columns of B packed at once (512 KB)

/** Scratch bytes one thread needs: packed B block, packed A block, one edge tile. */
export function sgemmScratchBytes(): i32 {
  return (KC * NC + KC * MC + MR * NR) * 4;
}

/**
 * Four vectors of 4 floats at src, src + step, src + 2 step, src + 3 step (bytes), transposed:
 * lane l of all four is stored at dst + l·pitch (for packing a transposed operand 4 x 4).
 */
// @ts-ignore: decorator
@inline function transposeStore(dst: usize, pitch: usize, src: usize, step: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + step), r2 = v128.load(src + 2 * step), r3 = v128.load(src + 3 * step);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // a0 b0 a1 b1, c0 d0 c1 d1
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // a2 b2 a3 b3, c2 d2 c3 d3
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + pitch, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * pitch, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * pitch, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs B's (kc, nc) block at `b` (row stride rs, column stride cs, in elements) into 8-column
 * panels at `dst`: panel p holds, for k = 0..kc-1, the 8 floats B[k, 8p .. 8p+7] (zero past nc).
 */
function packB(dst: usize, b: usize, rs: i32, cs: i32, kc: i32, nc: i32): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = min(NR, nc - j0);
    let d = dst + (<usize>(j0 * kc) << 2);
    let k = 0;
    if (cs == 1 && w == NR) {
      let s = b + (<usize>j0 << 2);
      const step = <usize>rs << 2;
      for (; k < kc; k++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += step;
        d += 32;
      }
    } else {
      if (rs == 1 && w == NR) { // B's columns contiguous (a transposed operand): 4 x 4 transposes
        const c = b + (<usize>(j0 * cs) << 2), step = <usize>cs << 2;
        for (; k + 4 <= kc; k += 4) {
          transposeStore(d, 32, c + (<usize>k << 2), step);
          transposeStore(d + 16, 32, c + 4 * step + (<usize>k << 2), step);
          d += 128;
        }
      }
      for (; k < kc; k++) {
        for (let j = 0; j < NR; j++) {
          store<f32>(d + (<usize>j << 2), j < w ? load<f32>(b + (<usize>(k * rs + (j0 + j) * cs) << 2)) : 0);
        }
        d += 32;
      }
    }
  }
}

/**
 * Packs A's (mc, kc) block at `a` into MR-row panels at `dst`: panel q holds, for k = 0..kc-1,
 * the MR floats A[MR q .. MR q + MR-1, k] (zero past mc).
 */
function packA(dst: usize, a: usize, rs: i32, cs: i32, mc: i32, kc: i32): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = min(MR, mc - i0);
    const d = dst + (<usize>(i0 * kc) << 2);
    let k0 = 0;
    if (MR == 4 && cs == 1 && h == MR) { // rows contiguous: 4 x 4 transposes, then the rest of k below
      const r = a + (<usize>(i0 * rs) << 2);
      for (; k0 + 4 <= kc; k0 += 4) transposeStore(d + (<usize>(k0 * MR) << 2), MR * 4, r + (<usize>k0 << 2), <usize>rs << 2);
    } else if (MR == 4 && rs == 1 && h == MR) { // columns contiguous (a transposed operand): copy
      for (; k0 < kc; k0++) v128.store(d + (<usize>(k0 * MR) << 2), v128.load(a + (<usize>(i0 + k0 * cs) << 2)));
    }
    for (let i = 0; i < MR; i++) {
      if (i < h) {
        let s = a + (<usize>((i0 + i) * rs + k0 * cs) << 2);
        const step = <usize>cs << 2;
        let o = d + (<usize>(k0 * MR + i) << 2);
        for (let k = k0; k < kc; k++) {
          store<f32>(o, load<f32>(s));
          s += step;
          o += <usize>MR << 2;
        }
      } else {
        let o = d + (<usize>i << 2);
        for (let k = 0; k < kc; k++) {
          store<f32>(o, 0);
          o += <usize>MR << 2;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c); // c + a·b, one rounding or two
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The micro-kernel: C[0..MR, 0..8] (+)= Apanel · Bpanel over kc steps. Each step loads one row of
 * the B panel (two vectors b0, b1), then for each of the MR rows splats A[i, k] into a vector
 * and multiply-adds it into that row's two accumulators. ldc is C's row stride in elements.
 */
function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16); // B[k, 0..3], B[k, 4..7]
    let a = v128.load32_splat(ap); //                     A[0, k] in all four lanes
    c00 = fma(a, b0, c00); c01 = fma(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = fma(a, b0, c10); c11 = fma(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = fma(a, b0, c20); c21 = fma(a, b1, c21);
    if (MR >= 4) {
    a = v128.load32_splat(ap, 12);
    c30 = fma(a, b0, c30); c31 = fma(a, b1, c31);
    }
    if (MR >= 5) {
    a = v128.load32_splat(ap, 16);
    c40 = fma(a, b0, c40); c41 = fma(a, b1, c41);
    }
    if (MR == 6) {
      a = v128.load32_splat(ap, 20);
      c50 = fma(a, b0, c50); c51 = fma(a, b1, c51);
    }
    ap += <usize>MR << 2;
    bp += 32;
  }
  const step = <usize>ldc << 2;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + step)); c11 = f32x4.add(c11, v128.load(c + step, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * step)); c21 = f32x4.add(c21, v128.load(c + 2 * step, 16));
    if (MR >= 4) { c30 = f32x4.add(c30, v128.load(c + 3 * step)); c31 = f32x4.add(c31, v128.load(c + 3 * step, 16)); }
    if (MR >= 5) { c40 = f32x4.add(c40, v128.load(c + 4 * step)); c41 = f32x4.add(c41, v128.load(c + 4 * step, 16)); }
    if (MR == 6) { c50 = f32x4.add(c50, v128.load(c + 5 * step)); c51 = f32x4.add(c51, v128.load(c + 5 * step, 16)); }
  }
  v128.store(c, c00); v128.store(c, c01, 16); c += step;
  v128.store(c, c10); v128.store(c, c11, 16); c += step;
  v128.store(c, c20); v128.store(c, c21, 16);
  if (MR >= 4) { c += step; v128.store(c, c30); v128.store(c, c31, 16); }
  if (MR >= 5) { c += step; v128.store(c, c40); v128.store(c, c41, 16); }
  if (MR == 6) { c += step; v128.store(c, c50); v128.store(c, c51, 16); }
}

/** Rows [lo, hi) of one product: the blocked loops around the micro-kernel (C's row stride is n). */
export function gemmRows(
  lo: i32, hi: i32, n: i32, k: i32,
  a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize,
  scratch: usize, accumulate: bool,
): void {
  const bPack = scratch;
  const aPack = bPack + (<usize>(KC * NC) << 2);
  const tile = aPack + (<usize>(KC * MC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(bPack, b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, kc, nc);
      const acc = accumulate || pc > 0; // later slices add to what earlier ones wrote
      for (let ic = lo; ic < hi; ic += MC) {
        const mc = min(MC, hi - ic);
        packA(aPack, a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = bPack + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = aPack + (<usize>(ir * kc) << 2);
            const cp = c + (<usize>((ic + ir) * n + jc + jr) << 2);
            if (mr == MR && nr == NR) {
              microKernel(kc, ap, bp, cp, n, acc);
            } else { // an edge tile: compute the whole tile aside, then write its valid part
              microKernel(kc, ap, bp, tile, NR, false);
              for (let i = 0; i < mr; i++) {
                for (let j = 0; j < nr; j++) {
                  const o = cp + (<usize>(i * n + j) << 2);
                  const v = load<f32>(tile + (<usize>(i * NR + j) << 2));
                  store<f32>(o, acc ? load<f32>(o) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Threaded batched GEMM. Argument words: 0 batch, 1 M, 2 N, 3 K, 4 a, 5 a's batch stride,
 * 6 a's row stride, 7 a's column stride, 8 b, 9-11 the same for b, 12 c (contiguous (batch, M, N)),
 * 13 scratch, 14 scratch bytes per thread, 15 accumulate (C += A·B instead of C = A·B).
 * With at least as many products as threads each thread takes whole products; otherwise every
 * product's rows are shared out in multiples of MR.
 */
export function sgemm(tid: i32, nt: i32, args: usize): void {
  const batch = arg(args, 0), m = arg(args, 1), n = arg(args, 2), k = arg(args, 3);
  const a = <usize>arg(args, 4), sa = arg(args, 5), rsA = arg(args, 6), csA = arg(args, 7);
  const b = <usize>arg(args, 8), sb = arg(args, 9), rsB = arg(args, 10), csB = arg(args, 11);
  const c = <usize>arg(args, 12);
  const scratch = <usize>arg(args, 13) + <usize>tid * <usize>arg(args, 14);
  const accumulate = arg(args, 15) != 0;
  if (batch >= nt) {
    for (let i = tid; i < batch; i += nt) {
      gemmRows(0, m, n, k, a + (<usize>(i * sa) << 2), rsA, csA, b + (<usize>(i * sb) << 2), rsB, csB,
        c + (<usize>(i * m * n) << 2), scratch, accumulate);
    }
  } else {
    const lo = shareLo(m, tid, nt, MR), hi = shareLo(m, tid + 1, nt, MR);
    if (lo >= hi) return;
    for (let i = 0; i < batch; i++) {
      gemmRows(lo, hi, n, k, a + (<usize>(i * sa) << 2), rsA, csA, b + (<usize>(i * sb) << 2), rsB, csB,
        c + (<usize>(i * m * n) << 2), scratch, accumulate);
    }
  }
}
