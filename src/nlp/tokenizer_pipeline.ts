// tokenizer_pipeline.ts — the steps Hugging Face's Rust `tokenizers` runs before the WordPiece
// model, each one pass over the text: split off added (special) tokens, BertNormalizer (clean
// text, pad CJK ideographs, strip accents, lowercase) and BertPreTokenizer (split on whitespace,
// isolate punctuation). Unlike the Python BertTokenizer (basicTokenize in tokenize.ts) there is
// no NFC first, and lowercasing maps each character alone (Σ -> σ, never the final ς).
// References: tokenizers/src/normalizers/bert.rs, tokenizers/src/pre_tokenizers/bert.rs,
// tokenizers/src/tokenizer/added_vocabulary.rs (AddedVocabulary::split_with_indices).

import { nfd } from './normalize.js';
import { charClasses, CJK, CONTROL, NFD_KEPT, NONSPACING_MARK, PUNCTUATION, SPACE, SPLIT } from './tokenizer_unicode.js';

/** BertNormalizer's settings, named as in tokenizer.json (strip_accents already resolved). */
export interface BertNormalizerSettings {
  cleanText: boolean;
  handleChineseChars: boolean;
  stripAccents: boolean;
  lowercase: boolean;
}

/** The code point at `i` of `s`, a lone surrogate as itself. */
function codePointAt(s: string, i: number): number {
  const hi = s.charCodeAt(i);
  if (hi >= 0xd800 && hi <= 0xdbff && i + 1 < s.length) {
    const lo = s.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return hi;
}

/**
 * `s` with each code point for which `replace` returns a string replaced by it (null: kept), in
 * one pass; unchanged runs are copied as slices.
 */
function mapCodePoints(s: string, replace: (cp: number, i: number, width: number) => string | null): string {
  const parts: string[] = [];
  let run = 0;
  for (let i = 0; i < s.length;) {
    const cp = codePointAt(s, i);
    const width = cp > 0xffff ? 2 : 1;
    const r = replace(cp, i, width);
    if (r !== null) {
      parts.push(s.slice(run, i), r);
      run = i + width;
    }
    i += width;
  }
  if (run === 0) return s;
  parts.push(s.slice(run));
  return parts.join('');
}

/**
 * HF's BertNormalizer, in its order:
 *
 *     clean_text            drop NUL, U+FFFD and control characters (Cc but \t \n \r, Cf, Co);
 *                           whitespace (\t \n \r, Zs, U+2028/9) -> ' '
 *     handle_chinese_chars  ' ' + ideograph + ' ' for each CJK ideograph
 *     strip_accents         NFD, then drop nonspacing marks (Mn)
 *     lowercase             each character lowercased on its own (Rust char::to_lowercase)
 *
 * Lone surrogates become U+FFFD first, as HF's bindings do on the way to Rust.
 *
 *     bertNormalize('Héllo\u200b 世界', {cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true})
 *     // 'hello  世  界 '
 */
export function bertNormalize(text: string, s: BertNormalizerSettings): string {
  const cls = charClasses();
  let out = mapCodePoints(text, (cp, i, width) => {
    if (cp >= 0xd800 && cp <= 0xdfff) return s.cleanText ? '' : '\uFFFD';
    const f = cls[cp];
    if (s.cleanText && f & CONTROL) return '';
    if (s.cleanText && f & SPACE) return cp === 0x20 ? null : ' ';
    if (s.handleChineseChars && f & CJK) return ` ${text.slice(i, i + width)} `;
    return null;
  });
  if (s.stripAccents) out = mapCodePoints(nfdAsHf(out, cls), (cp) => (cls[cp] & NONSPACING_MARK ? '' : null));
  // String.prototype.toLowerCase differs from per-character lowercasing only in Final_Sigma.
  if (s.lowercase) out = out.replaceAll('\u03A3', '\u03C3').toLowerCase();
  return out;
}

/**
 * NFD as HF's (older) tables have it: the few characters they do not decompose (all starters, so
 * no reordering crosses them) stay whole, the stretches between them go through nfd.
 */
function nfdAsHf(s: string, cls: Uint8Array): string {
  const parts: string[] = [];
  let done = 0;
  for (let i = 0; i < s.length;) {
    const cp = codePointAt(s, i);
    const width = cp > 0xffff ? 2 : 1;
    if (cls[cp] & NFD_KEPT) {
      parts.push(nfd(s.slice(done, i)), s.slice(i, i + width));
      done = i + width;
    }
    i += width;
  }
  if (done === 0) return nfd(s);
  parts.push(nfd(s.slice(done)));
  return parts.join('');
}

/**
 * HF's BertPreTokenizer: words are the runs between whitespace (Rust char::is_whitespace), and
 * each punctuation character (ASCII punctuation or P*) is a word of its own. Appends to `out`.
 *
 *     bertPreTokenize("don't stop...")   // ['don', "'", 't', 'stop', '.', '.', '.']
 */
export function bertPreTokenize(text: string, out: string[] = []): string[] {
  const cls = charClasses();
  let start = -1; // start of the current word, -1 between words
  for (let i = 0; i < text.length;) {
    const cp = codePointAt(text, i);
    const width = cp > 0xffff ? 2 : 1;
    const f = cls[cp];
    if (f & (SPLIT | PUNCTUATION)) {
      if (start >= 0) out.push(text.slice(start, i));
      if (f & PUNCTUATION) out.push(text.slice(i, i + width));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
    i += width;
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/**
 * A matcher of added tokens: at each position the longest token that starts there, leftmost
 * first (HF's Aho-Corasick with LeftmostLongest). Null when there are no tokens.
 */
export function addedTokenPattern(tokens: Iterable<string>): RegExp | null {
  const list = [...new Set(tokens)].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return null;
  return new RegExp(list.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gu');
}

/**
 * `text` cut at the matches of `pattern`: calls `onText` for each stretch between matches
 * (possibly empty ones are skipped) and `onToken` for each match, in order.
 */
export function splitOnAddedTokens(
  text: string, pattern: RegExp | null, onText: (s: string) => void, onToken: (token: string) => void,
): void {
  let done = 0;
  if (pattern !== null) {
    for (const m of text.matchAll(pattern)) {
      if (m.index > done) onText(text.slice(done, m.index));
      onToken(m[0]);
      done = m.index + m[0].length;
    }
  }
  if (done < text.length) onText(text.slice(done));
}
