// vmath.ts — what the SIMD kernels (elementwise, softmax, reduce, norm) share: f32x4 exp, log,
// tanh, sigmoid, erf, GELU and its derivative, float64 row sums, per-thread coordinate blocks. Not
// re-exported from index.ts. exp/log/tanh are Cephes' expf, logf, tanhf (S. Moshier), ~1-2 ulp;
// erf is Eigen's/XLA's float rational fit (a few ulp). Special values follow C/JS: exp(-inf) = 0,
// exp(inf) = inf, log(0) = -inf, log(x < 0) = NaN.

// @ts-ignore: decorator
@inline const SIGN: i32 = 0x80000000;

// A walker's coordinates (up to 16 words) for each of up to 256 threads, one 64-byte cache line
// each (threads writing one line would stall each other); shared by elementwise.ts and reduce.ts.
const COORDS: usize = memory.data(256 * 64, 64);

/** The coordinate block of thread tid. */
// @ts-ignore: decorator
@inline export function coords(tid: i32): usize {
  return COORDS + (<usize>tid << 6);
}

/** exp(x): x = n ln2 + r, |r| <= ln2/2, e^r by a degree-7 polynomial, 2^n applied in two steps
 * (so results in the subnormal range round once, like a correctly scaled product). */
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  return expCore(x, x, false);
}

/** exp(hi + lo) for a small lo that float32 could not add to hi without rounding it away. */
// @ts-ignore: decorator
@inline function expHiLoV(hi: v128, lo: v128): v128 {
  return expCore(hi, lo, true);
}

// @ts-ignore: decorator
@inline function expCore(x: v128, lo: v128, withLo: bool): v128 {
  const sum = withLo ? f32x4.add(x, lo) : x;
  // clamp with pmax/pmin (one instruction each on x64; NaN in `sum` stays NaN in this order)
  const xc = f32x4.pmin(f32x4.pmax(sum, f32x4.splat(-104.0)), f32x4.splat(89.0));
  // n = round(x log2 e) by the 1.5·2^23 trick: the addition rounds to an integer, the low bits hold it
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const fx = f32x4.sub(t, f32x4.splat(12582912.0));
  let r = f32x4.sub(withLo ? x : xc, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  if (withLo) r = f32x4.add(r, lo);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const n = i32x4.sub(t, i32x4.splat(0x4b400000)); //        in [-150, 128]
  const n1 = i32x4.shr_s(n, 1), n2 = i32x4.sub(n, n1); //   each in [-75, 64]: normal scales
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  const e = f32x4.mul(f32x4.mul(y, s1), s2);
  // exp(hi + lo) = 0 below -104 (r is not reduced there: hi was not clamped). Tested on hi alone
  // (|lo| is far smaller), since lo may be NaN where x² overflowed; a NaN hi still gives NaN.
  return withLo ? v128.andnot(e, f32x4.lt(x, f32x4.splat(-110.0))) : e;
}

/** log(x): x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(m) = t - t²/2 + t³ P(t), t = m - 1. */
// @ts-ignore: decorator
@inline export function logV(x: v128): v128 {
  const sub = f32x4.lt(x, f32x4.splat(1.17549435e-38)); //  subnormals (and <= 0): scale by 2^23
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, sub);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), i32x4.splat(126));
  e = i32x4.add(e, v128.and(sub, i32x4.splat(-23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const lt = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, lt); //                                     e - 1 where m < sqrt(1/2)
  m = f32x4.sub(f32x4.add(m, v128.and(m, lt)), f32x4.splat(1.0)); // 2m - 1 or m - 1
  const z = f32x4.mul(m, m);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, m), f32x4.splat(3.3333331174e-1));
  const fe = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(m, y);
  r = f32x4.add(r, f32x4.mul(fe, f32x4.splat(0.693359375)));
  // log(±0) = -inf, log(x < 0) = NaN, log(inf) = inf, log(NaN) = NaN
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x, f32x4.splat(0)));
  return v128.bitselect(x, r, v128.or(f32x4.eq(x, f32x4.splat(Infinity)), f32x4.ne(x, x)));
}

/** copysign(mag, sgn) lane by lane. */
// @ts-ignore: decorator
@inline function copysignV(mag: v128, sgn: v128): v128 {
  return v128.or(v128.andnot(mag, i32x4.splat(SIGN)), v128.and(sgn, i32x4.splat(SIGN)));
}

/** tanh(x) = sign(x) tanh|x|: |x| + |x|³ P(x²) below 0.625, else 1 - 2 / (exp(2|x|) + 1). */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), ax), ax);
  const e = expV(f32x4.add(ax, ax));
  const large = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  return copysignV(v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625))), x); // tanh(-0) = -0
}

