// views.test.ts — which ops return views sharing the base's storage (as PyTorch makes a view)
// and which copy: compares the internal `_view.data` of the result with the base's, and the
// strides/offset a view gets. Also: a view sees the base's values, reshape of a non-contiguous
// tensor copies, view() refuses incompatible strides.

import { expect, it } from 'vitest';
import { arange, cat, chunk, split, stack, tensor, type Tensor } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import * as R from '../helpers/reference.js';
import { expectClose } from '../helpers/close.js';

const base = (): Tensor => arange(24).reshape(2, 3, 4); // contiguous [2,3,4]
const shares = (y: Tensor, x: Tensor): boolean => y._view.data === x._view.data;
const ref24 = R.ref([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));

describeEachBackend('views share storage', () => {
  // [description, view of the base, expected values (reference on 0..23), expected stride, offset]
  const views: [string, (x: Tensor) => Tensor, R.Ref, number[] | null, number | null][] = [
    ['transpose(0,2)', (x) => x.transpose(0, 2), R.transpose(ref24, 0, 2), [1, 4, 12], 0],
    ['permute(1,2,0)', (x) => x.permute(1, 2, 0), R.permute(ref24, [1, 2, 0]), [4, 1, 12], 0],
    ['t() of a matrix', (x) => x.select(0, 1).t(), R.transpose(R.select(ref24, 0, 1), 0, 1), [1, 4], 12],
    ['expand', (x) => x.narrow(1, 0, 1).expand(2, 5, 4), R.broadcastTo(R.slice(ref24, 1, 0, 1), [2, 5, 4]), [12, 0, 1], 0],
    ['slice with step', (x) => x.slice(2, 1, null, 2), R.slice(ref24, 2, 1, 4, 2), [12, 4, 2], 1],
    ['narrow', (x) => x.narrow(1, 1, 2), R.slice(ref24, 1, 1, 3), [12, 4, 1], 4],
    ['select', (x) => x.select(2, 3), R.select(ref24, 2, 3), [12, 4], 3],
    ['squeeze', (x) => x.narrow(1, 2, 1).squeeze(1), R.select(ref24, 1, 2), [12, 1], 8],
    ['unsqueeze', (x) => x.unsqueeze(1), R.reshape(ref24, [2, 1, 3, 4]), null, 0],
    ['reshape of contiguous', (x) => x.reshape(6, 4), R.reshape(ref24, [6, 4]), [4, 1], 0],
    ['view of contiguous', (x) => x.view(4, 6), R.reshape(ref24, [4, 6]), [6, 1], 0],
    ['flatten of contiguous', (x) => x.flatten(), R.reshape(ref24, [24]), [1], 0],
    ['reshape splitting a dim of a transposed tensor', (x) => x.transpose(0, 1).reshape(3, 2, 2, 2), R.reshape(R.transpose(ref24, 0, 1), [3, 2, 2, 2]), [4, 12, 2, 1], 0],
    ['reshape of a step slice whose strides still merge', (x) => x.slice(2, 0, null, 2).reshape(12), R.reshape(R.slice(ref24, 2, 0, 4, 2), [12]), [2], 0],
    ['reshape merging contiguous dims of a sliced tensor', (x) => x.narrow(0, 1, 1).reshape(3, 4), R.reshape(R.slice(ref24, 0, 1, 2), [3, 4]), [4, 1], 12],
    ['split piece', (x) => split(x, 2, 2)[1], R.slice(ref24, 2, 2, 4), [12, 4, 1], 2],
    ['chunk piece', (x) => chunk(x, 3, 1)[2], R.slice(ref24, 1, 2, 3), [12, 4, 1], 8],
    ['contiguous of a contiguous tensor', (x) => x.contiguous(), ref24, [12, 4, 1], 0],
    ['detach', (x) => x.detach(), ref24, [12, 4, 1], 0],
    ['view of a view', (x) => x.transpose(1, 2).slice(0, 1).select(2, 1).unsqueeze(0), R.reshape(R.select(R.slice(R.transpose(ref24, 1, 2), 0, 1, 2), 2, 1), [1, 1, 4]), null, 16],
  ];
  for (const [name, make, expected, stride, offset] of views) {
    it(`${name} is a view`, () => {
      const x = base();
      const y = make(x);
      expect(shares(y, x)).toBe(true);
      expect(y.shape).toEqual(expected.shape);
      expectClose(y.dataSync(), expected.data, 0, 0);
      if (stride) expect(y.stride()).toEqual(stride);
      if (offset !== null) expect(y._view.offset).toBe(offset);
    });
  }

  // ops that must copy: a fresh, contiguous storage
  const copies: [string, (x: Tensor) => Tensor, R.Ref][] = [
    ['reshape of a transposed tensor (merging non-adjacent strides)', (x) => x.transpose(0, 1).reshape(6, 4), R.reshape(R.transpose(ref24, 0, 1), [6, 4])],
    ['reshape of a narrowed last dim', (x) => x.narrow(2, 0, 3).reshape(18), R.reshape(R.slice(ref24, 2, 0, 3), [18])],
    ['flatten of a permuted tensor', (x) => x.permute(2, 0, 1).flatten(), R.reshape(R.permute(ref24, [2, 0, 1]), [24])],
    ['contiguous of a transposed tensor', (x) => x.transpose(1, 2).contiguous(), R.transpose(ref24, 1, 2)],
    ['clone', (x) => x.clone(), ref24],
    ['cat', (x) => cat([x, x], 0), R.cat([ref24, ref24], 0)],
    ['stack', (x) => stack([x]), R.reshape(ref24, [1, 2, 3, 4])],
    ['repeat', (x) => x.repeat(1, 1, 1), ref24],
    ['repeat of a size-1 dim', (x) => x.narrow(0, 0, 1).repeat(2, 1, 1), R.repeat(R.slice(ref24, 0, 0, 1), [2, 1, 1])],
    ['indexSelect', (x) => x.indexSelect(0, tensor([1, 0], { dtype: 'int32' })), R.indexSelect(ref24, 0, R.ref([2], [1, 0]))],
    ['add of zero', (x) => x.add(0), ref24],
  ];
  for (const [name, make, expected] of copies) {
    it(`${name} copies`, () => {
      const x = base();
      const y = make(x);
      expect(shares(y, x)).toBe(false);
      expect(y.isContiguous()).toBe(true);
      expect(y.shape).toEqual(expected.shape);
      expectClose(y.dataSync(), expected.data, 0, 0);
    });
  }

  it('a view reads the base storage: changing the storage shows through every view', () => {
    const x = base();
    const t = x.transpose(0, 2), s = x.slice(2, 1, null, 2), e = x.narrow(1, 0, 1).expand(2, 5, 4);
    x.flatten().narrow(0, 13, 1).fill_(-1); // x[1][0][1], written through a flat view of the storage
    expect((t.toArray() as number[][][])[1][0][1]).toBe(-1);
    expect((s.toArray() as number[][][])[1][0][0]).toBe(-1);
    expect((e.toArray() as number[][][])[1][4][1]).toBe(-1);
  });

  it('view() of an incompatible non-contiguous tensor throws and points to reshape', () => {
    const x = base();
    expect(() => x.transpose(0, 1).view(6, 4)).toThrow(/view: shape \[6,4\] is not compatible with input \[3,2,4\].*use reshape/);
    expect(() => x.narrow(2, 0, 3).view(-1)).toThrow(/view:.*use reshape/);
  });

  it('view() of a compatible non-contiguous tensor is a view', () => {
    const x = base();
    const y = x.transpose(0, 1).view(3, 2, 2, 2);
    expect(shares(y, x)).toBe(true);
    expect(y.stride()).toEqual([4, 12, 2, 1]);
  });
});
