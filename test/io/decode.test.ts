// decode.test.ts — reading the dtypes tensorloom has no storage for: F16 and BF16 decoded by hand
// to float32 (normals, subnormals, ±0, ±Infinity, NaN), and I64/I16/I8/U8/U16/U32/U64 to int32 with
// a range check. Inputs are byte fixtures built here with DataView, plus a file written by the
// reference implementation (fixtures/reference_dtypes.safetensors).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../src/io/index.js';
import { decodeBF16, decodeF16, halfToFloat } from '../../src/io/bytes.js';
import { makeFile, oneTensor, rawBytes } from './build.js';

/** A file with one tensor of `dtype` holding `bits`, written with `write` (little-endian). */
function file16(dtype: 'F16' | 'BF16' | 'I16' | 'U16', bits: number[]): Uint8Array {
  return oneTensor('x', dtype, [bits.length], 2 * bits.length, (v) => bits.forEach((b, i) => v.setUint16(2 * i, b, true)));
}

describe('F16 -> float32', () => {
  const cases: [number, number, string][] = [
    [0x3c00, 1, 'one'],
    [0xc000, -2, 'minus two'],
    [0x3555, 0.333251953125, 'nearest half to 1/3'],
    [0x7bff, 65504, 'largest finite'],
    [0x0400, 2 ** -14, 'smallest normal'],
    [0x03ff, 1023 * 2 ** -24, 'largest subnormal'],
    [0x0001, 2 ** -24, 'smallest subnormal'],
    [0x8001, -(2 ** -24), 'negative subnormal'],
    [0x0000, 0, 'zero'],
    [0x8000, -0, 'negative zero'],
    [0x7c00, Infinity, '+Infinity'],
    [0xfc00, -Infinity, '-Infinity'],
  ];
  it('known values through loadSafetensors', () => {
    const t = loadSafetensors(file16('F16', cases.map((c) => c[0]))).x;
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([cases.length]);
    const got = [...t.dataSync()];
    cases.forEach(([, want, what], i) => expect(Object.is(got[i], want), `${what}: got ${got[i]}`).toBe(true));
  });

  it('NaN (quiet, signalling, negative) decodes to NaN', () => {
    const t = loadSafetensors(file16('F16', [0x7e00, 0x7c01, 0xfe00])).x;
    expect([...t.dataSync()].every(Number.isNaN)).toBe(true);
  });

  it('NaN keeps its sign and payload, a signalling NaN stays signalling (bits, never a JS number)', () => {
    const v = new DataView(new ArrayBuffer(8));
    [0x7d01, 0x7e00, 0xfc01, 0x7fff].forEach((h, i) => v.setUint16(2 * i, h, true));
    const bits = [...new Uint32Array(decodeF16(v, 4).buffer)];
    expect(bits.map((b) => b.toString(16))).toEqual(['7fa02000', '7fc00000', 'ff802000', '7fffe000']);
  });

  it('all 65536 bit patterns agree with a bit-level binary16 -> binary32 conversion', () => {
    // independent reference: build the float32 bits directly, normalising subnormals by shifting
    const ref = (h: number): number => {
      const s = (h & 0x8000) << 16;
      let e = (h >> 10) & 0x1f;
      let m = h & 0x3ff;
      if (e === 31) return (s | 0x7f800000 | (m << 13)) >>> 0;
      if (e === 0) {
        if (m === 0) return s >>> 0;
        e = 1;
        while (!(m & 0x400)) { m <<= 1; e--; }
        m &= 0x3ff;
      }
      return (s | ((e + 112) << 23) | (m << 13)) >>> 0;
    };
    const bytes = new DataView(new ArrayBuffer(2 * 65536));
    for (let h = 0; h < 65536; h++) bytes.setUint16(2 * h, h, true);
    const decoded = decodeF16(bytes, 65536);
    const bits = new Uint32Array(decoded.buffer);
    let checked = 0;
    for (let h = 0; h < 65536; h++) {
      const want = ref(h);
      if (bits[h] !== want) { // NaNs included: their payload is kept bit for bit
        expect.fail(`0x${h.toString(16)}: got bits 0x${bits[h].toString(16)}, want 0x${want.toString(16)}`);
      }
      checked++;
    }
    expect(checked).toBe(65536);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
  });
});

describe('BF16 -> float32', () => {
  it('known values, subnormal and infinities included', () => {
    const cases: [number, number][] = [
      [0x3f80, 1], [0xc000, -2], [0x4049, 3.140625], [0x0080, 2 ** -126], [0x0001, 2 ** -133],
      [0x8001, -(2 ** -133)], [0x7f7f, 3.3895313892515355e38], [0x7f80, Infinity], [0xff80, -Infinity],
      [0x0000, 0], [0x8000, -0],
    ];
    const t = loadSafetensors(file16('BF16', cases.map((c) => c[0]))).x;
    expect(t.dtype).toBe('float32');
    const got = [...t.dataSync()];
    cases.forEach(([bits, want], i) => expect(Object.is(got[i], want), `0x${bits.toString(16)}: got ${got[i]}`).toBe(true));
  });

  it('keeps the NaN bits (each value is the float32 with these 16 bits on top)', () => {
    const v = new DataView(new ArrayBuffer(4));
    v.setUint16(0, 0x7fc1, true);
    v.setUint16(2, 0xffc0, true);
    expect([...new Uint32Array(decodeBF16(v, 2).buffer)]).toEqual([0x7fc10000, 0xffc00000]);
  });
});

