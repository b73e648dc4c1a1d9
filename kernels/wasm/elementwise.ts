// elementwise.ts — float32 elementwise maps in WebAssembly SIMD, threaded over the flat output:
// copy, the unary ops (and clamp), the binary ops with broadcasting (and GELU's backward), where.
// Twin of src/backend/cpu/elementwise.ts (its UNARY/BINARY tables) and strided.ts's copy; the
// host (src/backend/wasm/elementwise.ts) collapses the operands' dims and passes their strides,
// and ewMap walks them a row at a time, each row by a loop specialised for its strides.
import { arg, argf, shareLo } from './common';
import { coords, erfV, expV, geluGradV, geluV, logV, sigmoidV, tanhV } from './vmath';

// kinds and op codes: the host's tables in src/backend/wasm/elementwise.ts use the same numbers
const K_UNARY = 0, K_BINARY = 1, K_WHERE = 2;
const U_COPY = 0, U_NEG = 1, U_ABS = 2, U_SQRT = 3, U_EXP = 4, U_LOG = 5, U_TANH = 6, U_SIGMOID = 7;
const U_RELU = 8, U_ERF = 9, U_GELU = 10, U_RECIPROCAL = 11, U_SIN = 12, U_COS = 13, U_FLOOR = 14;
const U_CEIL = 15, U_ROUND = 16, U_SIGN = 17, U_CLAMP = 18;
const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_MAXIMUM = 4, B_MINIMUM = 5, B_POW = 6, B_GELU_GRAD = 7;

const MAXD = 6; //                     collapsed dims the argument block holds

// ---- loading and storing 4 lanes at any stride (in bytes) -----------------------------------

// @ts-ignore: decorator
@inline function gather(p: usize, s: i32): v128 {
  let v = v128.load32_zero(p);
  v = v128.load32_lane(p + <usize>s, v, 1);
  v = v128.load32_lane(p + <usize>(2 * s), v, 2);
  return v128.load32_lane(p + <usize>(3 * s), v, 3);
}

/** k (1..3) elements in the low lanes; the others repeat lane 0, so they compute harmless values. */
// @ts-ignore: decorator
@inline function gatherTail(p: usize, s: i32, k: i32): v128 {
  let v = v128.load32_splat(p);
  if (k > 1) v = v128.load32_lane(p + <usize>s, v, 1);
  if (k > 2) v = v128.load32_lane(p + <usize>(2 * s), v, 2);
  return v;
}

// @ts-ignore: decorator
@inline function storeTail(p: usize, v: v128, k: i32): void {
  v128.store32_lane(p, v, 0);
  if (k > 1) v128.store32_lane(p, v, 1, 4);
  if (k > 2) v128.store32_lane(p, v, 2, 8);
}

// ---- the ops on 4 lanes (tails go through the same code, so a split never changes a value) ---

// @ts-ignore: decorator
@inline function lanes(op: i32, v: v128): v128 {
  let a = f32x4.extract_lane(v, 0), b = f32x4.extract_lane(v, 1), c = f32x4.extract_lane(v, 2), d = f32x4.extract_lane(v, 3);
  if (op == U_SIN) { a = Mathf.sin(a); b = Mathf.sin(b); c = Mathf.sin(c); d = Mathf.sin(d); }
  else { a = Mathf.cos(a); b = Mathf.cos(b); c = Mathf.cos(c); d = Mathf.cos(d); }
  return f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(a), 1, b), 2, c), 3, d);
}

