// common.ts — what every gpu.js kernel source here shares: the KernelSource record the
// backend compiles, and the index arithmetic that maps an output element to strided inputs.
// CPU counterpart: src/backend/strided.ts (collapse, forEachRow), the host's strided walk.
//
// How a kernel reads (see docs/backends.md): every kernel has a 1-D output of `size` elements
// in row-major order, so `this.thread.x` is the flat output index. Inputs arrive flat (a
// Float32Array, or a Texture on the GL modes) with their view's offset as a separate numeric
// argument; the shape and strides are baked into the source, so one compiled kernel serves
// every call with the same shape signature. All arithmetic is float32: an index stays exact
// while it is below 2^24, which the backend checks.
//
// GLSL rules (the GL modes compile the same source to GLSL ES 1.0 on WebGL/headless-gl and
// 3.0 on WebGL2; the reasons are at `lit` and `helper` below): helper functions are source
// strings checked by `helper()`, never JS function objects (bundlers rename them and rewrite
// their literals); NaN and infinities come from `lit()`, computed at run time, since GLSL
// compilers fold a constant 0.0 / 0.0 to 3.4e38; integral results use Math.trunc/floor.

/** One kernel the backend can compile: `key` identifies it in the cache (same key, same source). */
export interface KernelSource {
  key: string;
  /** gpu.js kernel source: `function (arg, ...) { ... return value; }` */
  source: string;
  /**
   * Helper functions the kernel calls (gpu.js `functions` setting), as source text made by
   * `helper()` (never function objects, which break in bundles: see `helper`).
   */
  functions?: string[];
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

/**
 * A float literal gpu.js types as Float (never Integer): 2 -> "2.0". NaN and ±Infinity become
 * divisions by a zero computed from this.thread.x, so they are usable in a kernel's body only
 * (inside a helper, divide by a zero made from a non-NaN argument, `Math.min(Math.abs(a), 0.0)`):
 * GLSL compilers may fold a constant `0.0 / 0.0` or `1.0 / 0.0` to ±3.4e38 (headless-gl's ANGLE
 * does), but not a division whose divisor is only known at run time, which GPUs compute as IEEE.
 */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / (0.0 * this.thread.x))';
  if (v === Infinity) return '(1.0 / (0.0 * this.thread.x))';
  if (v === -Infinity) return '(-1.0 / (0.0 * this.thread.x))';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

// Names a helper must not take: GLSL ES 1.0/3.0 built-ins and the functions gpu.js itself
// declares in every shader (a helper named `roundEven` or `tanh` fails to compile on WebGL2).
const RESERVED = new Set(`abs acos acosh asin asinh atan atanh ceil clamp cos cosh cross degrees
  determinant distance dot equal exp exp2 faceforward floatBitsToInt floatBitsToUint floor fract
  greaterThan greaterThanEqual intBitsToFloat inverse inversesqrt isinf isnan length lessThan
  lessThanEqual log log2 matrixCompMult max min mix mod modf normalize not notEqual outerProduct
  packHalf2x16 packSnorm2x16 packUnorm2x16 pow radians reflect refract round roundEven sign sin
  sinh smoothstep sqrt step tan tanh texture texture2D transpose trunc uintBitsToFloat
  unpackHalf2x16 unpackSnorm2x16 unpackUnorm2x16 main kernel color
  _pow _pow2 _round atan2 cbrt decode16 decode32 decode8 encode32 expm1 fround get16 get32 get8
  getFloatFromSampler2D getImage2D getImage3D getMemoryOptimized32 imul indexTo3D
  integerCorrectionModulo integerMod divWithIntCheck legacyEncode32 log10 log1p modi modulo`.split(/\s+/));

/**
 * A helper function for a kernel's `functions`, as source text: `function name(a, b) { ... }`
 * in gpu.js's subset. Text, not a JS function object, because gpu.js compiles a helper from
 * its toString(), which a bundler rewrites: rolldown/esbuild rename it (`erf` -> `erf$2`, so
 * the kernel's call finds nothing), print `1.0` as `1` and `0.0 / 0.0` as `NaN` (an identifier
 * GLSL lacks). Throws at load time on a name GLSL or gpu.js already uses.
 */
export function helper(source: string): string {
  const name = /^\s*function\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(source)?.[1];
  if (!name) throw new Error(`kernel helper: expected 'function name(...) { ... }', got '${source.slice(0, 40)}'`);
  if (RESERVED.has(name)) throw new Error(`kernel helper '${name}': the name is a GLSL built-in or a gpu.js shader function; rename it`);
  return source;
}

/** Signature fragment for cache keys: shape and strides of a view. */
export function sig(shape: readonly number[], stride?: readonly number[]): string {
  return stride ? `${shape.join('x')}/${stride.join(',')}` : shape.join('x');
}
