// module.test.ts — Module.loadStateDict on bad input: a key whose value is not a Tensor (null
// included), keys named like Object.prototype members, a state dict that is not an object, a
// failed load leaving the module unchanged, and a checkpoint on another backend. Each case pins
// the message. (Parameters, keys and a clean round trip are covered in linear.test.ts.)

import { describe, expect, it } from 'vitest';
import { tensor, zeros, type Tensor } from '../../src/index.js';
import { Linear } from '../../src/layers/linear.js';
import { BACKENDS, onBackend, onCpu } from '../helpers/backends.js';

/** A Linear(2, 3) with known weights: weight = [[1, 2], [3, 4], [5, 6]], bias = [7, 8, 9]. */
function known(): Linear {
  const l = new Linear(2, 3);
  l.loadStateDict({ weight: tensor([[1, 2], [3, 4], [5, 6]]), bias: tensor([7, 8, 9]) });
  return l;
}
const values = (l: Linear): unknown => [l.weight.toArray(), l.bias!.toArray()];
const KNOWN = [[[1, 2], [3, 4], [5, 6]], [7, 8, 9]];

describe('Module.loadStateDict on bad input', () => {
  it('a key whose value is null (or any non-Tensor) throws naming the key, strict or not, and keeps the old weight', () => {
    const l = known();
    const bias = tensor([0, 0, 0]);
    expect(() => l.loadStateDict({ weight: null as unknown as Tensor, bias })).toThrow(/^loadStateDict: value for key 'weight' is null, not a Tensor$/);
    expect(() => l.loadStateDict({ weight: null as unknown as Tensor, bias }, { strict: false })).toThrow("loadStateDict: value for key 'weight' is null, not a Tensor");
    expect(() => l.loadStateDict({ weight: { data: [1, 2] } as unknown as Tensor, bias })).toThrow("loadStateDict: value for key 'weight' is an object, not a Tensor");
    expect(() => l.loadStateDict({ weight: l.weight, bias: 3 as unknown as Tensor })).toThrow("loadStateDict: value for key 'bias' is 3, not a Tensor");
    expect(values(l)).toEqual(KNOWN); // nothing was copied, not even the valid bias
  });

  it('an extra key named like an Object.prototype member is unexpected; a missing one is missing', () => {
    const l = known();
    const sd = l.stateDict();
    const extra = Object.fromEntries([...Object.entries(sd), ['constructor', zeros([1])]]) as Record<string, Tensor>;
    expect(() => l.loadStateDict(extra)).toThrow(/^loadStateDict: unexpected key\(s\): 'constructor'$/);
    expect(l.loadStateDict(extra, { strict: false })).toEqual({ missingKeys: [], unexpectedKeys: ['constructor'] });
    const proto = Object.fromEntries([['bias', sd.bias], ['toString', zeros([1])], ['hasOwnProperty', zeros([1])]]) as Record<string, Tensor>;
    expect(() => l.loadStateDict(proto)).toThrow("loadStateDict: missing key(s): 'weight'; unexpected key(s): 'toString', 'hasOwnProperty'");
  });

  it('a state dict that is not an object throws a plain Error naming what it got', () => {
    const l = known();
    const bad: [unknown, string][] = [[null, 'null'], [undefined, 'undefined'], [5, '5'], ['w', "'w'"], [[1], '[1]'], [tensor([1]), 'a Tensor']];
    for (const [sd, shown] of bad) {
      let err: unknown;
      try { l.loadStateDict(sd as Record<string, Tensor>); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(TypeError);
      expect((err as Error).message).toBe(`loadStateDict: expected a state dict (an object of key -> Tensor), got ${shown}`);
    }
    expect(values(l)).toEqual(KNOWN);
  });

  it('a size mismatch on one key copies nothing (the check runs before any copy)', () => {
    const l = known();
    expect(() => l.loadStateDict({ weight: zeros([3, 2]), bias: zeros([2]) })).toThrow("loadStateDict: size mismatch for 'bias': checkpoint has shape [2], the model has [3]");
    expect(values(l)).toEqual(KNOWN);
  });

  it('a checkpoint on another backend is copied over, cast to the parameter dtype', () => {
    for (const b of BACKENDS.filter((c) => c.backend !== 'cpu')) {
      const sd = onBackend(b, () => ({ weight: tensor([[0.5, 1], [1.5, 2], [2.5, 3]]), bias: tensor([1, 2, 3], { dtype: 'int32' }) }));
      expect(sd.weight.backend).toBe(b.backend);
      const l = onCpu(known);
      l.loadStateDict(sd);
      expect(l.weight.backend).toBe('cpu');
      expect(l.bias!.dtype).toBe('float32');
      expect(values(l)).toEqual([[[0.5, 1], [1.5, 2], [2.5, 3]], [1, 2, 3]]);
    }
  });
});
