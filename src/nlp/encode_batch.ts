// encode_batch.ts — from word-piece ids to model inputs, as Hugging Face's `tokenizers` does it:
// truncate a text (and its pair) to maxLength, wrap them in the post-processor's template
// ([CLS] A [SEP] B [SEP], token types 0 then 1), pad on the right with [PAD], and stack a batch
// into int32 tensors inputIds, tokenTypeIds, attentionMask, each (B, T) (B texts, T tokens).
// References: tokenizers/src/utils/truncation.rs (truncate_encodings), tokenizers/src/processors/
// template.rs (TemplateProcessing), transformers PreTrainedTokenizerBase.__call__ (its options).

import { check, checkKeys, checkPositiveInt, show } from '../check.js';
import { tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/** One piece of a post-processor template: a special token (with its ids) or sequence A or B. */
export type TemplatePiece =
  | { special: string; ids: number[]; tokens: string[]; typeId: number }
  | { sequence: 'A' | 'B'; typeId: number };

/** TemplateProcessing: the pieces around one text, and around a pair. */
export interface PostProcessor {
  single: TemplatePiece[];
  pair: TemplatePiece[];
}

/** BERT's template: single `[CLS] $A [SEP]`, pair `[CLS] $A [SEP] $B:1 [SEP]:1`. */
export function bertTemplate(cls: [string, number], sep: [string, number]): PostProcessor {
  const special = ([token, id]: [string, number], typeId: number): TemplatePiece => ({ special: token, ids: [id], tokens: [token], typeId });
  return {
    single: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0)],
    pair: [special(cls, 0), { sequence: 'A', typeId: 0 }, special(sep, 0), { sequence: 'B', typeId: 1 }, special(sep, 1)],
  };
}

/** How many special-token ids the template adds around one text or a pair. */
export function numAddedTokens(p: PostProcessor, pair: boolean): number {
  let n = 0;
  for (const piece of pair ? p.pair : p.single) if ('special' in piece) n += piece.ids.length;
  return n;
}

/**
 * The template filled with `a` (and `b`): ids and token type ids. Without special tokens the
 * sequences still take the template's type ids (as HF: a pair's B gets type 1).
 */
export function applyTemplate(p: PostProcessor, a: number[], b: number[] | null, addSpecialTokens: boolean): { ids: number[]; typeIds: number[] } {
  const ids: number[] = [], typeIds: number[] = [];
  for (const piece of b === null ? p.single : p.pair) {
    const part = 'special' in piece ? (addSpecialTokens ? piece.ids : []) : piece.sequence === 'A' ? a : b!;
    for (const id of part) {
      ids.push(id);
      typeIds.push(piece.typeId);
    }
  }
  return { ids, typeIds };
}

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * Cuts `a` and `b` from the right so that they and `nAdded` special tokens fit `maxLength`, as
 * HF's truncate_encodings. longest_first on a pair keeps n1 <= n2 tokens of the shorter and the
 * longer: the shorter whole if the longer can then keep as many, else target/2 each (the odd
 * token to the longer; to B on a tie), target = maxLength - nAdded. The lengths are those after
 * encodeUpTo: 30 and 27 one-token words with maxLength 24 arrive as 24 and 24, so 21 splits 10 + 11.
 * only_first / only_second cut only that text, an error if it would have to lose all its tokens.
 */
export function truncatePair(
  a: number[], b: number[] | null, maxLength: number, nAdded: number, strategy: TruncationStrategy, where: string,
): [number[], number[] | null] {
  const total = a.length + (b?.length ?? 0) + nAdded;
  if (total <= maxLength) return [a, b];
  const toRemove = total - maxLength;
  if (maxLength === nAdded) return [[], b === null ? null : []]; // HF: no room left empties both, whatever the strategy
  if (strategy === 'longest_first') {
    const target = maxLength - nAdded;
    if (b === null) return [a.slice(0, target), null];
    const swap = a.length > b.length;
    let n1 = Math.min(a.length, b.length), n2: number;
    n2 = n1 > target ? n1 : Math.max(n1, target - n1);
    if (n1 + n2 > target) {
      n1 = Math.floor(target / 2);
      n2 = n1 + (target % 2);
    }
    return swap ? [a.slice(0, n2), b.slice(0, n1)] : [a.slice(0, n1), b.slice(0, n2)];
  }
  const first = strategy === 'only_first';
  if (!first && b === null) throw new Error(`${where}: truncation 'only_second' needs textPairs`);
  const seq = first ? a : b!;
  if (seq.length <= toRemove) {
    throw new Error(`${where}: truncation '${strategy}' would have to remove ${toRemove} tokens from the ${first ? 'first' : 'second'} text, which has only ${seq.length}`);
  }
  const cut = seq.slice(0, seq.length - toRemove);
  return first ? [cut, b] : [a, cut];
}

export interface EncodeBatchOptions {
  /** Second texts, one per text: encoded as pairs `[CLS] A [SEP] B [SEP]`. */
  textPairs?: string[];
  /** Length to truncate to / pad to with 'max_length'. Default: the tokenizer's modelMaxLength. */
  maxLength?: number;
  /** false (default; all rows must then have one length), true = 'longest', or 'max_length'. */
  padding?: boolean | 'longest' | 'max_length' | 'do_not_pad';
  /** false (default), true = 'longest_first', 'only_first', 'only_second'. */
  truncation?: boolean | TruncationStrategy | 'do_not_truncate';
  /** Wrap in [CLS] … [SEP] (the post-processor's template). Default true. */
  addSpecialTokens?: boolean;
}