// @ts-ignore: decorator
@inline function unaryV(op: i32, v: v128, lo: v128, hi: v128): v128 {
  const zero = f32x4.splat(0);
  if (op == U_NEG) return f32x4.neg(v);
  if (op == U_ABS) return f32x4.abs(v);
  if (op == U_SQRT) return f32x4.sqrt(v);
  if (op == U_EXP) return expV(v);
  if (op == U_LOG) return logV(v);
  if (op == U_TANH) return tanhV(v);
  if (op == U_SIGMOID) return sigmoidV(v);
  if (op == U_RELU) return v128.bitselect(v, zero, f32x4.gt(v, zero)); // v > 0 ? v : 0 (NaN -> 0)
  if (op == U_ERF) return erfV(v);
  if (op == U_GELU) return geluV(v);
  if (op == U_RECIPROCAL) return f32x4.div(f32x4.splat(1.0), v);
  if (op == U_SIN || op == U_COS) return lanes(op, v);
  if (op == U_FLOOR) return f32x4.floor(v);
  if (op == U_CEIL) return f32x4.ceil(v);
  if (op == U_ROUND) return f32x4.nearest(v); //               half to even, as torch.round
  if (op == U_SIGN) { //                                        ±1, and ±0 and NaN unchanged
    const one = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1.0));
    return v128.bitselect(v, one, v128.or(f32x4.eq(v, zero), f32x4.ne(v, v)));
  }
  // U_CLAMP: v < lo ? lo : v > hi ? hi : v (NaN passes through)
  return v128.bitselect(lo, v128.bitselect(hi, v, f32x4.gt(v, hi)), f32x4.lt(v, lo));
}

/** Math.pow's rules where C's pow differs: x ** NaN = NaN (C: 1), (±1) ** ±inf = NaN (C: 1). */
// @ts-ignore: decorator
@inline function powJs(x: f32, y: f32): f32 {
  if (y != y || (Mathf.abs(x) == 1 && Mathf.abs(y) == Infinity)) return NaN;
  return <f32>Math.pow(<f64>x, <f64>y);
}

// @ts-ignore: decorator
@inline function binaryV(op: i32, a: v128, b: v128): v128 {
  if (op == B_ADD) return f32x4.add(a, b);
  if (op == B_SUB) return f32x4.sub(a, b);
  if (op == B_MUL) return f32x4.mul(a, b);
  if (op == B_DIV) return f32x4.div(a, b);
  // maximum/minimum: a if a wins or a is NaN, else b (NaN propagates; ties give b, as the CPU)
  if (op == B_MAXIMUM) return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
  if (op == B_MINIMUM) return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
  if (op == B_POW) {
    let r = f32x4.splat(powJs(f32x4.extract_lane(a, 0), f32x4.extract_lane(b, 0)));
    r = f32x4.replace_lane(r, 1, powJs(f32x4.extract_lane(a, 1), f32x4.extract_lane(b, 1)));
    r = f32x4.replace_lane(r, 2, powJs(f32x4.extract_lane(a, 2), f32x4.extract_lane(b, 2)));
    return f32x4.replace_lane(r, 3, powJs(f32x4.extract_lane(a, 3), f32x4.extract_lane(b, 3)));
  }
  return geluGradV(a, b); //                                   B_GELU_GRAD: (x, dy)
}

// ---- one row: n elements, output contiguous, inputs at byte strides ---------------------------

// @ts-ignore: decorator
@inline function unaryRow(op: i32, o: usize, x: usize, sx: i32, n: i32, lo: v128, hi: v128): void {
  let i = 0;
  if (sx == 4) {
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i << 2;
      v128.store(o + k, unaryV(op, v128.load(x + k), lo, hi));
    }
  } else {
    for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), unaryV(op, gather(x + <usize>(i * sx), sx), lo, hi));
  }
  if (i < n) storeTail(o + (<usize>i << 2), unaryV(op, gatherTail(x + <usize>(i * sx), sx, n - i), lo, hi), n - i);
}

// @ts-ignore: decorator
@inline function binaryRow(op: i32, o: usize, a: usize, sa: i32, b: usize, sb: i32, n: i32): void {
  let i = 0;
  if (sa == 4 && sb == 4) { //                                  same shape
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i << 2;
      v128.store(o + k, binaryV(op, v128.load(a + k), v128.load(b + k)));
    }
  } else if (sb == 0) { //                                      b a scalar along the row
    const vb = v128.load32_splat(b);
    if (sa == 4) for (; i + 4 <= n; i += 4) { const k = <usize>i << 2; v128.store(o + k, binaryV(op, v128.load(a + k), vb)); }
    else for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), binaryV(op, gather(a + <usize>(i * sa), sa), vb));
  } else if (sa == 0) { //                                      a a scalar along the row
    const va = v128.load32_splat(a);
    if (sb == 4) for (; i + 4 <= n; i += 4) { const k = <usize>i << 2; v128.store(o + k, binaryV(op, va, v128.load(b + k))); }
    else for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), binaryV(op, va, gather(b + <usize>(i * sb), sb)));
  } else {
    for (; i + 4 <= n; i += 4) {
      v128.store(o + (<usize>i << 2), binaryV(op, gather(a + <usize>(i * sa), sa), gather(b + <usize>(i * sb), sb)));
    }
  }
  if (i < n) {
    const k = n - i;
    storeTail(o + (<usize>i << 2), binaryV(op, gatherTail(a + <usize>(i * sa), sa, k), gatherTail(b + <usize>(i * sb), sb, k)), k);
  }
}

