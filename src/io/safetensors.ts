// safetensors.ts — reading and writing the safetensors format, so that weights move between
// tensorloom and PyTorch (safetensors.torch.save_file / load_file). A file is
//   8 bytes    N, the header's length, a little-endian u64
//   N bytes    UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}
//   the rest   each tensor's row-major little-endian bytes at [begin, end), covering it exactly.
// Reference: github.com/huggingface/safetensors (README "Format"; tensor.rs prepare and validate).

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { bytesOf, copyLittleEndian, decodeBF16, decodeF16 } from './bytes.js';
import {
  describe, ELEMENT_SIZE, MAX_HEADER_BYTES, parseHeader, type SafetensorsDType, type SafetensorsHeader,
} from './header.js';

export type { SafetensorsDType, SafetensorsEntry, SafetensorsHeader } from './header.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type WriteDType = 'BOOL' | 'I32' | 'F32' | 'F64' | 'I64';
const WRITE_DTYPE: Record<DType, WriteDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
/**
 * The reference writer lays tensors out by descending dtype, in the order of its `Dtype` enum
 * (BOOL < U8 < I8 < … < I32 < U32 < F32 < F64 < I64 < U64, i.e. roughly by alignment), then by
 * name. Following it makes our files byte-identical to safetensors.torch.save_file's.
 */
const WRITE_RANK: Record<WriteDType, number> = { BOOL: 0, I32: 1, F32: 2, F64: 3, I64: 4 };

export interface SaveSafetensorsOptions {
  /**
   * int32 tensors whose key this accepts are written as I64, PyTorch's dtype for them.
   * Default: keys ending in `num_batches_tracked` (BatchNorm's counter), so that PyTorch's
   * strict `load_state_dict` accepts the file.
   */
  int64Keys?: (key: string) => boolean;
}

// ---- writing -------------------------------------------------------------------------------

/**
 * Serializes a state dict to safetensors bytes. Tensors are written contiguous and row-major
 * (views such as transposes are materialized), float32 -> F32, float64 -> F64, int32 -> I32
 * (I64 for `num_batches_tracked`, see options), bool -> BOOL. The header is padded with spaces
 * to a multiple of 8 bytes so that every tensor's data is aligned, as the reference writer does.
 *
 *   const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
 */
