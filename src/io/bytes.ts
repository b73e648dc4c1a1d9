// bytes.ts — the byte-level work under the safetensors reader and writer: the host's byte order,
// copying typed-array bytes to and from little-endian, and decoding IEEE 754 half precision (F16)
// and bfloat16 (BF16) to float32 by hand, subnormals, infinities and NaN payloads included.
// NaNs are written as bits, never through a JS number (reading a signalling NaN into a number
// may quiet it: 0x7fa00001 becomes 0x7fe00001).
// Reference: IEEE 754-2008 binary16; bfloat16 = the upper 16 bits of an IEEE binary32.

/** True on little-endian hosts (nearly all); checked so that files stay portable to the others. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes under a typed array (a view, no copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Copies `src` into `dst` (same length), converting elements of `size` bytes between
 * little-endian and host order: a plain copy on a little-endian host, a byte reversal per element
 * on a big-endian one. The conversion is its own inverse, so writer and reader both use it.
 * Copying bytes (never going through a JS number) keeps every bit, NaN payloads included.
 */
export function copyLittleEndian(dst: Uint8Array, src: Uint8Array, size: number, hostLittleEndian = HOST_LITTLE_ENDIAN): void {
  if (hostLittleEndian || size === 1) {
    dst.set(src);
    return;
  }
  for (let i = 0; i < src.length; i += size) {
    for (let j = 0; j < size; j++) dst[i + j] = src[i + size - 1 - j];
  }
}

/**
 * One binary16 bit pattern as a number. Layout: 1 sign bit s, 5 exponent bits e (bias 15),
 * 10 mantissa bits m.
 *   e = 0        subnormal   (-1)^s * (m / 1024) * 2^-14      (m = 0 gives ±0)
 *   e = 1..30    normal      (-1)^s * (1 + m / 1024) * 2^(e - 15)
 *   e = 31       m = 0 ? ±Infinity : NaN
 * Every binary16 value is exactly representable in binary32, so storing the result in a
 * Float32Array loses nothing.
 */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * (m / 1024) * 2 ** -14;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * `n` little-endian binary16 values from `src` as float32. A NaN keeps its sign and payload:
 * its 10 mantissa bits become the top of the float32's 23 (as c10's fp16_ieee_to_fp32_bits), so
 * a signalling NaN stays signalling.
 */
export function decodeF16(src: DataView, n: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer); // host order, as `out`
  for (let i = 0; i < n; i++) {
    const h = src.getUint16(2 * i, true);
    if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) bits[i] = (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0;
    else out[i] = halfToFloat(h);
  }
  return out;
}

/**
 * `n` little-endian bfloat16 values from `src` as float32. A bfloat16 is the upper half of a
 * float32's bits (same sign and 8-bit exponent, 7 of the 23 mantissa bits), so each value is
 * exact: shift the 16 bits back into place and view them as a float32 (subnormals, ±Infinity and
 * NaN payloads come along unchanged).
 */
export function decodeBF16(src: DataView, n: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer); // host order on both views, so no byte swap here
  for (let i = 0; i < n; i++) bits[i] = src.getUint16(2 * i, true) << 16;
  return out;
}