/** y = x moved as bits (so NaN payloads survive): a memcpy when contiguous. */
function copyRow(o: usize, x: usize, sx: i32, n: i32): void {
  if (sx == 4) {
    memory.copy(o, x, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) store<i32>(o + (<usize>i << 2), load<i32>(x + <usize>(i * sx)));
}

function unarySeg(op: i32, o: usize, x: usize, sx: i32, n: i32, lo: v128, hi: v128): void {
  switch (op) {
    case U_COPY: copyRow(o, x, sx, n); break;
    case U_NEG: unaryRow(U_NEG, o, x, sx, n, lo, hi); break;
    case U_ABS: unaryRow(U_ABS, o, x, sx, n, lo, hi); break;
    case U_SQRT: unaryRow(U_SQRT, o, x, sx, n, lo, hi); break;
    case U_EXP: unaryRow(U_EXP, o, x, sx, n, lo, hi); break;
    case U_LOG: unaryRow(U_LOG, o, x, sx, n, lo, hi); break;
    case U_TANH: unaryRow(U_TANH, o, x, sx, n, lo, hi); break;
    case U_SIGMOID: unaryRow(U_SIGMOID, o, x, sx, n, lo, hi); break;
    case U_RELU: unaryRow(U_RELU, o, x, sx, n, lo, hi); break;
    case U_ERF: unaryRow(U_ERF, o, x, sx, n, lo, hi); break;
    case U_GELU: unaryRow(U_GELU, o, x, sx, n, lo, hi); break;
    case U_RECIPROCAL: unaryRow(U_RECIPROCAL, o, x, sx, n, lo, hi); break;
    case U_SIN: unaryRow(U_SIN, o, x, sx, n, lo, hi); break;
    case U_COS: unaryRow(U_COS, o, x, sx, n, lo, hi); break;
    case U_FLOOR: unaryRow(U_FLOOR, o, x, sx, n, lo, hi); break;
    case U_CEIL: unaryRow(U_CEIL, o, x, sx, n, lo, hi); break;
    case U_ROUND: unaryRow(U_ROUND, o, x, sx, n, lo, hi); break;
    case U_SIGN: unaryRow(U_SIGN, o, x, sx, n, lo, hi); break;
    default: unaryRow(U_CLAMP, o, x, sx, n, lo, hi); break;
  }
}

function binarySeg(op: i32, o: usize, a: usize, sa: i32, b: usize, sb: i32, n: i32): void {
  switch (op) {
    case B_ADD: binaryRow(B_ADD, o, a, sa, b, sb, n); break;
    case B_SUB: binaryRow(B_SUB, o, a, sa, b, sb, n); break;
    case B_MUL: binaryRow(B_MUL, o, a, sa, b, sb, n); break;
    case B_DIV: binaryRow(B_DIV, o, a, sa, b, sb, n); break;
    case B_MAXIMUM: binaryRow(B_MAXIMUM, o, a, sa, b, sb, n); break;
    case B_MINIMUM: binaryRow(B_MINIMUM, o, a, sa, b, sb, n); break;
    case B_POW: binaryRow(B_POW, o, a, sa, b, sb, n); break;
    default: binaryRow(B_GELU_GRAD, o, a, sa, b, sb, n); break;
  }
}

/** y = c ? a : b with c bool (one byte, stride sc), moved as bits. */
function whereSeg(o: usize, c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, n: i32): void {
  let i = 0;
  if (sc == 1 && sa == 4 && sb == 4) {
    const zero = i32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const k = <usize>i << 2;
      const m = i32x4.ne(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(c + <usize>i))), zero);
      v128.store(o + k, v128.bitselect(v128.load(a + k), v128.load(b + k), m));
    }
  }
  for (; i < n; i++) {
    store<i32>(o + (<usize>i << 2), load<u8>(c + <usize>(i * sc)) != 0 ? load<i32>(a + <usize>(i * sa)) : load<i32>(b + <usize>(i * sb)));
  }
}

