// dot.ts — toDot: the autograd graph behind a tensor as Graphviz DOT text, in the spirit of
// micrograd's draw_dot and torchviz's make_dot. One box per recorded op (its name, output shape
// and dtype, and after a backward the norm of the gradient that reached it), one green box per
// leaf that requires grad (named from `params`), a dashed box per input that needs no gradient;
// edges point the way data flows. tensorloom/node's renderSvg(dot) draws it with Graphviz.

import { Tensor } from '../tensor/tensor.js';
import { noGrad, SMALL_NUMEL, topoOrder, type Node } from '../autograd/engine.js';
import { fmt, numel } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { checkOneOf, show } from '../check.js';

export interface ToDotOptions {
  /** Names for leaf tensors: `model.namedParameters()`, a Map, a record, or the module itself. */
  params?: Iterable<[string, Tensor]> | Record<string, Tensor> | { namedParameters(): [string, Tensor][] };
  /** Also print values and gradients of tensors with at most 16 elements (default false). */
  values?: boolean;
  /** Graphviz layout direction: 'LR' left to right (default) or 'TB' top to bottom. */
  rankdir?: 'LR' | 'TB';
}

const STYLE = {
  op: 'shape=box, style="rounded,filled", fillcolor="#dbe9f6"',
  leaf: 'shape=box, style=filled, fillcolor="#d5ecd4"',
  constant: 'shape=box, style=dashed, color="#888888", fontcolor="#555555"',
};

/**
 * Graphviz DOT text of the graph that produced `output`, read from the recorded Nodes. Every op
 * shows `name`, `[shape] dtype` and, once a backward has run through it, `‖grad‖` (the norm of
 * the gradient at its output: each backward keeps the gradients of the ops nearest the output,
 * up to 2^20 elements in all, so a large model's graph shows norms only near its loss).
 * Leaves show their own `.grad`'s norm. With `values: true`, tensors of at most 16 elements also
 * show `value` and `grad` in full (a one-element gradient then without its norm).
 *
 *   const loss = model.forward(x).sub(y).pow(2).mean();
 *   loss.backward();
 *   const dot = toDot(loss, { params: model.namedParameters() });
 *   const svg = await renderSvg(dot);               // tensorloom/node
 */