export function saveSafetensors(
  stateDict: Record<string, Tensor>, metadata?: Record<string, string> | null, options: SaveSafetensorsOptions = {},
): Uint8Array {
  const op = 'saveSafetensors';
  if (stateDict === null || typeof stateDict !== 'object' || stateDict instanceof Tensor) {
    throw new Error(`${op}: expected a state dict (an object of name -> Tensor), got ${describe(stateDict)}`);
  }
  const isInt64 = options.int64Keys ?? ((key: string) => key.endsWith('num_batches_tracked'));
  const items = Object.keys(stateDict).map((key) => {
    const t = stateDict[key];
    if (key === '__metadata__') throw new Error(`${op}: the key '__metadata__' is reserved for the header's metadata and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new Error(`${op}: value for key '${key}' is not a Tensor (got ${describe(t)})`);
    const dtype: WriteDType = t.dtype === 'int32' && isInt64(key) ? 'I64' : WRITE_DTYPE[t.dtype];
    return { key, t, dtype, nbytes: t.numel() * ELEMENT_SIZE[dtype] };
  });
  items.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || compareCodePoints(a.key, b.key));

  // The header JSON, spelled out to match serde_json's compact output field for field.
  const parts: string[] = [];
  if (metadata !== undefined && metadata !== null) parts.push(`"__metadata__":${metadataJson(op, metadata)}`);
  let offset = 0;
  for (const { key, t, dtype, nbytes } of items) {
    parts.push(`${JSON.stringify(key)}:{"dtype":"${dtype}","shape":${JSON.stringify(t.shape)},"data_offsets":[${offset},${offset + nbytes}]}`);
    offset += nbytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8; // pad with spaces so the data starts 8-byte aligned
  if (n > MAX_HEADER_BYTES) throw new Error(`${op}: header would be ${n} bytes, over the format's ${MAX_HEADER_BYTES}-byte limit`);

  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true); // u64 little-endian: low word, then a zero high word
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);

  let pos = 8 + n;
  for (const { t, dtype, nbytes } of items) {
    const data = t.dataSync(); // contiguous row-major copy
    if (dtype === 'I64') {
      // sign-extend each int32 to 64 bits: low word the value, high word its sign
      for (let i = 0; i < data.length; i++) {
        view.setInt32(pos + 8 * i, data[i], true);
        view.setInt32(pos + 8 * i + 4, data[i] < 0 ? -1 : 0, true);
      }
    } else if (dtype === 'BOOL') {
      for (let i = 0; i < data.length; i++) out[pos + i] = data[i] ? 1 : 0;
    } else {
      copyLittleEndian(out.subarray(pos, pos + nbytes), bytesOf(data), ELEMENT_SIZE[dtype]);
    }
    pos += nbytes;
  }
  return out;
}

function metadataJson(op: string, metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new Error(`${op}: metadata must be an object of string -> string, got ${describe(metadata)}`);
  const fields = Object.keys(metadata).map((k) => {
    const v = metadata[k];
    if (typeof v !== 'string') throw new Error(`${op}: metadata value for '${k}' must be a string, got ${describe(v)}`);
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `{${fields.join(',')}}`;
}

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 (Rust's str order). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0); // a prefix sorts first
}

// ---- reading -------------------------------------------------------------------------------

/**
 * Parses safetensors bytes into a state dict (keys in file order). F32/F16/BF16 load as float32,
 * F64 as float64, I64/I32/I16/I8/U64/U32/U16/U8 as int32 (a value outside int32 throws, naming
 * the key), BOOL as bool. Malformed files throw an Error starting with `loadSafetensors:`.
 *
 *   model.loadStateDict(loadSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer())));
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const op = 'loadSafetensors';
  const file = asBytes(op, bytes);
  const header = parseHeader(op, file);
  return Object.fromEntries(Object.entries(header.tensors).map(([key, { dtype, shape, dataOffsets: [begin, end] }]) => {
    const raw = file.subarray(header.dataStart + begin, header.dataStart + end);
    const values = decodeValues(op, key, dtype, raw, raw.length / ELEMENT_SIZE[dtype]);
    return [key, tensor(values, { shape, dtype: storageDType(dtype) })];
  }));
}

/** Reads and validates only the header (metadata, names, dtypes, shapes, offsets): no tensor is made. */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const op = 'readSafetensorsHeader';
  return parseHeader(op, asBytes(op, bytes));
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new Error(`${op}: expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
}

function storageDType(dtype: SafetensorsDType): DType {
  if (dtype === 'F64') return 'float64';
  if (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16') return 'float32';
  return dtype === 'BOOL' ? 'bool' : 'int32';
}

/**
 * The `n` little-endian values in `raw` as the typed array of the tensorloom dtype they load as.
 * Floats are copied as bytes (or decoded to bits), so every NaN payload is kept. Exported for tests.
 */
export function decodeValues(op: string, key: string, dtype: SafetensorsDType, raw: Uint8Array, n: number): TypedArray {
  const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const ints = (read: (i: number) => number): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = read(i);
      if (v < INT32_MIN || v > INT32_MAX) throw outOfRange(op, key, dtype, String(v), i);
      out[i] = v;
    }
    return out;
  };
  switch (dtype) {
    case 'F64': { const out = new Float64Array(n); copyLittleEndian(bytesOf(out), raw, 8); return out; }
    case 'F32': { const out = new Float32Array(n); copyLittleEndian(bytesOf(out), raw, 4); return out; }
    case 'I32': { const out = new Int32Array(n); copyLittleEndian(bytesOf(out), raw, 4); return out; }
    case 'F16': return decodeF16(src, n);
    case 'BF16': return decodeBF16(src, n);
    case 'BOOL': return Uint8Array.from(raw, (b) => (b !== 0 ? 1 : 0));
    case 'I16': return ints((i) => src.getInt16(2 * i, true));
    case 'U16': return ints((i) => src.getUint16(2 * i, true));
    case 'I8': return ints((i) => src.getInt8(i));
    case 'U8': return ints((i) => raw[i]);
    case 'U32': return ints((i) => src.getUint32(4 * i, true));
    case 'I64':
    case 'U64': {
      // a 64-bit integer fits int32 when its high word is its low word's sign extension
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = src.getInt32(8 * i, true);
        const hi = src.getInt32(8 * i + 4, true);
        if (hi !== (lo < 0 ? -1 : 0) || (dtype === 'U64' && lo < 0)) {
          const v = dtype === 'I64' ? src.getBigInt64(8 * i, true) : src.getBigUint64(8 * i, true);
          throw outOfRange(op, key, dtype, String(v), i);
        }
        out[i] = lo;
      }
      return out;
    }
  }
}

function outOfRange(op: string, key: string, dtype: string, value: string, index: number): Error {
  return new Error(`${op}: tensor '${key}' (${dtype}) holds ${value} at flat index ${index}, outside the int32 range [${INT32_MIN}, ${INT32_MAX}] tensorloom stores integers in`);
}

