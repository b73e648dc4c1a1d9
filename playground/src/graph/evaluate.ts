// evaluate.ts — runs the Graph page's code: the lines are evaluated with every tensorloom export
// in scope (plus F = nn.functional), `name = …` assignments are kept as named variables, the last
// line gives the output; then backward (through out.sum() when the output is not a scalar) and
// toDot with the variables' names on the leaves. All in one synchronous run, so toDot sees the
// graph the backward just went through. DOM-free, so test/playground/graph.test.ts runs it in Node.

import * as tl from '../../../src/index.js';

export interface LeafInfo {
  name: string;
  shape: number[];
  value: unknown;
  grad: unknown;
}

export interface Evaluation {
  output: tl.Tensor;
  dot: string;
  /** leaves that require grad, named after their variables (modules' as `model.0.weight`) */
  leaves: LeafInfo[];
}

const library: Record<string, unknown> = { ...tl, F: tl.nn.functional };
const NAME = /^\s*([A-Za-z_$][\w$]*)\s*=(?!=)/;

/** `name` Tensor variables and the parameters of Module variables as [name, tensor] pairs. */
function namedTensors(vars: Map<string, unknown>): [string, tl.Tensor][] {
  const out: [string, tl.Tensor][] = [];
  for (const [name, v] of vars) {
    if (v instanceof tl.Tensor) out.push([name, v]);
    else if (v instanceof tl.nn.Module) for (const [k, p] of v.namedParameters()) out.push([`${name}.${k}`, p]);
  }
  return out;
}

/** Runs `code` as statements; returns the variables it assigned and the value of its output line. */
function run(code: string): { vars: Map<string, unknown>; output: unknown } {
  const lines = code.replace(/^(\s*)(?:const|let|var)\s+/gm, '$1').split('\n');
  let last = lines.length - 1;
  while (last >= 0 && /^\s*(\/\/.*)?$/.test(lines[last])) last--;
  if (last < 0) throw new Error('graph: write some code; its last line gives the output tensor');
  const assigned = NAME.exec(lines[last]);
  const OUT = '__output__';
  if (!assigned) lines[last] = `${OUT} = (${lines[last].replace(/;\s*$/, '')})`;

  const vars = new Map<string, unknown>();
  // every free name resolves here: variables first, then tensorloom, then the browser's globals
  const scope = new Proxy(Object.create(null) as object, {
    has: (_t, key) => typeof key === 'string',
    get: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      if (vars.has(key)) return vars.get(key);
      if (key in library) return library[key];
      if (key in globalThis) return (globalThis as Record<string, unknown>)[key];
      throw new ReferenceError(`graph: '${key}' is not defined (assign it first, or use a tensorloom name such as tensor, randn, nn, F)`);
    },
    set: (_t, key, value) => {
      vars.set(String(key), value);
      return true;
    },
  });
  let fn: (scope: object) => void;
  try {
    fn = new Function('scope', `with (scope) {\n${lines.join('\n')}\n}`) as typeof fn;
  } catch (e) {
    throw new Error(`graph: the code does not parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  fn(scope);
  const output = assigned ? vars.get(assigned[1]) : vars.get(OUT);
  vars.delete(OUT);
  return { vars, output };
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : `${typeof v} ${String(v)}`;
}

/** Evaluates `code`, runs backward from its output and returns the DOT text and the leaves. */
export function evaluate(code: string, { rankdir = 'LR' as 'LR' | 'TB' } = {}): Evaluation {
  const { vars, output } = run(code);
  if (!(output instanceof tl.Tensor)) throw new Error(`graph: the last line must give a tensor, got ${describe(output)}`);
  if (!output.requiresGrad) {
    throw new Error('graph: the output does not depend on any tensor that requires grad; make an input with {requiresGrad: true}, e.g. a = tensor(2.0, {requiresGrad: true})');
  }
  const params = namedTensors(vars);
  // the same leaves may be reused by a module the code built before: start from empty gradients
  for (const [, t] of params) if (t.isLeaf) t.grad = null;
  if (output.numel() === 1 && output.ndim === 0) output.backward();
  else output.sum().backward(); // (a non-scalar output: the gradient of its sum, all ones)
  const dot = tl.toDot(output, { params, values: true, rankdir });
  const leaves = params
    .filter(([, t]) => t.isLeaf && t.requiresGrad)
    .map(([name, t]) => ({ name, shape: t.shape, value: t.toArray(), grad: t.grad?.toArray() ?? null }));
  return { output, dot, leaves };
}