/** encodeBatch's output: int32 tensors, each (B, T). */
export interface BatchEncoding {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
}

/** What encodeBatch needs of a tokenizer. */
export interface BatchEncoder {
  /** Word-piece ids of one text, no special tokens. */
  encode(text: string): number[];
  /** The same ids grouped by word (pre-token); `added` for an added (special) token. */
  encodeWords(text: string): { ids: number[]; added: boolean }[];
  readonly postProcessor: PostProcessor;
  readonly modelMaxLength: number;
  readonly vocab: { readonly padId: number };
}

/** WordPieceTokenizer.encodeBatch; see there. */
export function encodeBatch(tok: BatchEncoder, texts: string[], options: EncodeBatchOptions = {}): BatchEncoding {
  const op = 'WordPieceTokenizer.encodeBatch';
  checkKeys(op, options, ['textPairs', 'maxLength', 'padding', 'truncation', 'addSpecialTokens']);
  const { textPairs, addSpecialTokens = true } = options;
  const padding = oneOf(op, 'padding', options.padding ?? false, [false, true, 'longest', 'max_length', 'do_not_pad']);
  const truncation = oneOf(op, 'truncation', options.truncation ?? false, [false, true, 'longest_first', 'only_first', 'only_second', 'do_not_truncate']);
  const maxLength = options.maxLength === undefined ? tok.modelMaxLength : checkPositiveInt(op, 'maxLength', options.maxLength);
  check(op, typeof addSpecialTokens === 'boolean', 'addSpecialTokens', addSpecialTokens, 'must be true or false');
  checkTexts(op, 'texts', texts);
  if (textPairs !== undefined) {
    checkTexts(op, 'textPairs', textPairs);
    if (textPairs.length !== texts.length) throw new Error(`${op}: textPairs has ${textPairs.length} entries but texts has ${texts.length}`);
  }
  const strategy: TruncationStrategy | null = truncation === true ? 'longest_first'
    : truncation === false || truncation === 'do_not_truncate' ? null : truncation!;
  const nAdded = addSpecialTokens ? numAddedTokens(tok.postProcessor, textPairs !== undefined) : 0;
  if (strategy !== null && maxLength < nAdded) {
    throw new Error(`${op}: maxLength ${maxLength} is smaller than the ${nAdded} special tokens added to each ${textPairs ? 'pair' : 'text'}`);
  }

  const rows = texts.map((text, i) => {
    // as HF, with truncation each text is tokenized only up to maxLength (in whole words);
    // 'only_second' reads the first text in full
    const limit = strategy === null ? null : maxLength;
    let a = encodeUpTo(tok, text, strategy === 'only_second' ? null : limit);
    let b = textPairs ? encodeUpTo(tok, textPairs[i], limit) : null;
    if (strategy !== null) [a, b] = truncatePair(a, b, maxLength, nAdded, strategy, `${op} (text ${i})`);
    return applyTemplate(tok.postProcessor, a, b, addSpecialTokens);
  });

  const lengths = rows.map((r) => r.ids.length);
  const longest = lengths.reduce((m, n) => Math.max(m, n), 0);
  const T = padding === 'max_length' ? maxLength : longest;
  const ragged = padding === false || padding === 'do_not_pad' ? lengths.some((n) => n !== longest) : longest > T;
  if (ragged) {
    const hint = padding === 'max_length' ? ` longer than maxLength ${T}; add truncation` : `; pass padding: 'longest' or 'max_length'`;
    throw new Error(`${op}: the encoded texts have lengths ${show(lengths.length > 8 ? [...lengths.slice(0, 8), '…'] : lengths)}, not one length for a tensor${hint}`);
  }
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(lengths.some((n) => n < T) ? tok.vocab.padId : 0), types = new Int32Array(B * T), mask = new Int32Array(B * T);
  rows.forEach((r, i) => {
    ids.set(r.ids, i * T);
    types.set(r.typeIds, i * T);
    mask.fill(1, i * T, i * T + r.ids.length);
  });
  return {
    inputIds: tensor(ids, { shape: [B, T] }), // (B, T)
    tokenTypeIds: tensor(types, { shape: [B, T] }),
    attentionMask: tensor(mask, { shape: [B, T] }),
  };
}

/**
 * `text`'s ids, with a limit only its first whole words, up to and including the word at which
 * the count reaches `limit`: HF's tokenize_with_limit (tokenizers' pre_tokenizer.rs), which runs
 * before truncation and so decides which of two long texts is "longer". As there, an added token
 * counts but does not stop the reading (it arrives tokenized; only a word just tokenized does).
 */
function encodeUpTo(tok: BatchEncoder, text: string, limit: number | null): number[] {
  if (limit === null) return tok.encode(text);
  const out: number[] = [];
  for (const { ids, added } of tok.encodeWords(text)) {
    for (const id of ids) out.push(id);
    if (!added && out.length >= limit) break;
  }
  return out;
}

function checkTexts(op: string, name: string, texts: unknown): void {
  if (!Array.isArray(texts)) throw new Error(`${op}: expected ${name} to be an array of strings, got ${show(texts)}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new Error(`${op}: ${name}[${i}] is ${show(t)}, not a string`);
  });
}

/** One of `allowed` (booleans and strings), else an error listing them. */
function oneOf<T extends boolean | string>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Error(`${op}: ${name} must be ${allowed.map(show).join(', ')}; got ${show(value)}`);
  return value as T;
}
