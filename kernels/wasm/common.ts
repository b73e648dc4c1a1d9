// common.ts — helpers shared by the AssemblyScript kernels in kernels/wasm/ (compiled to one
// .wasm by scripts/build-wasm.mjs; see docs/backends.md, "The wasm backend").
// Every threaded kernel has the signature (tid, nt, args): thread `tid` of `nt` does its share;
// `args` points at a block of 32-bit words in linear memory that the host filled (pointers are
// byte offsets, counts and strides are element counts, floats are stored as f32 bits).

/** Word i of an argument block, as an integer (pointer, size or stride). */
// @ts-ignore: decorator
@inline export function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

/** Word i of an argument block, as a float. */
// @ts-ignore: decorator
@inline export function argf(args: usize, i: i32): f32 {
  return load<f32>(args + (<usize>i << 2));
}

/** The half-open share [lo, hi) of n items that thread tid of nt takes, in multiples of `grain`. */
// @ts-ignore: decorator
@inline export function shareLo(n: i32, tid: i32, nt: i32, grain: i32): i32 {
  const units = (n + grain - 1) / grain;
  return min(n, <i32>((<i64>units * tid) / nt) * grain);
}

/** Where the linear-memory heap the host may allocate from begins (after static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** Whether this build uses relaxed SIMD (fused multiply-add) in its micro-kernels. */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
