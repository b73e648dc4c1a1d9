// normalize.test.ts — nfc/nfd (src/nlp/normalize.ts) give exactly String.prototype.normalize's
// result on random text built from bases and marks of many combining classes (long runs of
// marks included, where nfc/nfd sort them first), and on a run of a million marks whose two
// classes alternate, which normalize() alone sorts in quadratic time.

import { describe, expect, it } from 'vitest';
import { nfc, nfd } from '../../src/nlp/normalize.js';
import { mulberry32 } from '../../src/nlp/skipgram.js';

// starters (some precomposed, some composing with marks, Hangul jamo) and marks: ccc 1 (U+0334),
// 9, 10, 202, 216 (astral U+1D165), 218, 220, 226 (astral), 230, 232, 233, 234, 240, marks that
// decompose (U+0344 → U+0308 U+0301, U+0F73), and marks with ccc 0 (U+093E, U+0F71 is 129)
const BASES = ['a', 'e', 'A', 'o', '\u00e9', '\u1e09', '\u0130', '\u0e01', '\uac00', '\u1100', '\u1161', 'i', ' '];
const MARKS = [
  '\u0301', '\u0316', '\u0334', '\u0308', '\u0344', '\u0345', '\u05b0', '\u0f71', '\u0f72', '\u0f73', '\u093e', '\u094d',
  '\u{1d165}', '\u{1d16d}', '\u302a', '\u0315', '\u035c', '\u035d', '\u0327', '\u0300', '\u0306',
];

function randomText(rng: () => number, pieces: number): string {
  let s = '';
  for (let p = 0; p < pieces; p++) {
    s += BASES[Math.floor(rng() * BASES.length)];
    const run = rng() < 0.3 ? 32 + Math.floor(rng() * 150) : Math.floor(rng() * 5); // long runs are sorted by nfc/nfd first
    const pool = MARKS.slice(0, 2 + Math.floor(rng() * (MARKS.length - 1)));
    for (let k = 0; k < run; k++) s += pool[Math.floor(rng() * pool.length)];
  }
  return s;
}

describe('nfc / nfd', () => {
  it('match String.prototype.normalize on random text with long and short runs of marks', () => {
    const rng = mulberry32(5);
    for (let i = 0; i < 300; i++) {
      const s = randomText(rng, 1 + Math.floor(rng() * 6));
      expect(nfc(s), JSON.stringify(s)).toBe(s.normalize('NFC'));
      expect(nfd(s), JSON.stringify(s)).toBe(s.normalize('NFD'));
    }
  });

  it('put a million alternating marks in canonical order (ccc 220 before 230) and compose the first', () => {
    const n = 500_000;
    const text = 'a' + '\u0301\u0316'.repeat(n); // U+0301 ccc 230, U+0316 ccc 220
    expect(nfc(text)).toBe('\u00e1' + '\u0316'.repeat(n) + '\u0301'.repeat(n - 1)); // a + U+0301 -> á
    expect(nfd(text)).toBe('a' + '\u0316'.repeat(n) + '\u0301'.repeat(n));
  });

  it('leave text without long runs of marks to normalize() as it is', () => {
    expect(nfc('Ame\u0301lie')).toBe('Amélie');
    expect(nfd('\u00e9')).toBe('e\u0301');
    expect(nfc('')).toBe('');
  });
});
