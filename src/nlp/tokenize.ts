// tokenize.ts — text to words and sentences, before any vocabulary: basicTokenize is BERT's
// BasicTokenizer (clean, CJK spacing, lowercase, strip accents, split on whitespace and
// punctuation), splitSentences a rule-based splitter for English prose; both linear in the text.
// References: google-research/bert tokenization.py (BasicTokenizer, _is_punctuation,
// _is_chinese_char); Hugging Face transformers BertTokenizer (NFC, strip_accents, never_split).

import { nfc, nfd } from './normalize.js';

export interface BasicTokenizeOptions {
  /** Lowercase every token (BERT "uncased"). Default true. */
  lowercase?: boolean;
  /** Remove accents (NFD, then drop combining marks). Default: same as `lowercase`, as BERT. */
  stripAccents?: boolean;
  /** Whitespace-separated tokens kept whole: not lowercased, not split (e.g. `[CLS]`). */
  neverSplit?: Iterable<string>;
}

/** NUL, the replacement character, and control/format characters other than \t \n \r. */
const INVALID = /(?![\t\n\r])[\0\uFFFD\p{Cc}\p{Cf}]/gu;
/** BERT's _is_whitespace: space, \t, \n, \r and the Zs category. */
const WHITESPACE = /[\t\n\r\p{Zs}]/gu;
/** BERT's _is_chinese_char: the CJK Unified Ideographs blocks (not Hangul or kana). */
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/gu;
/** BERT's _is_punctuation: Unicode P* plus every non-alphanumeric printable ASCII ($ + < = > ^ ` | ~ too). */
const PUNCTUATION = /[\p{P}!-/:-@[-`{-~]/gu;
const COMBINING_MARK = /\p{Mn}/gu;

/** Lowercasing, accent stripping and punctuation splitting of whitespace-free or spaced text. */
function normalizeAndSplitPunctuation(text: string, lowercase: boolean, stripAccents: boolean): string {
  let s = lowercase ? text.toLowerCase() : text;
  if (stripAccents) s = nfd(s).replace(COMBINING_MARK, '');
  return s.replace(PUNCTUATION, ' $& ');
}

/**
 * BERT's basic tokenization, step for step:
 *
 *     clean        drop NUL, U+FFFD and control characters; every whitespace character -> ' '
 *     CJK          put spaces around each CJK ideograph (so each becomes one token)
 *     per token    lowercase; strip accents (NFD, drop combining marks, category Mn)
 *     punctuation  every punctuation character becomes a token of its own
 *
 * Text is NFC-normalized first (as Hugging Face's BertTokenizer). Contractions split like BERT:
 * `"don't"` -> `don ' t`.
 *
 *     basicTokenize("Héllo, World!")   // ['hello', ',', 'world', '!']
 *     basicTokenize("Héllo", { lowercase: false })   // ['Héllo']
 */
export function basicTokenize(text: string, options: BasicTokenizeOptions = {}): string[] {
  if (typeof text !== 'string') throw new Error(`basicTokenize: expected a string, got ${text === null ? 'null' : typeof text}`);
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.stripAccents ?? lowercase;
  const neverSplit = new Set(options.neverSplit ?? []);
  const cleaned = nfc(text).replace(INVALID, '').replace(WHITESPACE, ' ').replace(CJK, ' $& ');
  if (neverSplit.size === 0) {
    return splitWhitespace(normalizeAndSplitPunctuation(cleaned, lowercase, stripAccents));
  }
  const out: string[] = [];
  for (const token of splitWhitespace(cleaned)) {
    if (neverSplit.has(token)) out.push(token);
    else for (const t of splitWhitespace(normalizeAndSplitPunctuation(token, lowercase, stripAccents))) out.push(t);
  }
  return out;
}

/** Python's str.split(): split on runs of whitespace, no empty strings. */
function splitWhitespace(s: string): string[] {
  return s.split(/\s+/).filter((t) => t.length > 0);
}

// ---- sentences -----------------------------------------------------------------------------

/** Titles and honorifics: a period after them is never a sentence end. */
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'messrs', 'mme', 'mlle', 'dr', 'st', 'prof', 'rev', 'hon', 'gen', 'col', 'capt',
  'cpt', 'lt', 'sgt', 'maj', 'adm', 'cmdr', 'gov', 'sen', 'rep', 'pres', 'supt', 'mt', 'ft', 'jr',
  'sr', 'esq', 'vs', 'viz', 'cf', 'al', 'ave', 'blvd',
]);
/** Abbreviations that precede a number (`No. 5`, `Jan. 1`): no sentence end before a digit. */
const BEFORE_NUMBER = new Set([
  'no', 'nos', 'vol', 'vols', 'p', 'pp', 'fig', 'figs', 'ch', 'art', 'sec', 'approx', 'ca',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);
/**
 * Terminal punctuation, then closing quotes/brackets, then whitespace or the end of the text. A
 * match starts only at the start of a run of terminals (the lookbehind), so a long run that is
 * not a sentence end is scanned once, not once per character.
 */
const TERMINAL = /(?<![.!?…])([.!?…]+)(["'”’»)\]}]*)(?:\s+|$)/gu;
/** What may begin a sentence: a capital, a digit, or an opening quote/bracket. */
const SENTENCE_START = /[\p{Lu}\p{Lt}\p{N}"'“‘«([{]/u;

/** Longer words are never abbreviations (and are not run through the regexps below). */
const MAX_ABBREVIATION = 32;

/** The start of the run of non-whitespace that ends at `end`, not before `from`. */
function wordStart(s: string, from: number, end: number): number {
  let i = end;
  while (i > from && !/\s/.test(s[i - 1])) i--;
  return i;
}

/**
 * Whether the period at `end` ends an abbreviation or an initial rather than the sentence that
 * began at `from`, given `next`, the first character after the whitespace. Looks only at the last
 * two words before the period, so each check costs their length, not the sentence's.
 */
function isAbbreviation(s: string, from: number, end: number, next: string): boolean {
  const start = wordStart(s, from, end);
  const word = s.slice(start, end).replace(/^["'“‘«([{]+/u, '');
  if (word.length > MAX_ABBREVIATION) return false;
  const lower = word.toLowerCase();
  if (TITLES.has(lower)) return true;
  if (BEFORE_NUMBER.has(lower) && /\p{N}/u.test(next)) return true;
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true; // U.S., e.g., A.D.
  if (/^\p{L}$/u.test(word)) {
    // A single letter is an initial ("J. Smith"), except the pronoun I ending a sentence
    // ("said I. Then"): I counts as an initial only after a capitalized word ("Henry I. Smith").
    if (word !== 'I') return true;
    let prevEnd = start;
    while (prevEnd > from && /\s/.test(s[prevEnd - 1])) prevEnd--;
    return prevEnd < start && /^\p{Lu}/u.test(s.slice(wordStart(s, from, prevEnd), prevEnd));
  }
  return false;
}

/**
 * Splits English prose into sentences. A sentence ends at `.`, `!`, `?` or an ellipsis,
 * with any closing quotes or brackets after it, followed by whitespace and then a capital
 * letter, a digit or an opening quote/bracket, or by the end of the text. A blank line (a
 * paragraph break) always ends a sentence. A period does not end a sentence after a title
 * (Mr. Mrs. Dr. St. …), a single initial ("J."), an initialism ("U.S.", "e.g."), or `No.`/month
 * abbreviations before a number; decimals ("3.14") and ellipses followed by lowercase never
 * split. Sentences are trimmed, empty ones dropped; inner whitespace is kept as is.
 *
 *     splitSentences('Mr. Smith paid $3.50. "Too much!" he said. Then he left.')
 *     // ['Mr. Smith paid $3.50.', '"Too much!" he said.', 'Then he left.']
 */
export function splitSentences(text: string): string[] {
  if (typeof text !== 'string') throw new Error(`splitSentences: expected a string, got ${text === null ? 'null' : typeof text}`);
  const out: string[] = [];
  for (const paragraph of text.split(/\n[^\S\n]*\n/)) {
    let start = 0;
    for (const m of paragraph.matchAll(TERMINAL)) {
      const end = m.index + m[1].length + m[2].length; // sentence end, after closing quotes
      const gapEnd = m.index + m[0].length;
      const next = gapEnd < paragraph.length ? String.fromCodePoint(paragraph.codePointAt(gapEnd)!) : '';
      if (next !== '' && !SENTENCE_START.test(next)) continue;
      if (m[1] === '.' && next !== '' && isAbbreviation(paragraph, start, m.index, next)) continue;
      pushTrimmed(out, paragraph.slice(start, end));
      start = gapEnd;
    }
    pushTrimmed(out, paragraph.slice(start));
  }
  return out;
}

function pushTrimmed(out: string[], s: string): void {
  const t = s.trim();
  if (t.length > 0) out.push(t);
}
