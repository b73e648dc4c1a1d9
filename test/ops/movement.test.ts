// movement.test.ts — shape and view ops: reshape view flatten squeeze unsqueeze transpose permute
// expand contiguous narrow slice(step) select repeat cat stack split chunk unbind. Forward against the
// reference (index arithmetic on plain arrays), backward by gradcheck, on non-contiguous inputs too.

import { expect, it } from 'vitest';
import { cat, chunk, grad, noGrad, split, stack, tensor, unbind } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/close.js';
import { F, op, runOpTable } from '../helpers/optable.js';
import * as R from '../helpers/reference.js';
import type { Ref } from '../helpers/reference.js';

const X = F([2, 3, 4]);
const rs = (shape: number[]) => (x: Ref): Ref => R.reshape(x, shape);

runOpTable('movement', [
  // reshape / view / flatten
  op('reshape [2,3,4]->[6,4]', [X], (x) => x.reshape(6, 4), rs([6, 4])),
  op('reshape [2,3,4]->[4,-1]', [X], (x) => x.reshape([4, -1]), rs([4, 6])),
  op('reshape [2,3,4]->[24]', [X], (x) => x.reshape(24), rs([24])),
  op('reshape [2,3,4]->[2,1,12]', [X], (x) => x.reshape(2, 1, 12), rs([2, 1, 12])),
  op('reshape [6]->[2,3]', [F([6])], (x) => x.reshape(2, 3), rs([2, 3])),
  op('reshape 0-d->[1,1]', [F([])], (x) => x.reshape(1, 1), rs([1, 1])),
  op('reshape [1,1]->0-d', [F([1, 1])], (x) => x.reshape([]), rs([])),
  op('view [2,3,4]->[6,4]', [X], (x) => x.view(6, 4), rs([6, 4]), { layouts: ['contiguous', 'strided'] }),
  op('view [2,3,4]->[2,12]', [X], (x) => x.view([2, 12]), rs([2, 12]), { layouts: ['contiguous', 'expanded'] }),
  op('view [2,3,4]->[-1]', [X], (x) => x.view(-1), rs([24]), { layouts: ['contiguous'] }),
  op('flatten()', [X], (x) => x.flatten(), rs([24])),
  op('flatten(1)', [X], (x) => x.flatten(1), rs([2, 12])),
  op('flatten(0,1)', [X], (x) => x.flatten(0, 1), rs([6, 4])),
  op('flatten(-2,-1)', [X], (x) => x.flatten(-2, -1), rs([2, 12])),
  op('flatten 0-d', [F([])], (x) => x.flatten(), rs([1])),
  // squeeze / unsqueeze
  op('squeeze() [2,1,3,1]', [F([2, 1, 3, 1])], (x) => x.squeeze(), rs([2, 3])),
  op('squeeze(1) [2,1,3,1]', [F([2, 1, 3, 1])], (x) => x.squeeze(1), rs([2, 3, 1])),
  op('squeeze(-1) [2,1,3,1]', [F([2, 1, 3, 1])], (x) => x.squeeze(-1), rs([2, 1, 3])),
  op('squeeze([1,3]) [2,1,3,1]', [F([2, 1, 3, 1])], (x) => x.squeeze([1, 3]), rs([2, 3])),
  op('squeeze(0) of size 2 is a no-op', [F([2, 1, 3, 1])], (x) => x.squeeze(0), rs([2, 1, 3, 1])),
  op('unsqueeze(0)', [F([2, 3])], (x) => x.unsqueeze(0), rs([1, 2, 3])),
  op('unsqueeze(1)', [F([2, 3])], (x) => x.unsqueeze(1), rs([2, 1, 3])),
  op('unsqueeze(-1)', [F([2, 3])], (x) => x.unsqueeze(-1), rs([2, 3, 1])),
  op('unsqueeze 0-d', [F([])], (x) => x.unsqueeze(0), rs([1])),
  // transpose / permute
  op('transpose(0,1)', [X], (x) => x.transpose(0, 1), (x) => R.transpose(x, 0, 1)),
  op('transpose(0,-1)', [X], (x) => x.transpose(0, -1), (x) => R.transpose(x, 0, 2)),
  op('transpose(1,2)', [X], (x) => x.transpose(1, 2), (x) => R.transpose(x, 1, 2)),
  op('t() [3,4]', [F([3, 4])], (x) => x.t(), (x) => R.transpose(x, 0, 1)),
  op('permute(2,0,1)', [X], (x) => x.permute(2, 0, 1), (x) => R.permute(x, [2, 0, 1])),
  op('permute([1,2,0])', [X], (x) => x.permute([1, 2, 0]), (x) => R.permute(x, [1, 2, 0])),
  op('permute(-1,0,1)', [X], (x) => x.permute(-1, 0, 1), (x) => R.permute(x, [2, 0, 1])),
  op('permute [2,3,4,5]', [F([2, 3, 4, 5])], (x) => x.permute(3, 1, 0, 2), (x) => R.permute(x, [3, 1, 0, 2])),
  // expand / contiguous
  op('expand [3,1]->[2,3,4]', [F([3, 1])], (x) => x.expand(2, 3, 4), (x) => R.broadcastTo(x, [2, 3, 4])),
  op('expand [3,1]->[-1,5]', [F([3, 1])], (x) => x.expand([-1, 5]), (x) => R.broadcastTo(x, [3, 5])),
  op('expand [4]->[2,3,4]', [F([4])], (x) => x.expand(2, 3, 4), (x) => R.broadcastTo(x, [2, 3, 4])),
  op('expand 0-d->[2,2]', [F([])], (x) => x.expand(2, 2), (x) => R.broadcastTo(x, [2, 2])),
  op('expandAs', [F([1, 4]), F([3, 4])], (x, y) => x.expandAs(y), (x) => R.broadcastTo(x, [3, 4])),
  op('expand then mul', [F([2, 1]), F([2, 3])], (x, y) => x.expand(2, 3).mul(y), (x, y) => R.zip((a, b) => a * b, x, y)),
  op('contiguous', [X], (x) => x.contiguous(), (x) => x),
  op('contiguous then exp', [X], (x) => x.contiguous().exp(), (x) => R.map(x, Math.exp)),
  // narrow / slice / select
  op('narrow(1,1,2)', [X], (x) => x.narrow(1, 1, 2), (x) => R.slice(x, 1, 1, 3)),
  op('narrow(-1,0,3)', [X], (x) => x.narrow(-1, 0, 3), (x) => R.slice(x, 2, 0, 3)),
  op('narrow(0,-1,1)', [X], (x) => x.narrow(0, -1, 1), (x) => R.slice(x, 0, 1, 2)),
  op('slice(1,0,null,2)', [X], (x) => x.slice(1, 0, null, 2), (x) => R.slice(x, 1, 0, 3, 2)),
  op('slice(-1,1,4,2)', [X], (x) => x.slice(-1, 1, 4, 2), (x) => R.slice(x, 2, 1, 4, 2)),
  op('slice(2,-3)', [X], (x) => x.slice(2, -3), (x) => R.slice(x, 2, 1, 4)),
  op('slice(1,1,100) end clamps', [X], (x) => x.slice(1, 1, 100), (x) => R.slice(x, 1, 1, 3)),
  op('slice(0,0,null,3) [7,2]', [F([7, 2])], (x) => x.slice(0, 0, null, 3), (x) => R.slice(x, 0, 0, 7, 3)),
  op('slice of slice', [F([8, 3])], (x) => x.slice(0, 1, null, 2).slice(0, 1, null, 2), (x) => R.slice(x, 0, 3, 8, 4)),
  op('select(1,2)', [X], (x) => x.select(1, 2), (x) => R.select(x, 1, 2)),
  op('select(-1,-1)', [X], (x) => x.select(-1, -1), (x) => R.select(x, 2, 3)),
  op('select(0,0) [5]', [F([5])], (x) => x.select(0, 0), (x) => R.select(x, 0, 0)),
  // repeat
  op('repeat(2,1) [2,3]', [F([2, 3])], (x) => x.repeat(2, 1), (x) => R.repeat(x, [2, 1])),
  op('repeat(1,3) [2,3]', [F([2, 3])], (x) => x.repeat([1, 3]), (x) => R.repeat(x, [1, 3])),
  op('repeat(2,2,2) [2,3]', [F([2, 3])], (x) => x.repeat(2, 2, 2), (x) => R.repeat(x, [2, 2, 2])),
  op('repeat(3) [2]', [F([2])], (x) => x.repeat(3), (x) => R.repeat(x, [3])),
  // cat / stack
  op('cat dim 1 [2,1,4],[2,3,4],[2,2,4]', [F([2, 1, 4]), F([2, 3, 4]), F([2, 2, 4])], (a, b, c) => cat([a, b, c], 1), (a, b, c) => R.cat([a, b, c], 1)),
  op('cat dim 0', [F([1, 3]), F([2, 3])], (a, b) => cat([a, b], 0), (a, b) => R.cat([a, b], 0)),
  op('cat dim -1', [F([2, 3]), F([2, 2])], (a, b) => cat([a, b], -1), (a, b) => R.cat([a, b], 1)),
  op('cat one tensor', [F([2, 3])], (a) => cat([a], 0), (a) => a),
  op('cat same tensor twice', [F([2, 3])], (a) => cat([a, a], 1), (a) => R.cat([a, a], 1)),
  op('stack dim 0', [F([2, 3]), F([2, 3])], (a, b) => stack([a, b]), (a, b) => R.stack([a, b], 0)),
  op('stack dim 1', [F([2, 3]), F([2, 3]), F([2, 3])], (a, b, c) => stack([a, b, c], 1), (a, b, c) => R.stack([a, b, c], 1)),
  op('stack dim -1', [F([2, 3]), F([2, 3])], (a, b) => stack([a, b], -1), (a, b) => R.stack([a, b], 2)),
  op('stack 0-d', [F([]), F([])], (a, b) => stack([a, b]), (a, b) => R.stack([a, b], 0)),
  // split / chunk (views of the pieces)
  op('split(2, 1)[0] [2,5,3]', [F([2, 5, 3])], (x) => split(x, 2, 1)[0], (x) => R.slice(x, 1, 0, 2)),
  op('split(2, 1)[2] [2,5,3]', [F([2, 5, 3])], (x) => split(x, 2, 1)[2], (x) => R.slice(x, 1, 4, 5)),
  op('split([1,3,1], 1)[1]', [F([2, 5, 3])], (x) => split(x, [1, 3, 1], 1)[1], (x) => R.slice(x, 1, 1, 4)),
  op('split method -1', [F([2, 5, 3])], (x) => x.split(2, -1)[1], (x) => R.slice(x, 2, 2, 3)),
  op('chunk(3, 1)[1] [2,5,3]', [F([2, 5, 3])], (x) => chunk(x, 3, 1)[1], (x) => R.slice(x, 1, 2, 4)),
  op('chunk(2, -1)[1] [2,3,4]', [X], (x) => x.chunk(2, -1)[1], (x) => R.slice(x, 2, 2, 4)),
  op('chunk pieces multiplied', [X], (x) => { const [p, q] = chunk(x, 2, 2); return p.mul(q); },
    (x) => R.zip((a, b) => a * b, R.slice(x, 2, 0, 2), R.slice(x, 2, 2, 4))),
  op('split pieces concatenated in reverse', [F([2, 5])], (x) => cat(split(x, 2, 1).reverse(), 1),
    (x) => R.cat([R.slice(x, 1, 4, 5), R.slice(x, 1, 2, 4), R.slice(x, 1, 0, 2)], 1)),
  // unbind: one node, several outputs
  op('unbind(1)[2] [2,3,4]', [X], (x) => unbind(x, 1)[2], (x) => R.reshape(R.slice(x, 1, 2, 3), [2, 4])),
  op('unbind(-1) pieces multiplied', [X], (x) => { const [p, , q] = x.unbind(-1); return p.mul(q); },
    (x) => R.zip((a, b) => a * b, R.reshape(R.slice(x, 2, 0, 1), [2, 3]), R.reshape(R.slice(x, 2, 2, 3), [2, 3]))),
  op('unbind(0) restacked in reverse', [X], (x) => stack(unbind(x, 0).reverse(), 0),
    (x) => R.stack([R.reshape(R.slice(x, 0, 1, 2), [3, 4]), R.reshape(R.slice(x, 0, 0, 1), [3, 4])], 0)),
]);


