// attention.test.ts — the Attention page's pure logic in Node (playground/src/attention/model.ts):
// the task sequences and next-token targets, the tiny Transformer's output and attention shapes
// (rows summing to 1, nothing above the diagonal under the causal mask), and what the page
// teaches: with the mask, sorting is learned (loss and generated answers); without it the loss
// collapses by reading the next token while generated answers stay wrong.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import {
  AttentionModel, DEFAULT_ATTENTION, IGNORE, SEP, TinyTransformer, VOCAB, batchOf, taskSequence,
} from '../../playground/src/attention/model.js';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('playground attention task', () => {
  it('writes prompt, separator and answer', () => {
    expect(taskSequence('sort', [3, 1, 2])).toEqual([3, 1, 2, SEP, 1, 2, 3]);
    expect(taskSequence('reverse', [3, 1, 2])).toEqual([3, 1, 2, SEP, 2, 1, 3]);
    expect(() => taskSequence('add' as never, [1])).toThrow("task: unknown task 'add' (choose reverse, sort)");
  });

  it('targets are the next token at answer positions only', () => {
    const { inputs, targets } = batchOf([taskSequence('sort', [3, 1, 2])]);
    expect(Array.from(inputs)).toEqual([3, 1, 2, SEP, 1, 2]);
    expect(Array.from(targets)).toEqual([IGNORE, IGNORE, IGNORE, 1, 2, 3]);
  });
});

describe('playground tiny Transformer', () => {
  it('gives (B, T, V) logits and (B, nh, T, T) attention; the causal mask zeroes the future', () => {
    const m = new TinyTransformer(6, 16, 2, true);
    const { logits, weights } = m.forward(tensor([[1, 2, 3, SEP, 1, 2], [4, 4, 0, SEP, 0, 4]], { dtype: 'int32' }));
    expect(logits.shape).toEqual([2, 6, VOCAB]);
    expect(weights.shape).toEqual([2, 2, 6, 6]);
    const w = weights.toArray() as number[][][][];
    for (const row of w[1][1]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(w[0][0][2].slice(3)).toEqual([0, 0, 0]);
    expect(() => m.forward(tensor([[1, 2, 3, 4, 5, 6, 7]], { dtype: 'int32' }))).toThrow('TinyTransformer: sequence of 7 tokens, the model has positions for 6');
  });

  it('with the causal mask, sorting is learned: loss falls by 4x in 150 steps, generated answers mostly right', () => {
    const m = new AttentionModel(DEFAULT_ATTENTION);
    const losses = Array.from({ length: 150 }, () => m.step());
    expect(mean(losses.slice(-20))).toBeLessThan(0.25 * mean(losses.slice(0, 20)));
    expect(m.generationAccuracy()).toBeGreaterThan(0.4);
  });

  it('without the mask the loss collapses, yet no generated answer is right', () => {
    const m = new AttentionModel({ ...DEFAULT_ATTENTION, causal: false });
    const losses = Array.from({ length: 100 }, () => m.step());
    expect(mean(losses.slice(-20))).toBeLessThan(0.05);
    expect(m.generationAccuracy()).toBeLessThan(0.1);
  });

  it('rejects a bad digit count or learning rate', () => {
    expect(() => new AttentionModel({ ...DEFAULT_ATTENTION, digits: 9 })).toThrow('digits must be an integer from 2 to 8, got 9');
    expect(() => new AttentionModel({ ...DEFAULT_ATTENTION, lr: -1 })).toThrow('learning rate must be > 0, got -1');
  });
});
