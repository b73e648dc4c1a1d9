// word2vec.test.ts — skip-gram with negative sampling and Word2Vec: one SGNS step against hand
// computed float64 values and against finite differences of its loss, the fast kernel against
// the reference step, subsampling, the noise table's distribution (chi-square), the learning-rate
// schedule, skipGramPairs' dynamic window, the C tool's text and binary files, queries on
// hand-made vectors, errors, seeded reproducibility, Hogwild workers, and embeddings trained on
// Moby Dick that know a whale from a ship.

import { describe, expect, it } from 'vitest';
import { mobyDickChapters } from '../../examples/lib/text.js';
import { keepProbability, learningRate, mulberry32, sgnsLoss, sgnsStep, skipGramPairs, unigramTable } from '../../src/nlp/skipgram.js';
import { sgnsStepFast } from '../../src/nlp/skipgram_fast.js';
import { mergeDelta } from '../../src/nlp/skipgram_train.js';
import { Word2Vec, type Word2VecProgress } from '../../src/nlp/word2vec.js';
import { nodeWorkers } from '../../src/node.js';
import { expectClose } from '../helpers/close.js';

/** Moby Dick lowercased, sentences split on . ! ?, tokens = runs of letters or digits. */
function mobyDickSentences(): string[][] {
  const text = mobyDickChapters().map((c) => c.text).join('\n').toLowerCase();
  return text.split(/[.!?]+/).map((s) => s.match(/[a-z0-9]+/g) ?? []).filter((s) => s.length > 0);
}

/** The message of the error `f` throws, which must be a plain Error (not a RangeError or TypeError). */
function plainError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect((e as Error).constructor).toBe(Error);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** A corpus of two topics that never share a sentence: words of a topic co-occur only with each other. */
function twoTopics(sentences: number, seed: number): string[][] {
  const rng = mulberry32(seed);
  const topics = [['cat', 'dog', 'mouse', 'horse', 'cow', 'sheep'], ['red', 'blue', 'green', 'yellow', 'white', 'black']];
  return Array.from({ length: sentences }, (_, i) => {
    const words = topics[i % 2];
    return Array.from({ length: 8 }, () => words[Math.floor(rng() * words.length)]);
  });
}

describe('SGNS step', () => {
  // D = 3, x = syn0[0], u_center = syn1neg[1], u_noise = syn1neg[2], alpha = 0.1
  const x = [0.1, -0.2, 0.3], uCenter = [0.5, 0.1, -0.4], uNoise = [-0.3, 0.2, 0.6];
  const setup = (): { syn0: Float32Array; syn1neg: Float32Array } => ({
    syn0: Float32Array.from([...x, 0, 0, 0]),
    syn1neg: Float32Array.from([0, 0, 0, ...uCenter, ...uNoise]),
  });

  it('one pair against hand-computed float64 values', () => {
    // f_c = x·u_c = -0.09,  g_c = (1 - σ(-0.09))·0.1 = 0.052248482479180014
    // f_n = x·u_n = 0.11,   g_n = (0 - σ(0.11))·0.1 = -0.05274723043445937
    // u_c' = u_c + g_c x,  u_n' = u_n + g_n x,  x' = x + g_c u_c + g_n u_n
    const { syn0, syn1neg } = setup();
    expect(sgnsLoss(syn0, syn1neg, 3, 0, [1, 2])).toBeCloseTo(1.4888182576480329, 6); // -log σ(f_c) - log σ(-f_n)
    sgnsStep(syn0, syn1neg, 3, 0, [1, 2], 0.1);
    expectClose(syn0.subarray(0, 3), [0.14194841036992784, -0.2053245978389739, 0.24745226874765236], 1e-7, 1e-6);
    expectClose(syn1neg.subarray(3, 6), [0.505224848247918, 0.089550303504164, -0.384325455256246], 1e-7, 1e-6);
    expectClose(syn1neg.subarray(6, 9), [-0.30527472304344594, 0.21054944608689188, 0.5841758308696622], 1e-7, 1e-6);
    expectClose(syn0.subarray(3, 6), [0, 0, 0], 0, 0); // other rows untouched
    expectClose(syn1neg.subarray(0, 3), [0, 0, 0], 0, 0);
  });

  it('the step is -alpha times the gradient of the loss (central differences)', () => {
    const rng = mulberry32(7);
    const D = 5, alpha = 1e-3;
    const syn0 = Float32Array.from({ length: 4 * D }, () => rng() - 0.5);
    const syn1neg = Float32Array.from({ length: 4 * D }, () => rng() - 0.5);
    const targets = [1, 3, 0]; // center 1, noise words 3 and 0; context 2
    const numericGrad = (arr: Float32Array, i: number): number => {
      const h = 1e-2, v = arr[i];
      arr[i] = v + h;
      const up = sgnsLoss(syn0, syn1neg, D, 2, targets);
      arr[i] = v - h;
      const down = sgnsLoss(syn0, syn1neg, D, 2, targets);
      arr[i] = v;
      return (up - down) / (2 * h);
    };
    const expected0 = Array.from({ length: D }, (_, c) => syn0[2 * D + c] - alpha * numericGrad(syn0, 2 * D + c));
    const expected1 = Array.from({ length: 4 * D }, (_, i) => syn1neg[i] - alpha * numericGrad(syn1neg, i));
    sgnsStep(syn0, syn1neg, D, 2, targets, alpha);
    expectClose(syn0.subarray(2 * D, 3 * D), expected0, 2e-7, 1e-5);
    expectClose(syn1neg, expected1, 2e-7, 1e-5);
  });

  it('sigmoid clamped at ±6 as word2vec.c: g = 0 for a positive pair with f > 6', () => {
    const syn0 = Float32Array.from([2, 2]);
    const syn1neg = Float32Array.from([2, 2]); // f = 8
    sgnsStep(syn0, syn1neg, 2, 0, [0], 0.5);
    expect(Array.from(syn0)).toEqual([2, 2]);
    expect(Array.from(syn1neg)).toEqual([2, 2]);
  });

  it.each([
    ['6 distinct targets, D 100', 100, [4, 9, 1, 7, 3, 5]],
    ['a repeated noise word', 8, [4, 9, 9, 7, 9, 5]],
    ['only the center', 7, [3]],
    ['11 targets (two groups), D 7', 7, [2, 0, 1, 5, 6, 8, 9, 3, 4, 7, 10]],
    ['3 targets, D 13', 13, [10, 0, 6]],
  ])('sgnsStepFast matches sgnsStep: %s', (_name, D, targets) => {
    const rng = mulberry32(3);
    const V = 11, context = 2;
    const syn0 = Float32Array.from({ length: V * D }, () => 4 * (rng() - 0.5));
    const syn1neg = Float32Array.from({ length: V * D }, () => 4 * (rng() - 0.5)); // some |f| > 6
    const ref0 = syn0.slice(), ref1 = syn1neg.slice();
    for (let step = 0; step < 3; step++) {
      sgnsStep(ref0, ref1, D, context, targets, 0.05);
      const t = Int32Array.from(targets);
      sgnsStepFast(syn0, syn1neg, D, context * D, t, t.length, 0.05, new Float64Array(t.length + 5), new Float64Array(D));
    }
    expectClose(syn0, ref0, 1e-6, 1e-5);
    expectClose(syn1neg, ref1, 1e-6, 1e-5);
  });
});

