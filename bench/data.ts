// data.ts — deterministic host data for benchmark inputs, so every library multiplies, adds and
// trains on exactly the same numbers and the results can be cross-checked.
// Reference: mulberry32 (Tommy Ettinger's 32-bit PRNG).

/** A seeded generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n floats uniform in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** n integers uniform in [0, high). */
export function randomInts(n: number, seed: number, high: number): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * high);
  return out;
}

/**
 * Host copy of `data` (row-major, of `shape`) with its axes permuted: out axis i is input axis
 * perm[i], as tf.transpose / Tensor.permute. Used to hand one library's weight layout to another,
 * e.g. a conv weight (outC, inC, kh, kw) to tfjs's (kh, kw, inC, outC) with perm [2, 3, 1, 0].
 */
export function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const n = shape.length;
  const inStride = new Array<number>(n);
  for (let d = n - 1, s = 1; d >= 0; s *= shape[d--]) inStride[d] = s;
  const outShape = perm.map((p) => shape[p]);
  const stride = perm.map((p) => inStride[p]); // input stride of each output axis
  const out = new Float32Array(data.length);
  const idx = new Array<number>(n).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src];
    for (let d = n - 1; d >= 0; d--) { // odometer over the output index, last axis fastest
      src += stride[d];
      if (++idx[d] < outShape[d]) break;
      src -= stride[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}
