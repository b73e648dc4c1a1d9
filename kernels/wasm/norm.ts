// norm.ts — float32 layer norm (no affine) in WebAssembly SIMD, threaded over rows. Twin of
// src/backend/cpu/norm.ts, and like it in float64: mean = Σx / n, rstd = 1 / sqrt(Σ(x - mean)² / n
// + eps) (two passes, biased variance), y = (x - mean) · rstd, each widened to f64x2 and rounded
// once. Reference: torch.native_layer_norm (returns output, mean, rstd).
import { arg, shareLo } from './common';
import { demote2, promoteHigh, sumRowF64 } from './vmath';

/**
 * Argument words: 0 x (contiguous rows of n floats), 1 y, 2 mean, 3 rstd (byte addresses),
 * 4 rows, 5 n, 6-7 eps as a float64. Each thread takes a range of rows.
 */
export function layerNormF32(tid: i32, nt: i32, args: usize): void {
  const x = <usize>arg(args, 0), y = <usize>arg(args, 1), mean = <usize>arg(args, 2), rstd = <usize>arg(args, 3);
  const rows = arg(args, 4), n = arg(args, 5), eps = load<f64>(args + 24);
  const lo = shareLo(rows, tid, nt, 1), hi = shareLo(rows, tid + 1, nt, 1);
  for (let r = lo; r < hi; r++) {
    const p = x + <usize>r * (<usize>n << 2), q = y + <usize>r * (<usize>n << 2);
    const mu = sumRowF64(p, n) / <f64>n;
    const m = f64x2.splat(mu);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(p + (<usize>i << 2));
      const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), m), d1 = f64x2.sub(promoteHigh(v), m);
      s0 = f64x2.add(s0, f64x2.mul(d0, d0));
      s1 = f64x2.add(s1, f64x2.mul(d1, d1));
    }
    s0 = f64x2.add(s0, s1);
    let ss = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    for (let j = i; j < n; j++) {
      const d = <f64>load<f32>(p + (<usize>j << 2)) - mu;
      ss += d * d;
    }
    const rs = 1 / Math.sqrt(ss / <f64>n + eps);
    const c = f64x2.splat(rs);
    for (i = 0; i + 4 <= n; i += 4) {
      const v = v128.load(p + (<usize>i << 2));
      const d0 = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), m), c), d1 = f64x2.mul(f64x2.sub(promoteHigh(v), m), c);
      v128.store(q + (<usize>i << 2), demote2(d0, d1));
    }
    for (; i < n; i++) store<f32>(q + (<usize>i << 2), <f32>((<f64>load<f32>(p + (<usize>i << 2)) - mu) * rs));
    store<f32>(mean + (<usize>r << 2), <f32>mu);
    store<f32>(rstd + (<usize>r << 2), <f32>rs);
  }
}