export function toDot(output: Tensor, opts: ToDotOptions = {}): string {
  if (!(output instanceof Tensor)) throw new Error(`toDot: expected a Tensor, got ${show(output)}`);
  const values = opts.values ?? false;
  const rankdir = checkOneOf('toDot', 'rankdir', opts.rankdir ?? 'LR', ['LR', 'TB']);
  const names = paramNames(opts.params);
  const lines = ['digraph autograd {', `  rankdir=${rankdir};`, '  node [fontname="Helvetica", fontsize=10];', '  edge [color="#555555"];'];
  const declare = (id: string, label: string[], style: string, extra = '') => lines.push(`  ${id} [label="${label.map(escape).join('\\n')}", ${style}${extra}];`);

  const leafIds = new Map<Tensor, string>();
  const leafId = (t: Tensor): string => {
    let id = leafIds.get(t);
    if (!id) {
      leafIds.set(t, (id = `leaf${leafIds.size}`));
      const label = [names.get(t) ?? 'leaf', shapeLine(t.shape, t.dtype), ...valueLines(t, values), ...gradLines(t.grad, values)];
      declare(id, label, STYLE.leaf, t === output ? ', penwidth=2' : '');
    }
    return id;
  };
  if (!output.gradFn) {
    if (output.requiresGrad) leafId(output);
    else declare('const0', [names.get(output) ?? 'tensor', shapeLine(output.shape, output.dtype), ...valueLines(output, values)], STYLE.constant, ', penwidth=2');
    lines.push('}');
    return lines.join('\n') + '\n';
  }

  const forward = topoOrder([output.gradFn]).reverse(); // every op after the ops it reads
  const opIds = new Map<Node, string>(forward.map((node, i) => [node, `op${i}`]));
  let constants = 0;
  for (const node of forward) {
    const edges: string[] = [];
    node.next.forEach((edge, i) => {
      if (edge === null) {
        const id = `const${constants++}`;
        const value = node.smallConstants[i];
        declare(id, ['const', shapeLine(node.inputShapes[i], node.inputDtypes[i]), ...(value ? valueLines(value, values) : [])], STYLE.constant);
        edges.push(`${id} -> ${opIds.get(node)}`);
      } else if (edge instanceof Tensor) {
        edges.push(`${leafId(edge)} -> ${opIds.get(node)}`);
      } else {
        // several outputs (unbind): the edge says which one flows
        const slot = edge.node.outputs > 1 ? ` [label="${edge.slot}"]` : '';
        edges.push(`${opIds.get(edge.node)} -> ${opIds.get(node)}${slot}`);
      }
    });
    const label = [node.name, ...opLines(node, values)];
    declare(opIds.get(node)!, label, STYLE.op, node === output.gradFn ? ', penwidth=2' : '');
    for (const e of edges) lines.push(`  ${e};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Shape, value and gradient lines of an op's outputs (one block per output slot). */
function opLines(node: Node, values: boolean): string[] {
  const lines: string[] = [];
  for (let slot = 0; slot < node.outputs; slot++) {
    const prefix = node.outputs > 1 ? `${slot}: ` : '';
    lines.push(prefix + shapeLine(node.outputShapes[slot], node.outputDtypes[slot]));
    const value = node.smallValues[slot];
    if (values && value) lines.push(`value ${formatValues(value)}`);
    lines.push(...gradLines(node.lastGrads[slot], values));
  }
  return lines;
}

/** `‖grad‖`, and with `values` the gradient itself when it is small (a single number without its norm). */
function gradLines(g: Tensor | null, values: boolean): string[] {
  if (!g) return [];
  const small = numel(g.shape) <= SMALL_NUMEL;
  const norm = small ? Math.hypot(...Array.from(g.dataSync(), Number)) : Math.sqrt(noGrad(() => g.mul(g).sum()).item());
  if (!values || !small) return [`‖grad‖ ${formatNumber(norm)}`];
  return numel(g.shape) === 1 ? [`grad ${formatValues(g)}`] : [`grad ${formatValues(g)}`, `‖grad‖ ${formatNumber(norm)}`];
}

function valueLines(t: Tensor, values: boolean): string[] {
  return values && numel(t.shape) <= SMALL_NUMEL ? [`value ${formatValues(t)}`] : [];
}

const shapeLine = (shape: number[], dtype: DType | undefined): string => `${fmt(shape)} ${dtype ?? ''}`.trimEnd();

/** A tensor's values as nested brackets with 4 significant digits; a 0-d tensor as a number. */
function formatValues(t: Tensor): string {
  const fmtNested = (v: unknown): string => (Array.isArray(v) ? `[${v.map(fmtNested).join(', ')}]` : formatNumber(Number(v)));
  return fmtNested(t.toArray());
}

function formatNumber(x: number): string {
  return Number.isInteger(x) || !Number.isFinite(x) ? String(x) : String(Number(x.toPrecision(4)));
}

const escape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

function paramNames(params: ToDotOptions['params']): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  if (params == null) return names;
  const entries =
    typeof (params as { namedParameters?: unknown }).namedParameters === 'function'
      ? (params as { namedParameters(): [string, Tensor][] }).namedParameters()
      : Symbol.iterator in Object(params)
        ? (params as Iterable<[string, Tensor]>)
        : Object.entries(params as Record<string, Tensor>);
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !(entry[1] instanceof Tensor)) {
      throw new Error(`toDot: params must give [name, Tensor] pairs, got ${show(entry)}`);
    }
    if (!names.has(entry[1])) names.set(entry[1], entry[0]);
  }
  return names;
}
