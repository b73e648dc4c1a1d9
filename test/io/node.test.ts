// node.test.ts — the `tensorloom/node` entry: saveFile/loadFile through a temporary directory
// (same bytes as saveSafetensors, same tensors back), errors that name the path, readBytes, and
// readPretrained/writePretrained (a BERT checkpoint with its tokenizer to a directory and back).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { arange, tensor } from '../../src/index.js';
import { saveSafetensors } from '../../src/io/index.js';
import { loadFile, readBytes, readPretrained, saveFile, writePretrained } from '../../src/node.js';
import { BertForSequenceClassification, WordPieceTokenizer } from '../../src/nlp/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tensorloom-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saveFile / loadFile', () => {
  const sd = () => ({
    'fc.weight': arange(6).reshape(2, 3).transpose(0, 1),
    'fc.bias': tensor([0.5, -0.5], { dtype: 'float64' }),
    'bn.num_batches_tracked': tensor(7, { dtype: 'int32' }),
    'mask': tensor([true, false]),
  });

  it('writes exactly the bytes of saveSafetensors and reads the same tensors back', () => {
    const path = join(dir, 'model.safetensors');
    saveFile(path, sd(), { format: 'pt' });
    expect([...readFileSync(path)]).toEqual([...saveSafetensors(sd(), { format: 'pt' })]);
    const back = loadFile(path);
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd()).sort());
    for (const [k, t] of Object.entries(sd())) {
      expect(back[k].dtype, k).toBe(t.dtype);
      expect(back[k].toArray(), k).toEqual(t.toArray());
    }
  });

  it('passes the int64Keys option through', () => {
    const path = join(dir, 'steps.safetensors');
    saveFile(path, { steps: tensor([1], { dtype: 'int32' }) }, null, { int64Keys: () => true });
    expect(readFileSync(path).length).toBe(8 + 64 + 8); // header '{"steps":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}' (58 bytes) padded to 64
    expect(loadFile(path).steps.toArray()).toEqual([1]);
  });

  it('a malformed file: the error names the path and keeps loadSafetensors\' message', () => {
    const path = join(dir, 'broken.safetensors');
    writeFileSync(path, Uint8Array.from([1, 2, 3]));
    expect(() => loadFile(path)).toThrow(`loadFile: ${path}: loadSafetensors: file is 3 bytes, too short for the 8-byte header length`);
  });

  it('a missing file: the file system error, naming the path', () => {
    const path = join(dir, 'missing.safetensors');
    expect(() => loadFile(path)).toThrow(/ENOENT.*missing\.safetensors/);
  });

  it('readBytes returns the file as a Uint8Array', () => {
    const path = join(dir, 'bytes.bin');
    writeFileSync(path, Uint8Array.from([1, 2, 3, 250]));
    const bytes = readBytes(path);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([1, 2, 3, 250]);
  });
});

describe('readPretrained / writePretrained', () => {
  const VOCAB = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\n##s\n';
  const config = { vocabSize: 9, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 };

  it("writes a model with its tokenizer into a new nested directory, HF's file names, and reads it back", () => {
    const tokenizer = WordPieceTokenizer.fromVocabFile(VOCAB);
    const model = new BertForSequenceClassification(config, { numLabels: 3 }).eval();
    const files = model.savePretrained(tokenizer);
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    const out = join(dir, 'runs', 'sst', 'checkpoint-1');
    writePretrained(out, files);
    expect(readdirSync(out).sort()).toEqual(Object.keys(files).sort());
    expect([...readFileSync(join(out, 'model.safetensors'))]).toEqual([...files['model.safetensors']]);
    expect(readFileSync(join(out, 'vocab.txt'), 'utf8')).toBe(VOCAB);
    writeFileSync(join(out, 'training_args.bin'), Uint8Array.from([1])); // other files in the directory are not read
    const back = readPretrained(out);
    expect(back).toEqual(files);
    const ids = tensor([tokenizer.encode('the cats sat', { addSpecialTokens: true })], { dtype: 'int32' });
    expect(ids.toArray()).toEqual([[2, 5, 6, 8, 7, 3]]);
    const loaded = BertForSequenceClassification.fromPretrained(back, { warn: null });
    expect(loaded.forward(ids).logits.toArray()).toEqual(model.forward(ids).logits.toArray());
    expect(WordPieceTokenizer.fromPretrained(back).encode('the cats sat')).toEqual([5, 6, 8, 7]);
  });

  it('reads only the files present; config.json and model.safetensors are required, naming the directory', () => {
    const files = new BertForSequenceClassification(config).savePretrained();
    const out = join(dir, 'bare');
    writePretrained(out, files);
    expect(Object.keys(readPretrained(out)).sort()).toEqual(['config.json', 'model.safetensors']);
    rmSync(join(out, 'model.safetensors'));
    expect(() => readPretrained(out)).toThrow(`readPretrained: ${out} has no model.safetensors (a Hugging Face checkpoint directory holds config.json and model.safetensors)`);
    const none = join(dir, 'nothing-here');
    expect(() => readPretrained(none)).toThrow(`readPretrained: ${none} has no config.json`);
  });

  it('rejects entries that are not plain file names or not text/bytes', () => {
    const out = join(dir, 'bad');
    expect(() => writePretrained(out, { 'config.json': '{}', 'model.safetensors': new Uint8Array(8), '../x.txt': 'x' })).toThrow("writePretrained: '../x.txt' is not a plain file name");
    expect(() => writePretrained(out, { 'config.json': '{}', 'model.safetensors': [1, 2] as never })).toThrow("writePretrained: 'model.safetensors' must be text or a Uint8Array, got object");
    expect(() => readdirSync(out)).toThrow(/ENOENT/); // checked before anything was written
  });
});
