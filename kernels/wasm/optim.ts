// optim.ts — one float32 Adam/AdamW step in WebAssembly SIMD, in place, threaded over elements.
// Twin of src/backend/cpu/optim.ts (adamStepKernel): the same operations in the same order, each
// a plain f32x4 (or f32) add, mul, div or sqrt, which IEEE rounds once to float32 exactly as
// Math.fround of the reference's float64 result does (no fused multiply-add), so the two agree
// bit for bit. Reference: torch.optim.Adam / AdamW (_single_tensor_adam).
import { arg, argf, shareLo } from './common';

const DECAY = 1, DECOUPLED = 2, MAXIMIZE = 4; // flag bits (word 6)

// g = maximize ? -g : g;  decoupled ? θ = θ (1 - lr λ) : g = g + λ θ
// m = β1 m + (1 - β1) g,  v = β2 v + (1 - β2) g²,  v̂ = amsgrad ? (vmax = max(vmax, v)) : v
// θ = θ - (m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)) · lr / (1 - β1^t)
/**
 * Argument words: 0 n, 1 θ, 2 g, 3 m, 4 v, 5 vmax (0 without amsgrad) (contiguous floats),
 * 6 flags, then as floats (each rounded to float32 by the host, as the reference rounds them):
 * 7 1 - lr λ, 8 λ, 9 β1, 10 1 - β1, 11 β2, 12 1 - β2, 13 sqrt(1 - β2^t), 14 lr / (1 - β1^t), 15 eps.
 */
export function adamF32(tid: i32, nt: i32, args: usize): void {
  const n = arg(args, 0), flags = arg(args, 6);
  const P = <usize>arg(args, 1), G = <usize>arg(args, 2), M = <usize>arg(args, 3), V = <usize>arg(args, 4), X = <usize>arg(args, 5);
  const decay = argf(args, 7), lam = argf(args, 8), b1 = argf(args, 9), c1 = argf(args, 10), b2 = argf(args, 11), c2 = argf(args, 12);
  const bc2 = argf(args, 13), step = argf(args, 14), e = argf(args, 15);
  const wd = (flags & DECAY) != 0, decoupled = (flags & DECOUPLED) != 0, maximize = (flags & MAXIMIZE) != 0;
  const lo = shareLo(n, tid, nt, 4), hi = shareLo(n, tid + 1, nt, 4);
  let i = lo;
  const decayV = f32x4.splat(decay), lamV = f32x4.splat(lam), b1V = f32x4.splat(b1), c1V = f32x4.splat(c1);
  const b2V = f32x4.splat(b2), c2V = f32x4.splat(c2), bc2V = f32x4.splat(bc2), stepV = f32x4.splat(step), eV = f32x4.splat(e);
  for (; i + 4 <= hi; i += 4) {
    const k = <usize>i << 2;
    let g = v128.load(G + k), th = v128.load(P + k);
    if (maximize) g = f32x4.neg(g);
    if (wd) {
      if (decoupled) th = f32x4.mul(th, decayV);
      else g = f32x4.add(g, f32x4.mul(th, lamV));
    }
    const m = f32x4.add(f32x4.mul(v128.load(M + k), b1V), f32x4.mul(g, c1V));
    const v = f32x4.add(f32x4.mul(v128.load(V + k), b2V), f32x4.mul(f32x4.mul(g, g), c2V));
    let vHat = v;
    if (X) {
      const old = v128.load(X + k); // maximum, NaN-propagating as the binary op: old where old > v or old is NaN
      vHat = v128.bitselect(old, v, v128.or(f32x4.gt(old, v), f32x4.ne(old, old)));
      v128.store(X + k, vHat);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vHat), bc2V), eV);
    v128.store(P + k, f32x4.sub(th, f32x4.mul(f32x4.div(m, denom), stepV)));
    v128.store(M + k, m);
    v128.store(V + k, v);
  }
  for (; i < hi; i++) {
    const k = <usize>i << 2;
    let g = load<f32>(G + k), th = load<f32>(P + k);
    if (maximize) g = -g;
    if (wd) {
      if (decoupled) th = th * decay;
      else g = g + th * lam;
    }
    const m = load<f32>(M + k) * b1 + g * c1;
    const v = load<f32>(V + k) * b2 + (g * g) * c2;
    let vHat = v;
    if (X) {
      const old = load<f32>(X + k);
      vHat = old > v || old != old ? old : v;
      store<f32>(X + k, vHat);
    }
    const denom = Mathf.sqrt(vHat) / bc2 + e;
    store<f32>(P + k, th - (m / denom) * step);
    store<f32>(M + k, m);
    store<f32>(V + k, v);
  }
}
