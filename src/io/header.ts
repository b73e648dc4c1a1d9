// header.ts — the safetensors header: the format's dtype table and the validation of a file's
// header against its bytes (length field, UTF-8 JSON object, one entry per tensor, offsets that
// tile the data buffer exactly), with error messages that say what is wrong and where.
// Reference: github.com/huggingface/safetensors, tensor.rs (read_metadata, Metadata::validate).

import { Tensor } from '../tensor/tensor.js';
import { checkShape, fmt } from '../tensor/shape.js';

/** The safetensors dtypes tensorloom reads. Floats load as float32/float64, integers as int32. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** Bytes per element of each readable dtype. */
export const ELEMENT_SIZE: Record<SafetensorsDType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
/** dtypes of the format that tensorloom knows but has no storage for. */
const UNSUPPORTED = ['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64'];
const READABLE = Object.keys(ELEMENT_SIZE).join(', ');

/** The reference writer rejects headers above 100 MB; so does this reader (and this writer). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in a validated header. `dataOffsets` are relative to the data buffer. */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

/** A validated header: the free-form metadata and the tensors' entries in file order. */
export interface SafetensorsHeader {
  metadata: Record<string, string> | null;
  tensors: Record<string, SafetensorsEntry>;
  /** Byte position of the data buffer in the file (8 + N). */
  dataStart: number;
}

/** Validates everything the reference reader validates, with messages that say what is wrong. */
export function parseHeader(op: string, file: Uint8Array): SafetensorsHeader {
  if (file.length < 8) throw new Error(`${op}: file is ${file.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`${op}: header length ${n} is over the format's ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  const headerLength = Number(n);
  if (8 + headerLength > file.length) {
    throw new Error(`${op}: header length ${headerLength} runs past the end of the file (${file.length} bytes; the header needs ${8 + headerLength})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.subarray(8, 8 + headerLength));
  } catch {
    throw new Error(`${op}: header is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${op}: header is not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${op}: header must be a JSON object, got ${describe(parsed)}`);
  }

  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: [string, SafetensorsEntry][] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '__metadata__') metadata = checkMetadata(op, value);
    else entries.push([key, checkEntry(op, key, value, dataLength)]);
  }

  // The data buffer must be covered exactly: sorted by offsets, each tensor starts where the
  // previous one ended, and the last ends at the end of the file.
  entries.sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let previous = '';
  for (const [key, { dataOffsets: [begin, end] }] of entries) {
    if (begin < covered) {
      throw new Error(`${op}: tensors '${previous}' and '${key}' overlap (data_offsets of '${key}' are [${begin}, ${end}], '${previous}' ends at ${covered})`);
    }
    if (begin > covered) throw new Error(`${op}: bytes [${covered}, ${begin}) of the data buffer belong to no tensor (a hole before '${key}')`);
    covered = end;
    previous = key;
  }
  if (covered !== dataLength) {
    throw new Error(`${op}: bytes [${covered}, ${dataLength}) at the end of the data buffer belong to no tensor (the tensors cover ${covered} of ${dataLength} bytes)`);
  }
  return { metadata, tensors: Object.fromEntries(entries), dataStart };
}

function checkMetadata(op: string, value: unknown): Record<string, string> | null {
  if (value === null) return null; // the reference reader reads `null` as no metadata
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${op}: __metadata__ must be an object of string -> string, got ${describe(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${op}: __metadata__ value for '${k}' must be a string, got ${describe(v)}`);
  }
  return value as Record<string, string>;
}

function checkEntry(op: string, key: string, value: unknown, dataLength: number): SafetensorsEntry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${op}: entry '${key}' must be an object with dtype, shape and data_offsets, got ${describe(value)}`);
  }
  const entry = value as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(entry, field)) throw new Error(`${op}: entry '${key}' is missing '${field}'`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string' || !Object.hasOwn(ELEMENT_SIZE, dtype)) {
    if (typeof dtype === 'string' && UNSUPPORTED.includes(dtype)) {
      throw new Error(`${op}: tensor '${key}' has dtype ${dtype}, which tensorloom cannot read (it reads ${READABLE})`);
    }
    throw new Error(`${op}: tensor '${key}' has unknown dtype ${describe(dtype)} (expected one of ${READABLE})`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new Error(`${op}: tensor '${key}' has shape ${describe(shape)}; expected an array of non-negative integers`);
  }
  checkShape(`${op}: tensor '${key}'`, shape); // the one size guard: <= 64 dims, <= 2^31-1 elements
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new Error(`${op}: tensor '${key}' has data_offsets ${describe(offsets)}; expected [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new Error(`${op}: tensor '${key}' has data_offsets [${begin}, ${end}] with end before begin`);
  if (end > dataLength) {
    throw new Error(`${op}: tensor '${key}' has data_offsets [${begin}, ${end}] past the end of the data buffer (${dataLength} bytes)`);
  }
  const numel = (shape as number[]).reduce((a, s) => a * s, 1); // exact: checkShape bounds it
  const size = ELEMENT_SIZE[dtype as SafetensorsDType];
  if (end - begin !== numel * size) {
    throw new Error(`${op}: tensor '${key}' is ${dtype} of shape ${fmt(shape)}, which needs ${numel} x ${size} = ${numel * size} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { dtype: dtype as SafetensorsDType, shape: [...shape] as number[], dataOffsets: [begin, end] };
}

function isIndex(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** A short description of a value for error messages. */
export function describe(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (typeof x === 'function') return 'a function';
  if (x instanceof Tensor) return `a Tensor of shape ${fmt(x.shape)}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = Object.prototype.toString.call(x);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
