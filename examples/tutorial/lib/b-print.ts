// b-print.ts — fixed-precision printing for the tutorial scripts of chapters 4–6, so every printed
// digit is stable and the chapters can quote stdout exactly (test/tutorial/output.test.ts).
// Numbers are rounded with toFixed (a rounded zero prints without a minus sign); tiny differences
// print as an order of magnitude.

import type { Tensor } from '../../../src/index.js';

/** x with `digits` decimals, "-0.00" shown as "0.00". */
export function num(x: number, digits = 2): string {
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/** A 1-D tensor or number list as "[a, b, …]" with `digits` decimals. */
export function vec(v: Tensor | ArrayLike<number>, digits = 2): string {
  const xs = Array.from('dataSync' in v ? v.dataSync() : v);
  return `[${xs.map((x) => num(Number(x), digits)).join(', ')}]`;
}

/** A 2-D tensor as aligned rows, one per line, each indented by `indent`. */
export function matrix(m: Tensor, digits = 2, indent = '  '): string {
  if (m.ndim !== 2) throw new Error(`matrix: expected a 2-D tensor, got shape [${m.shape.join(',')}]`);
  const [R, Cn] = m.shape, data = m.dataSync();
  const cells = Array.from(data, (x) => num(Number(x), digits));
  const width = Math.max(...cells.map((c) => c.length));
  const rows: string[] = [];
  for (let r = 0; r < R; r++) rows.push(indent + cells.slice(r * Cn, (r + 1) * Cn).map((c) => c.padStart(width)).join(' '));
  return rows.join('\n');
}

/** A difference as an order of magnitude ("< 1e-6"), so the printed line does not depend on rounding noise. */
export function below(d: number): string {
  if (d === 0) return '0';
  return `< 1e${Math.ceil(Math.log10(d))}`;
}
