// The fine-tuning examples' parts: emailText (headers, subject, markup), the bag-of-words
// features (log(1 + count), unit L2 norm, hand-computed), report() on a known confusion, and
// `npm run example:finetune` end to end on a small stratified sample: the table's three rows,
// and the saved classifier reloading with no missing key and the same predictions as a
// tokenizer + model rebuilt from its files.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nlp } from '../../src/index.js';
import { readPretrained } from '../../src/node.js';
import { emailText } from '../../examples/lib/spam.js';
import { BagOfWords } from '../../examples/lib/bow.js';
import { report } from '../../examples/lib/classify.js';

describe('emailText', () => {
  it('keeps the subject and the body, drops the other headers, MIME structure and markup', () => {
    const raw = [
      'From: a@b.c', 'Subject: Cheap   <b>pills</b>', 'X-Spam: yes', '',
      'This is a multi-part message in MIME format.', '------=_NextPart_000', 'Content-Type: text/html;', '\tcharset="us-ascii"',
      '<html><style>p {color: red}</style><p>Buy&nbsp;now &amp; save</p></html>',
    ].join('\n');
    expect(emailText(raw)).toBe('Cheap   <b>pills</b>. Buy now save');
    expect(emailText('Subject: only headers')).toBe('only headers. ');
    expect(emailText(raw, 12)).toBe('Cheap   <b>p');
  });
});

describe('BagOfWords', () => {
  it('counts words of at least minDocs texts, log(1 + count), unit L2 norm', () => {
    const bow = BagOfWords.fit(['the cat the hat', 'the dog', 'a cat'], { minDocs: 2 });
    expect(bow.size).toBe(2); // 'the' (2 texts) and 'cat' (2 texts); the rest appear once
    const r = bow.row('the the the cat dog', 1);
    // the: log(4), cat: log(2); norm √(log²4 + log²2) = log 2 · √5
    const norm = Math.log(2) * Math.sqrt(5);
    const byCol = new Map(Array.from(r.cols, (c, k) => [c, r.vals[k]]));
    // both in 2 texts: ties go alphabetically, so 'cat' is column 0 and 'the' column 1
    expect(byCol.get(0)).toBeCloseTo(Math.log(2) / norm, 6);
    expect(byCol.get(1)).toBeCloseTo(Math.log(4) / norm, 6);
    const [x, y] = bow.collate([r, bow.row('nothing known', 0)]);
    expect(x.shape).toEqual([2, 2]);
    expect(Array.from(x.dataSync().subarray(2))).toEqual([0, 0]);
    expect(Array.from(y.dataSync())).toEqual([1, 0]);
  });
});

describe('report', () => {
  it('gives scikit-learn numbers for a known confusion', () => {
    // target 1 1 1 0 0, pred 1 1 0 1 0: TP 2, FN 1, FP 1, TN 1
    const r = report('m', Int32Array.from([1, 1, 0, 1, 0]), Int32Array.from([1, 1, 1, 0, 0]), 3);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
    expect(r.confusion).toEqual([[1, 1], [1, 2]]);
  });
});

describe('npm run example:finetune, small', () => {
  it('reports three models on the test split and saves a classifier that reloads', () => {
    const out = mkdtempSync(join(tmpdir(), 'tensorloom-finetune-'));
    try {
      const log = execFileSync('npx', ['tsx', 'examples/finetune.ts', '--limit', '300', '--pretrain-steps', '4', '--epochs', '1', '--hidden', '32', '--layers', '1', '--max-len', '32', '--out', out], {
        encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000,
      });
      const rows = log.split('\n').filter((l) => /^\| \([abc]\)/.test(l));
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        const [accuracy, , , f1] = row.split('|').slice(2, 6).map((c) => Number.parseFloat(c));
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(100);
        expect(Number.isFinite(f1)).toBe(true);
      }
      expect(log).toContain('test 45 ('); // 15% of 300 emails: 45, stratified

      const files = readPretrained(join(out, 'bert-spam-classifier'));
      expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
      expect(JSON.parse(files['config.json']).id2label).toEqual({ 0: 'ham', 1: 'spam' });
      const { model, loadingInfo } = nlp.BertForSequenceClassification.fromPretrained(files, { outputLoadingInfo: true, warn: null });
      expect(loadingInfo.missingKeys).toEqual([]);
      expect(loadingInfo.unexpectedKeys).toEqual([]);
      const tokenizer = nlp.WordPieceTokenizer.fromPretrained(files);
      const enc = tokenizer.encodeBatch(['Cheap pills. Buy now', 'Re: the meeting. See you at ten'], { maxLength: 32, padding: 'max_length', truncation: true });
      const { logits } = model.forward(enc.inputIds, { tokenTypeIds: enc.tokenTypeIds, attentionMask: enc.attentionMask });
      expect(logits.shape).toEqual([2, 2]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