describe('integer dtypes -> int32', () => {
  it('I64 within int32, negative ones included', () => {
    const vals = [0n, -1n, 5n, 2147483647n, -2147483648n, -123456789n];
    const t = loadSafetensors(oneTensor('n', 'I64', [2, 3], 48, (v) => vals.forEach((x, i) => v.setBigInt64(8 * i, x, true)))).n;
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([[0, -1, 5], [2147483647, -2147483648, -123456789]]);
  });

  it('I16, I8, U8, U16, U32, U64', () => {
    const i16 = oneTensor('x', 'I16', [3], 6, (v) => [-32768, 32767, -5].forEach((x, i) => v.setInt16(2 * i, x, true)));
    const i8 = oneTensor('x', 'I8', [4], 4, (v) => [-128, 127, -1, 0].forEach((x, i) => v.setInt8(i, x)));
    const u8 = oneTensor('x', 'U8', [3], 3, (v) => [0, 255, 128].forEach((x, i) => v.setUint8(i, x)));
    const u16 = file16('U16', [0, 65535, 40000]);
    const u32 = oneTensor('x', 'U32', [2], 8, (v) => [7, 2147483647].forEach((x, i) => v.setUint32(4 * i, x, true)));
    const u64 = oneTensor('x', 'U64', [2], 16, (v) => [9n, 2147483647n].forEach((x, i) => v.setBigUint64(8 * i, x, true)));
    const got = [i16, i8, u8, u16, u32, u64].map((f) => loadSafetensors(f).x);
    expect(got.map((t) => t.dtype)).toEqual(['int32', 'int32', 'int32', 'int32', 'int32', 'int32']);
    expect(got.map((t) => t.toArray())).toEqual([[-32768, 32767, -5], [-128, 127, -1, 0], [0, 255, 128], [0, 65535, 40000], [7, 2147483647], [9, 2147483647]]);
  });

  it('values outside int32 throw, naming the key, the value and its index', () => {
    const i64 = (x: bigint) => oneTensor('bn.num_batches_tracked', 'I64', [2], 16, (v) => { v.setBigInt64(0, 1n, true); v.setBigInt64(8, x, true); });
    expect(() => loadSafetensors(i64(2147483648n))).toThrow(
      /^loadSafetensors: tensor 'bn\.num_batches_tracked' \(I64\) holds 2147483648 at flat index 1, outside the int32 range \[-2147483648, 2147483647\]/,
    );
    expect(() => loadSafetensors(i64(-2147483649n))).toThrow(/tensor 'bn\.num_batches_tracked' \(I64\) holds -2147483649 at flat index 1/);
    expect(() => loadSafetensors(i64(-(2n ** 63n)))).toThrow(/holds -9223372036854775808 at flat index 1/);
    expect(() => loadSafetensors(i64(4294967296n))).toThrow(/holds 4294967296 at flat index 1/);
    const u32 = oneTensor('u', 'U32', [1], 4, (v) => v.setUint32(0, 2147483648, true));
    expect(() => loadSafetensors(u32)).toThrow(/^loadSafetensors: tensor 'u' \(U32\) holds 2147483648 at flat index 0/);
    const u64 = oneTensor('u', 'U64', [1], 8, (v) => v.setBigUint64(0, 2n ** 64n - 1n, true));
    expect(() => loadSafetensors(u64)).toThrow(/^loadSafetensors: tensor 'u' \(U64\) holds 18446744073709551615 at flat index 0/);
  });
});

describe('BOOL', () => {
  it('bytes load as a bool tensor; any non-zero byte is true (stored as 1)', () => {
    const t = loadSafetensors(makeFile({ m: { dtype: 'BOOL', shape: [2, 2], data_offsets: [0, 4] } }, Uint8Array.from([0, 1, 2, 255]))).m;
    expect(t.dtype).toBe('bool');
    expect(t.toArray()).toEqual([[false, true], [true, true]]);
    expect(rawBytes(t.dataSync())).toEqual([0, 1, 1, 1]);
  });
});

describe('a file written by the reference implementation (fixtures/reference_dtypes.safetensors)', () => {
  const sd = loadSafetensors(new Uint8Array(readFileSync(new URL('./fixtures/reference_dtypes.safetensors', import.meta.url))));

  it('F16 with subnormals, infinities, -0 and NaN', () => {
    const f16 = [...sd.f16.dataSync()];
    const want = [1, -2, 65504, 2 ** -24, -(2 ** -24), 1023 * 2 ** -24, 2 ** -14, Infinity, -Infinity, -0, 0.333251953125];
    want.forEach((w, i) => expect(Object.is(f16[i], w), `f16[${i}] = ${f16[i]}`).toBe(true));
    expect(Number.isNaN(sd.f16_nan.item())).toBe(true);
  });

  it('integers, bool and float64', () => {
    expect(sd.i64.toArray()).toEqual([[0, -1], [2147483647, -2147483648]]);
    expect(sd.i16.toArray()).toEqual([-32768, 32767, -1]);
    expect(sd.i8.toArray()).toEqual([-128, 127, -1]);
    expect(sd.u8.toArray()).toEqual([0, 255, 7]);
    expect(sd.u16.toArray()).toEqual([0, 65535]);
    expect(sd.u32.toArray()).toEqual([0, 2147483647]);
    expect(sd.u64.toArray()).toEqual([5, 2147483647]);
    expect(sd.b.toArray()).toEqual([true, false, true]);
    expect(sd.f64.dtype).toBe('float64');
    expect(sd.f64.toArray()).toEqual([1 / 3, -1e300]);
  });
});