/** sigmoid(x) = 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: exp never overflows. */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/** erf(x) = x P(x²) / Q(x²) on [-4, 4] (±1 beyond, in float32), clamped to [-1, 1]. */
// @ts-ignore: decorator
@inline export function erfV(a: v128): v128 {
  const x = f32x4.pmin(f32x4.pmax(a, f32x4.splat(-4.0)), f32x4.splat(4.0)); // NaN stays NaN
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.72614225801306e-10);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.77068142495902e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-2.10102402082508e-6));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-5.69250639462346e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-7.34990630326855e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-2.95459980854025e-3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-1.60960333262415e-2));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(-1.45660718464996e-5);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-2.13374055278905e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-1.68282697438203e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-7.37332916720468e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(-1.42647390514189e-2));
  return f32x4.pmin(f32x4.pmax(f32x4.div(p, q), f32x4.splat(-1.0)), f32x4.splat(1.0));
}

/** -x²/2 = hi + lo exactly: x split into xh (12 significant bits, so xh² is exact) and x - xh. */
// @ts-ignore: decorator
@inline function halfSquareHi(x: v128): v128 {
  const xh = v128.and(x, i32x4.splat(0xfffff000));
  return f32x4.mul(f32x4.mul(xh, xh), f32x4.splat(-0.5)); // -xh²/2, exact
}
// @ts-ignore: decorator
@inline function halfSquareLo(x: v128): v128 {
  const xh = v128.and(x, i32x4.splat(0xfffff000));
  return f32x4.mul(f32x4.mul(f32x4.sub(x, xh), f32x4.add(x, xh)), f32x4.splat(-0.5)); // -(x² - xh²)/2
}

/**
 * Φ(x), the standard normal CDF: (1 + erf(x / √2)) / 2 for x >= -1; below, erfc(z) / 2 with
 * z = -x / √2 and erfc(z) = t exp(-z² + P(t)), t = 1 / (1 + z/2) (Numerical Recipes' erfcc,
 * relative error < 1.2e-7), so the tail keeps its relative accuracy. -z² = -x²/2 is formed exactly
 * as hi + lo (x split into 12 + 12 bits), since float32's rounding of x² would cost 1e-5 at x = -6.
 */
// @ts-ignore: decorator
@inline function cdfV(x: v128): v128 {
  const central = f32x4.mul(f32x4.splat(0.5), f32x4.add(f32x4.splat(1.0), erfV(f32x4.mul(x, f32x4.splat(0.7071067811865476)))));
  const inTail = f32x4.lt(x, f32x4.splat(-1.0));
  if (!v128.any_true(inTail)) return central; //              (most vectors of typical activations)
  const z = f32x4.mul(x, f32x4.splat(-0.7071067811865476));
  const t = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), f32x4.mul(z, f32x4.splat(0.5))));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const tail = f32x4.mul(f32x4.mul(t, f32x4.splat(0.5)), expHiLoV(halfSquareHi(x), f32x4.add(halfSquareLo(x), p)));
  return v128.bitselect(tail, central, inTail);
}

/** GELU, exact: x Φ(x) = x/2 (1 + erf(x / √2)). */
// @ts-ignore: decorator
@inline export function geluV(x: v128): v128 {
  return f32x4.mul(x, cdfV(x));
}

/** GELU's backward: dy (Φ(x) + x φ(x)), φ(x) = exp(-x²/2) / √(2π). */
// @ts-ignore: decorator
@inline export function geluGradV(x: v128, dy: v128): v128 {
  const pdf = f32x4.mul(expHiLoV(halfSquareHi(x), halfSquareLo(x)), f32x4.splat(0.3989422804014327));
  return f32x4.mul(dy, f32x4.add(cdfV(x), f32x4.mul(x, pdf)));
}

/** The two high lanes of a f32x4 widened to f64x2 (promote_low takes the two low ones). */
// @ts-ignore: decorator
@inline export function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** Two f64x2 narrowed back into one f32x4 (lo's lanes first). */
// @ts-ignore: decorator
@inline export function demote2(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** Σ p[0..n) (float32, contiguous) accumulated in float64: 8 lanes, then the tail. */
export function sumRowF64(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(p + (<usize>i << 2)), w = v128.load(p + (<usize>i << 2), 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, promoteHigh(v));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
    a3 = f64x2.add(a3, promoteHigh(w));
  }
  a0 = f64x2.add(f64x2.add(a0, a2), f64x2.add(a1, a3));
  let s = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
  for (; i < n; i++) s += <f64>load<f32>(p + (<usize>i << 2));
  return s;
}
