// dot.test.ts — toDot's DOT text for small graphs whose values and gradients are worked out by
// hand, node by node and edge by edge; what it shows before and after backward, for several-
// output ops, large graphs, names from params; its errors; and renderSvg's SVG from Graphviz.

import { describe, expect, it } from 'vitest';
import { nn, tensor, toDot, manualSeed, zeros, type Tensor } from '../../src/index.js';
import { renderSvg } from '../../src/node.js';

/** The DOT statements (one per line, indentation dropped) between the braces. */
const body = (dot: string): string[] => dot.trim().split('\n').slice(1, -1).map((l) => l.trim());
const labelOf = (dot: string, id: string): string => {
  const m = dot.match(new RegExp(`^  ${id} \\[label="((?:[^"\\\\]|\\\\.)*)"`, 'm'));
  if (!m) throw new Error(`no node ${id} in\n${dot}`);
  return m[1];
};
const edges = (dot: string): string[] => body(dot).filter((l) => l.includes(' -> '));

describe('toDot', () => {
  // a = [1, 2], b = [3, -1] (leaves), c = 0.5 (constant)
  // m = a * b = [3, -2];  s = m + c = [3.5, -1.5];  out = sum(s) = 2
  // d out/ds = [1, 1] = d out/dm;  d out/da = b = [3, -1] (norm √10);  d out/db = a = [1, 2] (norm √5)
  const build = (dtype: 'float32' | 'float64' = 'float32') => {
    const a = tensor([1, 2], { requiresGrad: true, dtype });
    const b = tensor([3, -1], { requiresGrad: true, dtype });
    const c = tensor(0.5, { dtype });
    const out = a.mul(b).add(c).sum();
    return { a, b, c, out };
  };

  it('writes one node per op and leaf, edges in data-flow order, before backward', () => {
    const { a, b, out } = build();
    const dot = toDot(out, { params: { a, b } });
    expect(dot.split('\n')[0]).toBe('digraph autograd {');
    expect(body(dot)).toEqual([
      'rankdir=LR;',
      'node [fontname="Helvetica", fontsize=10];',
      'edge [color="#555555"];',
      'leaf0 [label="a\\n[2] float32", shape=box, style=filled, fillcolor="#d5ecd4"];',
      'leaf1 [label="b\\n[2] float32", shape=box, style=filled, fillcolor="#d5ecd4"];',
      'op0 [label="mul\\n[2] float32", shape=box, style="rounded,filled", fillcolor="#dbe9f6"];',
      'leaf0 -> op0;',
      'leaf1 -> op0;',
      'const0 [label="const\\n[] float32", shape=box, style=dashed, color="#888888", fontcolor="#555555"];',
      'op1 [label="add\\n[2] float32", shape=box, style="rounded,filled", fillcolor="#dbe9f6"];',
      'op0 -> op1;',
      'const0 -> op1;',
      'op2 [label="sum\\n[] float32", shape=box, style="rounded,filled", fillcolor="#dbe9f6", penwidth=2];',
      'op1 -> op2;',
    ]);
  });

  it('shows the gradient norms after backward, and with values: true the values and gradients', () => {
    const { a, b, out } = build('float64');
    out.backward();
    const dot = toDot(out, { params: [['a', a], ['b', b]] });
    expect(labelOf(dot, 'leaf0')).toBe('a\\n[2] float64\\n‖grad‖ 3.162'); // √10
    expect(labelOf(dot, 'leaf1')).toBe('b\\n[2] float64\\n‖grad‖ 2.236'); // √5
    expect(labelOf(dot, 'op0')).toBe('mul\\n[2] float64\\n‖grad‖ 1.414'); // ‖[1, 1]‖
    expect(labelOf(dot, 'op1')).toBe('add\\n[2] float64\\n‖grad‖ 1.414');
    expect(labelOf(dot, 'op2')).toBe('sum\\n[] float64\\n‖grad‖ 1');

    const full = toDot(out, { params: new Map([['a', a], ['b', b]]), values: true });
    expect(labelOf(full, 'leaf0')).toBe('a\\n[2] float64\\nvalue [1, 2]\\ngrad [3, -1]\\n‖grad‖ 3.162');
    expect(labelOf(full, 'leaf1')).toBe('b\\n[2] float64\\nvalue [3, -1]\\ngrad [1, 2]\\n‖grad‖ 2.236');
    expect(labelOf(full, 'op0')).toBe('mul\\n[2] float64\\nvalue [3, -2]\\ngrad [1, 1]\\n‖grad‖ 1.414');
    expect(labelOf(full, 'const0')).toBe('const\\n[] float64\\nvalue 0.5');
    expect(labelOf(full, 'op1')).toBe('add\\n[2] float64\\nvalue [3.5, -1.5]\\ngrad [1, 1]\\n‖grad‖ 1.414');
    expect(labelOf(full, 'op2')).toBe('sum\\n[] float64\\nvalue 2\\ngrad 1');
    expect(edges(full)).toEqual(['leaf0 -> op0;', 'leaf1 -> op0;', 'op0 -> op1;', 'const0 -> op1;', 'op1 -> op2;']);
  });

  it('shows the value an op produced, not what an in-place op later wrote', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const y = a.mul(2);
    const out = y.sum();
    y.detach().fill_(7);
    expect(labelOf(toDot(out, { values: true }), 'op0')).toBe('mul\\n[2] float32\\nvalue [2, 4]');
  });

  it('a shared input is one node with an edge to each op that reads it (the diamond)', () => {
    // y = x·x + x  ->  dy/dx = 2x + 1 = 7 at x = 3
    const x = tensor(3, { requiresGrad: true, dtype: 'float64' });
    const y = x.mul(x).add(x);
    y.backward();
    const dot = toDot(y, { params: { x }, values: true });
    expect(edges(dot)).toEqual(['leaf0 -> op0;', 'leaf0 -> op0;', 'op0 -> op1;', 'leaf0 -> op1;']);
    expect(labelOf(dot, 'leaf0')).toBe('x\\n[] float64\\nvalue 3\\ngrad 7');
    expect(labelOf(dot, 'op1')).toBe('add\\n[] float64\\nvalue 12\\ngrad 1');
  });

  it('names leaves from a module or namedParameters(); unnamed leaves are "leaf"', () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1));
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    const loss = model.forward(x).pow(2).mean();
    loss.backward();
    const fromModule = toDot(loss, { params: model });
    expect(fromModule).toBe(toDot(loss, { params: model.namedParameters() }));
    const leafNames = body(fromModule).filter((l) => /^leaf\d+ \[/.test(l)).map((l) => l.match(/label="([^\\]*)/)![1]);
    expect(leafNames).toEqual(['0.weight', 'leaf', '0.bias', '2.weight', '2.bias']);
    // every parameter's label carries the norm of its own .grad
    const w0 = model.namedParameters().find(([n]) => n === '0.weight')![1];
    const norm = Math.hypot(...Array.from(w0.grad!.dataSync()));
    expect(labelOf(fromModule, 'leaf0')).toBe(`0.weight\\n[4,3] float32\\n‖grad‖ ${Number(norm.toPrecision(4))}`);
  });

  it('labels the edges of several-output ops with the output they carry', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true, dtype: 'float64' });
    const [r0, r1] = x.unbind(0);
    const out = r0.mul(r1).sum(); // d/dr0 = r1 = [3, 4] (norm 5), d/dr1 = r0 = [1, 2] (norm √5)
    out.backward();
    const dot = toDot(out);
    expect(labelOf(dot, 'op0')).toBe('unbind\\n0: [2] float64\\n‖grad‖ 5\\n1: [2] float64\\n‖grad‖ 2.236');
    expect(edges(dot)).toEqual(['leaf0 -> op0;', 'op0 -> op1 [label="0"];', 'op0 -> op1 [label="1"];', 'op1 -> op2;']);
  });

  it('describes a tensor outside any graph as a single node', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    expect(body(toDot(w, { params: { w }, values: true })).slice(3)).toEqual([
      'leaf0 [label="w\\n[3] float32\\nvalue [1, 2, 3]", shape=box, style=filled, fillcolor="#d5ecd4", penwidth=2];',
    ]);
    expect(body(toDot(tensor([[1]]))).slice(3)).toEqual([
      'const0 [label="tensor\\n[1,1] float32", shape=box, style=dashed, color="#888888", fontcolor="#555555", penwidth=2];',
    ]);
  });

  it('keeps large tensors to their norms, and a bounded number of gradient elements per backward', () => {
    const big = tensor(Array.from({ length: 20 }, (_, i) => i), { requiresGrad: true, dtype: 'float64' });
    const y = big.mul(2).sum();
    y.backward();
    const dot = toDot(y, { values: true }); // 20 elements: no values, only norms: ‖[2]*20‖ = 2√20
    expect(labelOf(dot, 'leaf0')).toBe(`leaf\\n[20] float64\\n‖grad‖ ${Number((2 * Math.sqrt(20)).toPrecision(4))}`);
    expect(labelOf(dot, 'op0')).toBe(`mul\\n[20] float64\\n‖grad‖ ${Number(Math.sqrt(20).toPrecision(4))}`);

    // a backward keeps 2^20 gradient elements, nearest the output first: sum's (1), the last
    // mul's (2^19), then no room for the first two muls' 2^19 each
    const half = zeros([1 << 19], { requiresGrad: true });
    const z = half.mul(1).mul(1).mul(1).sum();
    z.backward();
    const long = toDot(z);
    expect(labelOf(long, 'op0')).toBe('mul\\n[524288] float32');
    expect(labelOf(long, 'op1')).toBe('mul\\n[524288] float32');
    expect(labelOf(long, 'op2')).toBe(`mul\\n[524288] float32\\n‖grad‖ ${Number(Math.sqrt(1 << 19).toPrecision(4))}`);
    expect(labelOf(long, 'op3')).toBe('sum\\n[] float32\\n‖grad‖ 1');
    expect(labelOf(long, 'leaf0')).toBe(`leaf\\n[524288] float32\\n‖grad‖ ${Number(Math.sqrt(1 << 19).toPrecision(4))}`);
  });

  it('shows the gradient of the last backward (retainGraph), not a sum over backwards', () => {
    const x = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
    const y = x.mul(3).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward(tensor(2, { dtype: 'float64' }));
    // op0's output gradient is [2, 2] now; x.grad accumulated [3, 3] + [6, 6] = [9, 9]
    const dot = toDot(y, { values: true });
    expect(labelOf(dot, 'op0')).toBe('mul\\n[2] float64\\nvalue [3, 6]\\ngrad [2, 2]\\n‖grad‖ 2.828');
    expect(labelOf(dot, 'leaf0')).toBe('leaf\\n[2] float64\\nvalue [1, 2]\\ngrad [9, 9]\\n‖grad‖ 12.73');
  });

  it('lays out top to bottom on request and escapes quotes in names', () => {
    const w = tensor(1, { requiresGrad: true });
    const dot = toDot(w.exp(), { params: { 'my "w"': w }, rankdir: 'TB' });
    expect(body(dot)[0]).toBe('rankdir=TB;');
    expect(labelOf(dot, 'leaf0')).toBe('my \\"w\\"\\n[] float32');
  });

  it('rejects what is not a tensor, bad params and bad rankdir with errors naming toDot', () => {
    const x = tensor(1, { requiresGrad: true });
    expect(() => toDot(3 as unknown as Tensor)).toThrow('toDot: expected a Tensor, got 3');
    expect(() => toDot(x, { params: [['x', 5]] as unknown as [string, Tensor][] })).toThrow("toDot: params must give [name, Tensor] pairs, got ['x',5]");
    expect(() => toDot(x, { rankdir: 'RL' as 'LR' })).toThrow("toDot: rankdir must be 'LR', 'TB'; got 'RL'");
  });
});

describe('renderSvg', () => {
  it('draws each DOT node and edge with Graphviz', async () => {
    const x = tensor(3, { requiresGrad: true });
    const y = x.mul(x).add(x);
    y.backward();
    const svg = await renderSvg(toDot(y, { params: { x }, values: true }));
    expect(svg.startsWith('<?xml')).toBe(true);
    expect([...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]+)<\/title>/g)].map((m) => m[1])).toEqual(['leaf0', 'op0', 'op1']);
    expect([...svg.matchAll(/class="edge"/g)].length).toBe(4);
    expect(svg).toContain('>grad 7</text>');
  });

  it('reports Graphviz\'s own message for malformed DOT', async () => {
    await expect(renderSvg('digraph { a -> }')).rejects.toThrow(/^renderSvg: Graphviz could not render the DOT text: .*syntax error/);
    await expect(renderSvg(42 as unknown as string)).rejects.toThrow('renderSvg: expected DOT text (a string), got number');
  });
});
