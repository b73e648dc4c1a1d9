// The demo's word-vector initialisation of BERT's embeddings (examples/lib/bert-pretrain.ts):
// rows set from Word2Vec, scaled to the asked RMS, the others untouched.
import { describe, expect, it } from 'vitest';
import { manualSeed, nlp, randn } from '../../src/index.js';
import { copyWordVectors } from '../../examples/lib/bert-pretrain.js';

describe('copyWordVectors', () => {
  const sentences = Array.from({ length: 40 }, (_, i) => (i % 2 ? ['the', 'cat', 'sat', 'down'] : ['a', 'dog', 'ran', 'off']));
  const w2v = new nlp.Word2Vec({ vectorSize: 4, minCount: 1, epochs: 2, seed: 3 });
  w2v.trainSync(sentences);
  // 'zebra' is in the vocabulary but not in the Word2Vec model
  const vocab = nlp.Vocab.fromTokens([...nlp.BERT_SPECIALS, 'the', 'cat', 'sat', 'down', 'a', 'dog', 'ran', 'off', 'zebra'], { specials: nlp.BERT_SPECIALS });

  it('sets known rows to the vector scaled to the RMS and leaves the rest', () => {
    manualSeed(0);
    const weight = randn([vocab.size, 4]);
    const before = Array.from(weight.dataSync());
    const set = copyWordVectors(weight, vocab, w2v, 0.5);
    expect(set).toBe(8);
    const after = weight.dataSync();
    for (const word of ['cat', 'ran']) {
      const v = Array.from(w2v.vector(word));
      const rms = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / 4);
      const id = vocab.tokenToId(word);
      for (let h = 0; h < 4; h++) expect(after[id * 4 + h]).toBeCloseTo((v[h] * 0.5) / rms, 6);
    }
    for (const token of ['zebra', '[PAD]', '[CLS]', '[MASK]']) {
      const id = vocab.tokenToId(token);
      for (let h = 0; h < 4; h++) expect(after[id * 4 + h]).toBe(before[id * 4 + h]);
    }
  });

  it('refuses an embedding of the wrong shape', () => {
    expect(() => copyWordVectors(randn([vocab.size, 3]), vocab, w2v, 1)).toThrow(/copyWordVectors: embedding \(\d+, 3\) does not match vocabulary \d+ × vector size 4/);
  });
});