describe('subsampling, noise table, learning rate', () => {
  it('keep probability (sqrt(f/(s·T)) + 1)·(s·T)/f', () => {
    // s·T = 1e-3 · 1e6 = 1000
    expect(keepProbability(1000, 1e6, 1e-3)).toBeCloseTo(2, 12); // (1 + 1)·1000/1000: always kept
    expect(keepProbability(4000, 1e6, 1e-3)).toBeCloseTo(0.75, 12); // (2 + 1)·1000/4000
    expect(keepProbability(100000, 1e6, 1e-3)).toBeCloseTo((Math.sqrt(100) + 1) / 100, 12);
    expect(keepProbability(123, 456, 0)).toBe(1);
  });

  it('noise table: each word fills a share count^0.75 / Σ count^0.75 of the entries', () => {
    const counts = [1000, 300, 120, 40, 7, 5];
    const table = unigramTable(counts, 1e6);
    const z = counts.reduce((s, c) => s + c ** 0.75, 0);
    const filled = new Array(counts.length).fill(0);
    for (const w of table) filled[w]++;
    counts.forEach((c, i) => expect(Math.abs(filled[i] - (1e6 * c ** 0.75) / z)).toBeLessThanOrEqual(1));
    // the table's words run in order, 0 first and the last word last
    expect(table[0]).toBe(0);
    expect(table[table.length - 1]).toBe(counts.length - 1);
  });

  it('noise words drawn from the table follow count^0.75 (chi-square, 6 bins, 200k draws)', () => {
    const counts = [1000, 300, 120, 40, 7, 5];
    const table = unigramTable(counts);
    const rng = mulberry32(11);
    const n = 200_000;
    const seen = new Array(counts.length).fill(0);
    for (let i = 0; i < n; i++) seen[table[Math.floor(rng() * table.length)]]++;
    const z = counts.reduce((s, c) => s + c ** 0.75, 0);
    const chi2 = counts.reduce((s, c, i) => {
      const expected = (n * c ** 0.75) / z;
      return s + (seen[i] - expected) ** 2 / expected;
    }, 0);
    expect(chi2).toBeLessThan(20.5); // χ²(5) at p = 0.001
    // and clearly not the raw unigram distribution
    const chi2Unigram = counts.reduce((s, c, i) => {
      const expected = (n * c) / counts.reduce((a, b) => a + b, 0);
      return s + (seen[i] - expected) ** 2 / expected;
    }, 0);
    expect(chi2Unigram).toBeGreaterThan(1000);
  });

  it('learning rate alpha·(1 − done/(total+1)), floored at minAlpha', () => {
    expect(learningRate(0.025, 1e-4, 0, 999)).toBe(0.025);
    expect(learningRate(0.025, 1e-4, 500, 999)).toBeCloseTo(0.0125, 12);
    expect(learningRate(0.025, 1e-4, 900, 999)).toBeCloseTo(0.0025, 12);
    expect(learningRate(0.025, 1e-4, 999, 999)).toBe(1e-4);
    expect(learningRate(0.025, 0, 999, 999)).toBeCloseTo(0.025 / 1000, 15);
  });

  it('training reports the schedule: alpha follows the formula as words go by', async () => {
    const sentences = twoTopics(4000, 1); // 32,000 words a pass
    const w2v = new Word2Vec({ vectorSize: 8, minCount: 1, epochs: 2, alpha: 0.05, minAlpha: 0.001 });
    const seen: Word2VecProgress[] = [];
    const result = await w2v.train(sentences, { onProgress: (p) => seen.push(p) });
    expect(result.wordsProcessed).toBe(64_000);
    expect(seen.length).toBeGreaterThanOrEqual(6); // every ~10,000 words and at the end
    for (const p of seen) {
      expect(p.totalWords).toBe(64_000);
      expect(p.alpha).toBeCloseTo(learningRate(0.05, 0.001, p.wordsProcessed, 64_000), 12);
      expect(p.epoch).toBe(Math.min(1, Math.floor(p.wordsProcessed / 32_000)));
      expect(p.wordsPerSec).toBeGreaterThan(0);
    }
    expect(seen.map((p) => p.wordsProcessed)).toEqual([...seen.map((p) => p.wordsProcessed)].sort((a, b) => a - b));
    expect(seen.at(-1)!.wordsProcessed).toBe(64_000);
    expect(seen.at(-1)!.alpha).toBe(0.001);
    expect(seen.some((p) => p.epoch === 0) && seen.some((p) => p.epoch === 1)).toBe(true);
  });
});