// ---- unbind: several outputs of one node --------------------------------------------------------------------------------

describeEachBackend('unbind (the per-time-step slices)', (bc) => {
  const dtype = bc.float64 ? 'float64' : 'float32';
  it('views of each slice; backward stacks the slices\' gradients, zeros for unused ones', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { dtype, requiresGrad: true });
    const [a, b, c] = unbind(x, 0);
    expect(b.toArray()).toEqual([3, 4]);
    a.mul(2).add(c.mul(c)).sum().backward();
    expect(x.grad!.toArray()).toEqual([[2, 2], [0, 0], [10, 12]]);
    const cols = unbind(x, 1);
    expect(cols.map((t) => t.toArray())).toEqual([[1, 3, 5], [2, 4, 6]]);
  });
  it('works with retainGraph, createGraph (second order), and refuses a second backward', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype, requiresGrad: true });
    const y = unbind(x, 1)[1].pow(3).sum(); // x01³ + x11³
    const [g] = grad(y, x, { createGraph: true }); // 3 x²  on column 1
    expectClose(g, [[0, 12], [0, 48]], 1e-12, 0);
    const [gg] = grad(g.sum(), x); // 6 x on column 1
    expectClose(gg, [[0, 12], [0, 24]], 1e-12, 0);
    const z = unbind(x, 0)[0].sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(x.grad!.toArray()).toEqual([[2, 2], [0, 0]]);
    expect(() => z.backward()).toThrow('backward: trying to backward through the graph a second time');
  });
  it('is one node with several outputs: backward runs once, after all the slices\' gradients arrived', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { dtype, requiresGrad: true });
    const parts = x.unbind(0);
    expect(new Set(parts.map((p) => p.gradFn)).size).toBe(1);
    expect(parts[0].gradFn!.name).toBe('unbind');
    // 2000 slices, all used: one stack in backward (a select per slice would pad each to x's shape)
    const long = tensor(Array.from({ length: 2000 }, (_, i) => i % 7), { dtype, requiresGrad: true });
    long.unbind(0).reduce((acc, s, i) => (i % 2 ? acc.add(s.mul(2)) : acc.add(s)), tensor(0, { dtype })).backward();
    expect(Array.from(long.grad!.dataSync().subarray(0, 4))).toEqual([1, 2, 1, 2]);
  });
  it('without grad: plain views, no graph', () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const parts = noGrad(() => unbind(x));
    expect(parts[1].gradFn).toBeNull();
  });
});

