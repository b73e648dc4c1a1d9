// build.ts — builds safetensors bytes by hand for the io tests, straight from the format's
// definition (u64 little-endian header length, UTF-8 JSON header, data buffer), so that the
// tests never use the code under test to make their inputs.

/** 8-byte little-endian header length, the header text's UTF-8 bytes, then `data`. */
export function makeFile(header: string | object, data: Uint8Array | number = 0): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** A file holding one tensor `name` of `dtype` and `shape` whose data bytes `fill` writes. */
export function oneTensor(
  name: string, dtype: string, shape: number[], nbytes: number, fill: (v: DataView) => void,
): Uint8Array {
  const data = new Uint8Array(nbytes);
  fill(new DataView(data.buffer));
  return makeFile({ [name]: { dtype, shape, data_offsets: [0, nbytes] } }, data);
}

/** The header text of a safetensors file (padding included) and its declared length. */
export function headerOf(bytes: Uint8Array): { n: number; text: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

/** Bytes from a hex string ('00 00 80 3f' or '0000803f'). */
export function hex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(2 * i, 2 * i + 2), 16));
}

/** The raw bytes of a typed array (for bit-exact comparisons, NaN payloads included). */
export function rawBytes(a: ArrayBufferView): number[] {
  return [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
}