describe('skipGramPairs', () => {
  it('window 1: each word with its neighbours', () => {
    expect(skipGramPairs([4, 7, 9], 1)).toEqual([[4, 7], [7, 4], [7, 9], [9, 7]]);
  });

  it('b = 0 uses the whole window; b = window − 1 only the neighbours', () => {
    const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const full = skipGramPairs(ids, 3, { rng: () => 0 });
    // Σ_i min(i, 3) + min(9 − i, 3) = 2·(0 + 1 + 2 + 3·7) = 48
    expect(full.length).toBe(48);
    expect(full.filter(([c]) => c === 5).map(([, x]) => x)).toEqual([2, 3, 4, 6, 7, 8]);
    const narrow = skipGramPairs(ids, 3, { rng: () => 0.999 });
    expect(narrow.length).toBe(18);
    expect(narrow.every(([c, x]) => Math.abs(c - x) === 1)).toBe(true);
  });

  it('dynamic window: a context at distance d is used with probability (window − d + 1)/window', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i);
    const window = 5;
    const pairs = skipGramPairs(ids, window, { rng: mulberry32(5) });
    const byDistance = new Array(window + 2).fill(0);
    for (const [c, x] of pairs) byDistance[Math.abs(c - x)]++;
    expect(byDistance[0]).toBe(0);
    expect(byDistance[window + 1]).toBe(0);
    for (let d = 1; d <= window; d++) {
      const expected = 2 * (ids.length - d) * ((window - d + 1) / window); // two sides, all centers
      expect(Math.abs(byDistance[d] - expected) / expected).toBeLessThan(0.05);
    }
    // each center's window is symmetric: as many contexts to the left as to the right (inside the sentence)
    const centre = pairs.filter(([c]) => c === 1000).map(([, x]) => x - 1000);
    expect(centre.filter((d) => d < 0).length).toBe(centre.filter((d) => d > 0).length);
  });

  it('rejects a bad window', () => {
    expect(() => skipGramPairs([1, 2], 0)).toThrow('skipGramPairs: invalid window 0 (must be a positive integer)');
  });
});

