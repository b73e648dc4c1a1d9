// dtype.ts — the four tensor dtypes, their typed-array storage and PyTorch's promotion rules.
// float32 is the default; float64 exists for gradcheck and reference math; int32 holds
// indices and labels; bool masks are stored one byte per element (Uint8Array).
// Reference: torch.result_type / type promotion docs.

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Allocates a zero-filled typed array of `size` elements for `dtype`. */
export function allocTyped(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

/** The dtype a typed array stores natively (Uint8Array is read as bool). */
export function dtypeOfTyped(a: ArrayLike<number>): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  throw new Error(`tensor: unsupported typed array ${Object.prototype.toString.call(a)}`);
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's promotion for two tensor operands: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Promotion of a tensor with a Python-style scalar: the tensor's dtype wins unless the scalar
 * is of a higher category (a fractional number with an int tensor gives float32,
 * any number with a bool tensor gives int32 or float32).
 */
export function promoteWithScalar(t: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return t;
  if (isFloating(t)) return t;
  if (!Number.isInteger(scalar)) return 'float32';
  return t === 'bool' ? 'int32' : t;
}

/** Converts a JS number to the value a dtype stores (truncation toward zero for int32, as a cast). */
export function castScalar(v: number, dtype: DType): number {
  if (dtype === 'bool') return v ? 1 : 0;
  if (dtype === 'int32') return Math.trunc(v) | 0;
  if (dtype === 'float32') return Math.fround(v);
  return v;
}
