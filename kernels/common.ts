// common.ts — what every gpu.js kernel source here shares: the KernelSource record the
// backend compiles, and the index arithmetic that maps an output element to strided inputs.
//
// How a kernel reads (see docs/backends.md): every kernel has a 1-D output of `size` elements
// in row-major order, so `this.thread.x` is the flat output index. Inputs arrive flat (a
// Float32Array, or a Texture on the GL modes) with their view's offset as a separate numeric
// argument; the shape and strides are baked into the source, so one compiled kernel serves
// every call with the same shape signature. All arithmetic is float32: an index stays exact
// while it is below 2^24, which the backend checks.

/** One kernel the backend can compile: `key` identifies it in the cache (same key, same source). */
export interface KernelSource {
  key: string;
  /** gpu.js kernel source: `function (arg, ...) { ... return value; }` */
  source: string;
  /** Helper functions the kernel calls (gpu.js `functions` setting). */
  functions?: ((...args: number[]) => number)[];
  /** Longest loop the kernel runs (gpu.js `loopMaxIterations`). */
  maxLoop?: number;
  /**
   * gpu.js output dimensions when not the usual 1-D [size] (webasm's blocked matmul); the run
   * then returns gpu.js's nested rows, which the caller flattens.
   */
  output?: number[];
}

/**
 * Source lines that split the flat index `flat` into coordinates `${name}0..${name}{r-1}` of
 * `shape`, innermost last. Division is written floor((r + 0.5) / n): exact in float32 for
 * r < 2^22 even where a GPU's division is approximate.
 */
export function coordLines(shape: readonly number[], flat: string, name = 'c'): string {
  const lines: string[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (d === 0) {
      lines.push(`const ${name}0 = ${rest};`);
      break;
    }
    const q = `q${name}${d}`;
    lines.push(`const ${q} = Math.floor((${rest} + 0.5) / ${shape[d]});`);
    lines.push(`const ${name}${d} = ${rest} - ${q} * ${shape[d]};`);
    rest = q;
  }
  return lines.join('\n    ');
}

/** The flat storage index of coordinates `${name}d` in a view with `stride` and offset `off`. */
export function indexExpr(off: string, stride: readonly number[], name = 'c'): string {
  const terms = [off];
  stride.forEach((s, d) => {
    if (s !== 0) terms.push(s === 1 ? `${name}${d}` : `${name}${d} * ${s}`);
  });
  return terms.join(' + ');
}

/** A float literal gpu.js types as Float (never Integer): 2 -> "2.0". */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (v === Infinity) return '(1.0 / 0.0)';
  if (v === -Infinity) return '(-1.0 / 0.0)';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Signature fragment for cache keys: shape and strides of a view. */
export function sig(shape: readonly number[], stride?: readonly number[]): string {
  return stride ? `${shape.join('x')}/${stride.join(',')}` : shape.join('x');
}
