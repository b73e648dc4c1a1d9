// hardening.test.ts — bad sizes and arguments a new user might pass, each refused at once with
// an Error that names the op the user called and the offending value (never a raw RangeError,
// a negative-size tensor, a silently rounded length, or another op's name); and the `like`
// creation option that makes a tensor on another tensor's backend and dtype.

import { describe, expect, it } from 'vitest';
import {
  arange, eye, full, linspace, ones, rand, randint, randn, randperm, tensor, zeros, zerosLike, type Tensor,
} from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

describe('the one size guard (checkShape) in every creation op', () => {
  const huge = [1e12];
  it.each([
    ['zeros', () => zeros(huge)], ['ones', () => ones(huge)], ['full', () => full(huge, 2)],
    ['rand', () => rand(huge)], ['randn', () => randn(huge)], ['randint', () => randint(0, 3, huge)],
    ['tensor', () => tensor(new Float32Array(2), { shape: huge })],
  ])('%s([1e12]) names the op and the element count', (op, make) => {
    expect(make).toThrow(`${op}: shape [1000000000000] has 1000000000000 elements, more than the 2147483647 a tensor can hold`);
  });
  it('refuses huge 1-D sizes in arange, linspace, eye and randperm before allocating', () => {
    expect(() => arange(0, 1e12)).toThrow('arange: shape [1000000000000] has 1000000000000 elements, more than the 2147483647 a tensor can hold');
    expect(() => linspace(0, 1, 1e12)).toThrow('linspace: shape [1000000000000] has');
    expect(() => eye(1e6)).toThrow('eye: shape [1000000,1000000] has 1000000000000 elements');
    expect(() => randperm(1e12)).toThrow('randperm: shape [1000000000000] has');
  });
  it('refuses negative, fractional and non-number dims, and more than 64 dims', () => {
    expect(() => zeros([2, -1])).toThrow('zeros: shape [2,-1] must contain non-negative integers');
    expect(() => zeros([2.5])).toThrow('zeros: shape [2.5] must contain non-negative integers');
    expect(() => zeros(['3' as unknown as number])).toThrow('zeros: shape [3] must contain non-negative integers');
    expect(() => zeros(new Array(65).fill(1))).toThrow('zeros: a shape of 65 dims is more than the 64 allowed');
    expect(zeros(new Array(64).fill(1)).ndim).toBe(64);
  });
});

describe('views and copies: sizes checked, the op the user called named', () => {
  it('expand refuses negative sizes other than -1 for an existing dim', () => {
    expect(() => tensor([1]).expand(-2)).toThrow('expand: shape [-2] must contain non-negative integers');
    expect(() => tensor([1]).expand(2.5)).toThrow('expand: sizes must be integers, got [2.5]');
    expect(() => tensor([1]).expand([1e6, 1e6, 1e6])).toThrow('expand: shape [1000000,1000000,1000000] has 1000000000000000000 elements');
    expect(tensor([[1], [2]]).expand(-1, 3).shape).toEqual([2, 3]);
  });
  it('narrow refuses a fractional start or length', () => {
    const x = tensor([1, 2, 3, 4]);
    expect(() => x.narrow(0, 1, 2.5)).toThrow('narrow: start and length must be integers, got start 1 and length 2.5');
    expect(() => x.narrow(0, 0.5, 2)).toThrow('narrow: start and length must be integers, got start 0.5 and length 2');
    expect(x.narrow(0, 1, 2).toArray()).toEqual([2, 3]);
  });
  it('repeat names repeat (not reshape) for negative counts and huge results', () => {
    const x = tensor([1, 2]);
    expect(() => x.repeat(-1)).toThrow('repeat: repeat counts [-1] must be non-negative integers');
    expect(() => x.repeat(2, -3)).toThrow('repeat: repeat counts [2,-3] must be non-negative integers');
    expect(() => x.repeat(1e6, 1e6)).toThrow('repeat: shape [1000000,2000000] has 2000000000000 elements');
    expect(x.repeat(2).toArray()).toEqual([1, 2, 1, 2]);
  });
  it('maskedFill names maskedFill (not where) for a mask of the wrong shape', () => {
    const x = zeros([2, 3]);
    expect(() => x.maskedFill(tensor([true, false]), 1)).toThrow('maskedFill: shapes [2,3] and [2] and [] cannot be broadcast together');
    expect(() => x.maskedFill(zeros([4, 2, 3], { dtype: 'bool' }), 1)).toThrow('maskedFill: mask [4,2,3] does not broadcast to the input shape [2,3]');
  });
  it('backward with a plain array as grad says to pass a Tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward([1, 1] as unknown as Tensor)).toThrow("backward: grad must be a Tensor of the output's shape [2], got an array; wrap it with tensor()");
    y.backward(tensor([1, 1]));
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });
});

describeEachBackend('creation with {like: t}: t\'s backend, and its dtype unless given', (bc) => {
  it('zeros/ones/full/rand/randn/arange/eye/tensor follow like', () => {
    const t = tensor([1, 2], { dtype: bc.float64 ? 'float64' : 'float32' });
    for (const u of [zeros([2, 2], { like: t }), ones([3], { like: t }), full([1], 7, { like: t }), rand([2], { like: t }),
      randn([2], { like: t }), arange(3, { like: t }), eye(2, { like: t }), tensor([5, 6], { like: t }), zerosLike(t)]) {
      expect(u.backend).toBe(t.backend);
      expect(u.dtype).toBe(t.dtype);
    }
    const ids = tensor(Int32Array.from([3, 4]), { like: t, dtype: 'int32' });
    expect([ids.backend, ids.dtype, ids.toArray()]).toEqual([t.backend, 'int32', [3, 4]]);
    expect(randint(0, 5, [2], { like: t }).dtype).toBe('int32'); // randint keeps its integer default
    expect(ones([2], { like: t }).add(t).toArray()).toEqual([2, 3]); // same backend: they mix
  });
  it('like must be a Tensor', () => {
    expect(() => zeros([2], { like: [1, 2] as unknown as Tensor })).toThrow('zeros: option like must be a Tensor, got object');
  });
});