/**
 * Threaded elementwise map over a contiguous float32 output of n elements. Argument words:
 * 0 kind (0 unary, 1 binary, 2 where), 1 op, 2 n, 3 nd (collapsed dims, 1..6), 4 out,
 * 5-7 operands 0-2 (byte address of element 0; where: cond, a, b), 8-13 shape,
 * 14-19 / 20-25 / 26-31 operand 0 / 1 / 2 strides in elements, 32 / 33 clamp's lo / hi (f32).
 * Each thread takes a range of the flat output (multiples of 4) and walks it a row at a time.
 */
export function ewMap(tid: i32, nt: i32, args: usize): void {
  const kind = arg(args, 0), op = arg(args, 1), n = arg(args, 2), nd = arg(args, 3);
  const lo = shareLo(n, tid, nt, 4), hi = shareLo(n, tid + 1, nt, 4);
  if (lo >= hi) return;
  const out = <usize>arg(args, 4);
  const p0 = arg(args, 5), p1 = arg(args, 6), p2 = arg(args, 7);
  const w0 = kind == K_WHERE ? 1 : 4; //                       bytes per element of operand 0
  const vlo = f32x4.splat(argf(args, 32)), vhi = f32x4.splat(argf(args, 33));
  const idx = coords(tid);
  // coordinates and operand offsets (elements) of element lo
  let o0 = 0, o1 = 0, o2 = 0, rest = lo;
  for (let d = nd - 1; d >= 0; d--) {
    const size = arg(args, 8 + d), c = rest % size;
    rest /= size;
    store<i32>(idx + (<usize>d << 2), c);
    o0 += c * arg(args, 14 + d);
    o1 += c * arg(args, 14 + MAXD + d);
    o2 += c * arg(args, 14 + 2 * MAXD + d);
  }
  const last = nd - 1, len = arg(args, 8 + last);
  const s0 = arg(args, 14 + last), s1 = arg(args, 14 + MAXD + last), s2 = arg(args, 14 + 2 * MAXD + last);
  let col = load<i32>(idx + (<usize>last << 2));
  for (let pos = lo; ;) {
    const cnt = min(len - col, hi - pos);
    const o = out + (<usize>pos << 2);
    if (kind == K_UNARY) unarySeg(op, o, <usize>(p0 + o0 * 4), s0 * 4, cnt, vlo, vhi);
    else if (kind == K_BINARY) binarySeg(op, o, <usize>(p0 + o0 * 4), s0 * 4, <usize>(p1 + o1 * 4), s1 * 4, cnt);
    else whereSeg(o, <usize>(p0 + o0 * w0), s0 * w0, <usize>(p1 + o1 * 4), s1 * 4, <usize>(p2 + o2 * 4), s2 * 4, cnt);
    pos += cnt;
    if (pos >= hi) break;
    // the row is done: back to its column 0, then one step along the outer dims (with carries)
    o0 -= col * s0; o1 -= col * s1; o2 -= col * s2;
    col = 0;
    for (let d = last - 1; d >= 0; d--) {
      const at = idx + (<usize>d << 2), i = load<i32>(at) + 1;
      const t0 = arg(args, 14 + d), t1 = arg(args, 14 + MAXD + d), t2 = arg(args, 14 + 2 * MAXD + d);
      if (i < arg(args, 8 + d)) {
        store<i32>(at, i);
        o0 += t0; o1 += t1; o2 += t2;
        break;
      }
      store<i32>(at, 0);
      o0 -= (i - 1) * t0; o1 -= (i - 1) * t1; o2 -= (i - 1) * t2;
    }
  }
}