describe('word2vec files', () => {
  const TEXT = '3 2\nthe 0.5 -1\nwhale 1e-3 2.25\nleviathan -0 3\n';

  it('reads a hand-written text file', () => {
    const m = Word2Vec.fromText(TEXT);
    expect(m.vocab).toEqual(['the', 'whale', 'leviathan']);
    expect(m.vectorSize).toBe(2);
    expect(Array.from(m.vector('whale'))).toEqual([Math.fround(1e-3), 2.25]);
    expect(Array.from(m.vector('the'))).toEqual([0.5, -1]);
    // CRLF line ends, trailing spaces (as word2vec.c writes) and no final newline read the same
    const crlf = Word2Vec.fromText('3 2\r\nthe 0.5 -1 \r\nwhale 1e-3 2.25 \r\nleviathan -0 3 ');
    expect(Array.from(crlf.vectors)).toEqual(Array.from(m.vectors));
  });

  it('text round trip is exact and in the C tool layout', async () => {
    const m = new Word2Vec({ vectorSize: 6, minCount: 1, epochs: 1 });
    await m.train(twoTopics(200, 2));
    const text = m.toText();
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`${m.vocab.length} 6`);
    expect(lines.length).toBe(m.vocab.length + 1);
    expect(lines[1].split(' ')[0]).toBe(m.vocab[0]);
    expect(lines[1].split(' ').length).toBe(7);
    const back = Word2Vec.fromText(text);
    expect(back.vocab).toEqual(m.vocab);
    expect(Array.from(back.vectors)).toEqual(Array.from(m.vectors));
  });

  it('binary layout: "V D\\n", then word, space, D little-endian float32, newline', () => {
    const m = Word2Vec.fromText('2 2\nab 1 -2\nwhale 0.5 0.25\n');
    const expected = [
      ...'2 2\n'.split('').map((ch) => ch.charCodeAt(0)),
      0x61, 0x62, 0x20, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x0a, // "ab " 1.0 -2.0 "\n"
      ...'whale '.split('').map((ch) => ch.charCodeAt(0)), 0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0x3e, 0x0a,
    ];
    expect(Array.from(m.toBinary())).toEqual(expected);
  });

  it('binary round trip is exact (UTF-8 words too), with or without the newline after each vector', async () => {
    const m = new Word2Vec({ vectorSize: 5, minCount: 1, epochs: 1 });
    await m.train([...twoTopics(200, 3), ['baleine', 'cachalot', 'moby', 'ünïcödé', '鯨'], ['ünïcödé', '鯨']]);
    const back = Word2Vec.fromBinary(m.toBinary());
    expect(back.vocab).toEqual(m.vocab);
    expect(Array.from(back.vectors)).toEqual(Array.from(m.vectors));
    expect(back.vector('鯨')).toEqual(m.vector('鯨'));
    // gensim writes no '\n' after each vector; drop them and read again
    const bytes = m.toBinary();
    const headerEnd = bytes.indexOf(0x0a) + 1;
    const parts: number[] = Array.from(bytes.subarray(0, headerEnd));
    let p = headerEnd;
    for (const w of m.vocab) {
      const len = new TextEncoder().encode(w).length + 1 + 4 * 5;
      parts.push(...bytes.subarray(p, p + len));
      p += len + 1;
    }
    const noNewlines = Word2Vec.fromBinary(Uint8Array.from(parts));
    expect(Array.from(noNewlines.vectors)).toEqual(Array.from(m.vectors));
  });

  it('reads what gensim 4.2 writes (save_word2vec_format) and answers as its most_similar', () => {
    // KeyedVectors(vector_size=3) with king, queen, man, woman, baleine; binary=True writes no '\n' after a vector
    const hex = '3520330a6b696e6720cdcc4c3f9a99993ecdcccc3d717565656e203333333fcdccccbecdcc4c3e6d616e200000003f9a99193fcdccccbd'
      + '776f6d616e20cdcccc3ecdcc4cbecdcc4c3d62616c65696e65209a9999becdcccc3d6666663f';
    const bin = Word2Vec.fromBinary(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
    const text = Word2Vec.fromText('5 3\nking 0.8 0.3 0.1\nqueen 0.7 -0.4 0.2\nman 0.5 0.6 -0.1\nwoman 0.4 -0.2 0.05\nbaleine -0.3 0.1 0.9\n');
    expect(bin.vocab).toEqual(['king', 'queen', 'man', 'woman', 'baleine']);
    expect(Array.from(bin.vectors)).toEqual(Array.from(text.vectors));
    // gensim: most_similar(positive=['king', 'woman'], negative=['man'], topn=2), most_similar('king', topn=4), similarity
    const analogy = bin.analogy('man', 'king', 'woman', 2);
    expect(analogy.map(([w]) => w)).toEqual(['queen', 'baleine']);
    expectClose(analogy.map(([, c]) => c), [0.9945073127746582, -0.08502521365880966], 1e-6);
    const near = bin.mostSimilar('king', 4);
    expect(near.map(([w]) => w)).toEqual(['man', 'woman', 'queen', 'baleine']);
    expectClose(near.map(([, c]) => c), [0.8415175080299377, 0.6845693588256836, 0.6437503099441528, -0.14623278379440308], 1e-6);
    expect(bin.similarity('king', 'queen')).toBeCloseTo(0.64375025, 6);
  });

  it('errors name the op, the line and what is wrong', () => {
    expect(() => Word2Vec.fromText('3\nthe 1 2\n')).toThrow('Word2Vec.fromText: the first line must be "<words> <dimensions>", got "3"');
    expect(() => Word2Vec.fromText('2 2\nthe 1 2\nwhale 1\n')).toThrow('Word2Vec.fromText: line 3 ("whale") has 1 values, expected 2');
    expect(() => Word2Vec.fromText('2 2\nthe 1.5 2.5\n')).toThrow('Word2Vec.fromText: the header announces 2 vectors but the file has 1');
    expect(() => Word2Vec.fromText('1 2\nthe 1 x\n')).toThrow('Word2Vec.fromText: line 2: value 2 of "the" is not a number: "x"');
    expect(() => Word2Vec.fromText('2 1\nthe 1\nthe 2\n')).toThrow('Word2Vec.fromText: line 3: the word "the" appears twice');
    const bytes = Word2Vec.fromText('2 2\nab 1 -2\nwhale 0.5 0.25\n').toBinary();
    expect(() => Word2Vec.fromBinary(bytes.subarray(0, bytes.length - 3))).toThrow(
      'Word2Vec.fromBinary: the file ends inside the vector of "whale" (word 2 of 2): it needs 8 bytes at offset 22, 6 are left',
    );
    expect(() => Word2Vec.fromBinary(new Uint8Array([0x32, 0x20]))).toThrow('Word2Vec.fromBinary: no header line');
  });

  it('a header claiming more than the file holds: a plain Error naming it, before anything is allocated', () => {
    expect(plainError(() => Word2Vec.fromText('1000000 1000000\nthe 1 2\n'))).toBe(
      'Word2Vec.fromText: the header announces 1000000 vectors of 1000000 values, which take at least 2000001000000 characters, but only 8 follow the header',
    );
    const bin = Uint8Array.from([...new TextEncoder().encode('1000000 1000000\nthe '), 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    expect(plainError(() => Word2Vec.fromBinary(bin))).toBe(
      'Word2Vec.fromBinary: the header announces 1000000 vectors of 1000000 values, which take at least 4000002000000 bytes, but only 12 follow the header',
    );
    expect(plainError(() => Word2Vec.fromText('3 2\nthe 1 2\n'))).toBe(
      'Word2Vec.fromText: the header announces 3 vectors of 2 values, which take at least 15 characters, but only 8 follow the header',
    );
  });

  it('a binary header that is not UTF-8: a plain Error naming its bytes', () => {
    const bin = Uint8Array.from([0xff, 0xfe, 0x20, 0x31, 0x0a, 0x61, 0x20, 0, 0, 0x80, 0x3f]);
    expect(plainError(() => Word2Vec.fromBinary(bin))).toBe(
      'Word2Vec.fromBinary: the header line is not valid UTF-8 text (bytes ff fe 20 31); expected "<words> <dimensions>"',
    );
  });

  it('non-finite values (nan, inf, -inf as the C tool writes them) are errors naming the word and line, in both formats', () => {
    for (const v of ['nan', '-nan', 'NaN', 'inf', '-inf', 'Infinity', '-Infinity']) {
      expect(plainError(() => Word2Vec.fromText(`2 2\nthe 1 2\nwhale ${v} 1\n`))).toBe(`Word2Vec.fromText: line 3: value 1 of "whale" is not finite: "${v}"`);
    }
    expect(plainError(() => Word2Vec.fromText('1 2\nthe 1 1e39\n'))).toBe('Word2Vec.fromText: line 2: value 2 of "the" is too large for a float32: "1e39"');
    const bytes = Word2Vec.fromText('2 2\nab 1 -2\nwhale 0.5 0.25\n').toBinary(); // whale's values at bytes 22 and 26
    for (const [v, shown] of [[NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']] as const) {
      const bad = bytes.slice();
      new DataView(bad.buffer).setFloat32(26, v, true);
      expect(plainError(() => Word2Vec.fromBinary(bad))).toBe(`Word2Vec.fromBinary: vector 2: value 2 of "whale" is not finite: ${shown}`);
    }
  });

  it('vectors beyond the header count are an error in both formats', () => {
    expect(plainError(() => Word2Vec.fromText('1 2\nthe 1 2\nwhale 3 4\n'))).toBe('Word2Vec.fromText: line 3: more vectors than the 1 the header announces');
    const bytes = Word2Vec.fromText('2 2\nab 1 -2\nwhale 0.5 0.25\n').toBinary();
    const oneVector = Uint8Array.from([...new TextEncoder().encode('1 2\n'), ...bytes.subarray(4)]);
    expect(plainError(() => Word2Vec.fromBinary(oneVector))).toBe(
      'Word2Vec.fromBinary: the header announces 1 vectors but the file goes on after them (15 more bytes from offset 16)',
    );
    expect(Word2Vec.fromBinary(Uint8Array.from([...bytes, 0x0a, 0x20])).vocab).toEqual(['ab', 'whale']); // trailing whitespace is fine
  });

  it('a word with whitespace cannot be written', async () => {
    const m = new Word2Vec({ vectorSize: 2, minCount: 1, epochs: 1 });
    await m.train([['new york', 'city'], ['city', 'new york']]);
    expect(() => m.toText()).toThrow('Word2Vec.toText: word "new york" is empty or contains whitespace, which the word2vec format cannot hold');
    expect(() => m.toBinary()).toThrow('Word2Vec.toBinary: word "new york"');
  });
});

describe('queries on hand-made vectors', () => {
  // unit-length-agnostic checks: cosines of 2-D vectors are cos of the angle between them
  const m = Word2Vec.fromText(['5 2', 'east 1 0', 'north 0 2', 'west -3 0', 'northeast 1 1', 'south 0 -0.5'].join('\n'));

  it('vector, similarity', () => {
    expect(Array.from(m.vector('north'))).toEqual([0, 2]);
    expect(m.similarity('east', 'northeast')).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m.similarity('east', 'west')).toBeCloseTo(-1, 6);
    expect(m.similarity('north', 'east')).toBeCloseTo(0, 6);
  });

  it('mostSimilar of a word leaves it out; of a vector does not', () => {
    const near = m.mostSimilar('east', 3);
    expect(near.map(([w]) => w)).toEqual(['northeast', 'north', 'south']);
    expectClose(near.map(([, c]) => c), [Math.SQRT1_2, 0, 0], 1e-6);
    expect(m.mostSimilar([2, 0.1], 2).map(([w]) => w)).toEqual(['east', 'northeast']);
    expect(m.mostSimilar('east', 100).length).toBe(4);
  });

  it('analogy: unit(b) − unit(a) + unit(c), without a, b, c (3CosAdd)', () => {
    // north − east + east = north, left out, so the next nearest to (0, 1): northeast (cos 1/√2)
    const [[word, cos]] = m.analogy('east', 'north', 'east', 1);
    expect(word).toBe('northeast');
    expect(cos).toBeCloseTo(Math.SQRT1_2, 6);
    // west is to east as south is to ?  unit(east) − unit(west) + unit(south) = (2, −1) → east excluded
    expect(m.analogy('west', 'east', 'south', 2).map(([w]) => w)).toEqual(['northeast', 'north']);
  });
});

describe('Word2Vec errors', () => {
  const m = Word2Vec.fromText('2 2\nthe 1 0\nwhale 0 1\n');

  it('unknown words and bad queries', () => {
    expect(() => m.vector('foo')).toThrow("Word2Vec.vector: 'foo' is not in the vocabulary");
    expect(() => m.similarity('the', 'foo')).toThrow("Word2Vec.similarity: 'foo' is not in the vocabulary");
    expect(() => m.mostSimilar('foo')).toThrow("Word2Vec.mostSimilar: 'foo' is not in the vocabulary");
    expect(() => m.analogy('the', 'whale', 'foo')).toThrow("Word2Vec.analogy: 'foo' is not in the vocabulary");
    expect(() => m.mostSimilar([1, 2, 3])).toThrow('Word2Vec.mostSimilar: the query vector has 3 values, expected 2');
    expect(() => m.mostSimilar([0, 0])).toThrow('Word2Vec.mostSimilar: the query vector is zero');
    expect(() => m.mostSimilar('the', 0)).toThrow('Word2Vec.mostSimilar: invalid topn 0 (must be a positive integer)');
    expect(() => m.mostSimilar([1, NaN])).toThrow('Word2Vec.mostSimilar: the query vector is zero (or not finite)');
    expect(() => m.mostSimilar([1, Infinity])).toThrow('Word2Vec.mostSimilar: the query vector is zero (or not finite)');
    expect(() => new Word2Vec().vector('the')).toThrow('Word2Vec.vector: the model has no vectors yet');
  });

  it('bad options', () => {
    expect(() => new Word2Vec({ vectorSize: 0 })).toThrow('Word2Vec: invalid vectorSize 0 (must be a positive integer)');
    expect(() => new Word2Vec({ window: 2.5 })).toThrow('Word2Vec: invalid window 2.5 (must be a positive integer)');
    expect(() => new Word2Vec({ negative: 0 })).toThrow('Word2Vec: invalid negative 0 (must be a positive integer)');
    expect(() => new Word2Vec({ workers: 0 })).toThrow('Word2Vec: invalid workers 0 (must be a positive integer)');
    expect(() => new Word2Vec({ sample: -1 })).toThrow('Word2Vec: invalid sample -1 (must be a finite number >= 0)');
    expect(() => new Word2Vec({ alpha: 0 })).toThrow('Word2Vec: invalid alpha 0 (must be a finite number > 0)');
    expect(() => new Word2Vec({ alpha: 0.01, minAlpha: 0.1 })).toThrow('Word2Vec: invalid minAlpha 0.1 (must be <= alpha = 0.01)');
    expect(() => new Word2Vec({ seed: 1.5 })).toThrow('Word2Vec: invalid seed 1.5 (must be an integer)');
    expect(() => new Word2Vec({ size: 100 } as never)).toThrow("Word2Vec: unknown option 'size' (options are vectorSize, window,");
  });

  it('bad sentences', async () => {
    const w = new Word2Vec({ minCount: 3 });
    await expect(w.train('the whale' as unknown as string[][])).rejects.toThrow('Word2Vec.train: sentences must be an array of arrays of strings');
    await expect(w.train([['a'], 'b' as unknown as string[]])).rejects.toThrow('Word2Vec.train: sentences[1] is not an array of strings');
    await expect(w.train([['a', 3 as unknown as string]])).rejects.toThrow('Word2Vec.train: sentences[0] holds a number, not a string');
    await expect(w.train([['a', 'b'], ['a']])).rejects.toThrow('Word2Vec.train: no word occurs at least minCount=3 times (3 tokens, 2 distinct)');
    expect(() => w.trainSync([['a', 'b'], ['a']])).toThrow('Word2Vec.trainSync: no word occurs at least minCount=3 times');
    expect(() => new Word2Vec({ workers: 2 }).trainSync([['a']])).toThrow(
      'Word2Vec.trainSync: trains on the calling thread only (workers: 1); with workers: 2 use await train(sentences, { runner })',
    );
    await expect(w.train([['a']], { onProgres: () => {} } as never)).rejects.toThrow("Word2Vec.train: unknown option 'onProgres' (options are onProgress, runner)");
    await expect(w.train([['a']], { runner: 'node' } as never)).rejects.toThrow('Word2Vec.train: runner must be a function, got string');
  });

  it('workers > 1 without a runner: an error that says what to import', async () => {
    await expect(new Word2Vec({ workers: 2, minCount: 1 }).train([['a', 'b']])).rejects.toThrow(
      "Word2Vec.train: workers: 2 needs a runner to start its threads: import { nodeWorkers } from 'tensorloom/node' "
      + 'and call train(sentences, { runner: nodeWorkers }), or use workers: 1',
    );
  });

  it('a runner gets one thread per worker, and its error is what train() rejects with', async () => {
    const seen: number[] = [];
    const runner = async ({ threads }: { threads: { job: { slot: number; firstSentence: number; endSentence: number } }[] }): Promise<void> => {
      for (const t of threads) seen.push(t.job.slot, t.job.firstSentence, t.job.endSentence);
      throw new Error('no threads here');
    };
    await expect(new Word2Vec({ workers: 3, minCount: 1 }).train(twoTopics(30, 1), { runner })).rejects.toThrow('no threads here');
    expect(seen).toEqual([0, 0, 10, 1, 10, 20, 2, 20, 30]); // 3 contiguous shares of 8-word sentences
  });

  it('an error thrown by onProgress stops training and comes out of train()', async () => {
    const sentences = twoTopics(4000, 8);
    const stop = (): void => {
      throw new Error('stop here');
    };
    await expect(new Word2Vec({ vectorSize: 4, minCount: 1 }).train(sentences, { onProgress: stop })).rejects.toThrow('stop here');
    const w2 = new Word2Vec({ vectorSize: 4, minCount: 1, epochs: 50, workers: 2 });
    await expect(w2.train(sentences, { onProgress: stop, runner: nodeWorkers })).rejects.toThrow('stop here');
  });
});

describe('Word2Vec training', () => {
  it('vocabulary: words with count >= minCount by descending count, ties by first appearance', async () => {
    const w = new Word2Vec({ vectorSize: 4, minCount: 2, epochs: 1 });
    await w.train([['b', 'a', 'c', 'a'], ['d', 'c', 'b', 'a', 'e'], ['e']]);
    expect(w.vocab).toEqual(['a', 'b', 'c', 'e']);
    expect(w.counts).toEqual([3, 2, 2, 2]);
    expect(w.vectors.length).toBe(16);
    expect(w.has('d')).toBe(false);
  });

  it('the same seed gives bit-identical vectors (workers: 1); another seed does not', async () => {
    const sentences = twoTopics(1000, 4);
    const train = async (seed: number): Promise<Float32Array> => {
      const w = new Word2Vec({ vectorSize: 10, minCount: 1, epochs: 2, seed });
      await w.train(sentences);
      return w.vectors;
    };
    const [a, b, c] = [await train(3), await train(3), await train(4)];
    expect(Array.from(a)).toEqual(Array.from(b));
    const sync = new Word2Vec({ vectorSize: 10, minCount: 1, epochs: 2, seed: 3 });
    expect(sync.trainSync(sentences).wordsProcessed).toBe(2 * 8000);
    expect(Array.from(sync.vectors)).toEqual(Array.from(a));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('initial vectors: syn0 uniform in [−0.5, 0.5)/D, syn1neg zeros (seen through a negligible learning rate)', async () => {
    const w = new Word2Vec({ vectorSize: 20, minCount: 1, epochs: 1, alpha: 1e-20, minAlpha: 0 });
    await w.train(twoTopics(100, 7));
    const v = Array.from(w.vectors);
    expect(v.length).toBe(12 * 20);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.5 / 20);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(variance).toBeCloseTo(1 / 12 / 400, 4); // uniform on a width-1/D interval: 1/(12 D²)
    expect(Math.max(...Array.from(w.syn1neg).map(Math.abs))).toBeLessThan(1e-15);
  });

  it('trained vectors separate the two topics', async () => {
    const w = new Word2Vec({ vectorSize: 10, minCount: 1, epochs: 3, sample: 0, seed: 2 });
    await w.train(twoTopics(3000, 5));
    const within = w.similarity('cat', 'dog') + w.similarity('red', 'blue');
    const across = w.similarity('cat', 'red') + w.similarity('dog', 'blue');
    expect(within / 2).toBeGreaterThan(0.5);
    expect(across / 2).toBeLessThan(within / 2 - 0.5);
    expect(w.mostSimilar('cat', 5).map(([x]) => x).sort()).toEqual(['cow', 'dog', 'horse', 'mouse', 'sheep']);
  });

  it('mergeDelta: the changes of each thread since its last merge add up in the shared weights', () => {
    const shared = Float32Array.from([1, 2, 3]);
    const [localA, snapA, localB, snapB] = [shared.slice(), shared.slice(), shared.slice(), shared.slice()];
    localA[0] += 0.5; localA[2] -= 1; // thread A's updates
    localB[0] += 0.25; localB[1] += 2; // thread B's
    mergeDelta(shared, localA, snapA);
    expect(Array.from(shared)).toEqual([1.5, 2, 2]);
    mergeDelta(shared, localB, snapB);
    expect(Array.from(shared)).toEqual([1.75, 4, 2]);
    expect(Array.from(localB)).toEqual([1.75, 4, 2]); // B continues from both threads' changes
    expect(Array.from(snapB)).toEqual([1.75, 4, 2]);
    localA[1] += 1; // A's next merge adds only what A changed since its first
    mergeDelta(shared, localA, snapA);
    expect(Array.from(shared)).toEqual([1.75, 5, 2]);
  });

  it('workers: 2 trains Hogwild on worker threads over shared weights', async () => {
    const w = new Word2Vec({ vectorSize: 10, minCount: 1, epochs: 3, sample: 0, workers: 2 });
    const seen: Word2VecProgress[] = [];
    const result = await w.train(twoTopics(3000, 6), { onProgress: (p) => seen.push(p), runner: nodeWorkers });
    expect(result.wordsProcessed).toBe(3 * 24_000);
    expect(seen.at(-1)!.wordsProcessed).toBe(72_000);
    expect(w.vectors.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(w.vectors.some((v) => v !== 0) && w.syn1neg.some((v) => v !== 0)).toBe(true);
    expect(w.mostSimilar('red', 5).map(([x]) => x).sort()).toEqual(['black', 'blue', 'green', 'white', 'yellow']);
    expect((w.similarity('cat', 'dog') + w.similarity('red', 'blue')) / 2).toBeGreaterThan(0.5);
  });
});

describe('Word2Vec on Moby Dick', () => {
  const sentences = mobyDickSentences();
  it.each([1, 2])('learns that a whale is near sperm / leviathan and Ahab near captain (workers: %i)', async (workers) => {
    const w = new Word2Vec({ vectorSize: 50, seed: 1, workers }); // window 5, negative 5, minCount 5, sample 1e-3, 5 epochs
    const { wordsProcessed } = await w.train(sentences, { runner: nodeWorkers });
    expect(w.vocab.slice(0, 3)).toEqual(['the', 'of', 'and']);
    expect(w.vocab.length).toBe(4206);
    expect(wordsProcessed).toBe(5 * 196_845); // in-vocabulary tokens × epochs
    const near = (word: string, n: number): string[] => w.mostSimilar(word, n).map(([x]) => x);
    const whale = near('whale', 10);
    expect(whale).toContain('sperm');
    expect(whale.filter((x) => ['sperm', 'leviathan', 'greenland', 'right', 'fishery', 'whales'].includes(x)).length).toBeGreaterThanOrEqual(3);
    expect(near('ship', 5)).toContain('pequod');
    expect(near('starbuck', 5)).toEqual(expect.arrayContaining(['stubb', 'flask']));
    expect(w.similarity('ahab', 'captain')).toBeGreaterThan(w.similarity('ahab', 'water') + 0.2);
    expect(w.similarity('stubb', 'flask')).toBeGreaterThan(0.8);
  });
});
