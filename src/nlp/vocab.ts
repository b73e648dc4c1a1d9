// vocab.ts — a token <-> id table: special tokens first, then tokens by descending frequency
// (ties by first appearance), with BERT's specials [PAD] [UNK] [CLS] [SEP] [MASK] by default.
// Unknown tokens map to [UNK]. Saved as JSON, or loaded from a token list such as BERT's
// vocab.txt (one token per line, id = line number).
// Reference: torchtext build_vocab_from_iterator (ordering, min_freq, specials first).

import { check, checkKeys, checkNonNegative } from '../check.js';

/** BERT's special tokens, in the order that gives them ids 0..4. */
export const BERT_SPECIALS: readonly string[] = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

export interface VocabBuildOptions {
  /** Tokens seen fewer times are left out. Default 1. */
  minFreq?: number;
  /** Cap on the total size, specials included. Default: no cap. */
  maxSize?: number;
  /** Special tokens, given ids 0.. in this order. Default BERT's [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specials?: readonly string[];
}

/** Vocab's JSON form: the tokens in id order and which of them are special. */
export interface VocabJSON {
  tokens: string[];
  specials: string[];
}

function fail(op: string, message: string): never {
  throw new Error(`Vocab.${op}: ${message}`);
}

/**
 * A vocabulary: token `i` has id `i`. Build it from tokenized text, or load it from a token list.
 *
 *     const v = Vocab.build([['the', 'cat'], ['the', 'dog']]);
 *     v.encode(['the', 'cow'])   // [5, 1]  (specials take 0..4; 'cow' -> [UNK])
 *     v.decode([5, 6])           // ['the', 'cat']
 */
export class Vocab {
  private readonly tokens: string[];
  private readonly index: Map<string, number>;
  /** The special tokens, in id order. */
  readonly specials: readonly string[];

  private constructor(tokens: string[], specials: readonly string[], op: string) {
    this.tokens = tokens;
    this.index = new Map();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) fail(op, `token ${i} is ${JSON.stringify(t)}; tokens must be non-empty strings`);
      const j = this.index.get(t);
      if (j !== undefined) fail(op, `token ${JSON.stringify(t)} appears twice (ids ${j} and ${i})`);
      this.index.set(t, i);
    });
    for (const s of specials) if (!this.index.has(s)) fail(op, `special token ${JSON.stringify(s)} is not in the vocabulary`);
    this.specials = [...specials].sort((a, b) => this.index.get(a)! - this.index.get(b)!);
  }

  /**
   * Counts tokens over `tokenLists` and orders them: specials (ids 0.. in the given order),
   * then tokens by descending count, ties by first appearance; tokens with count < minFreq are
   * dropped, and the list is cut at maxSize entries in total.
   */
  static build(tokenLists: Iterable<Iterable<string>>, options: VocabBuildOptions = {}): Vocab {
    checkKeys('Vocab.build', options, ['minFreq', 'maxSize', 'specials']);
    const { minFreq = 1, maxSize = Infinity, specials = BERT_SPECIALS } = options;
    checkNonNegative('Vocab.build', 'minFreq', minFreq);
    check('Vocab.build', maxSize === Infinity || (Number.isInteger(maxSize) && maxSize >= 0), 'maxSize', maxSize, 'must be a non-negative integer');
    if (maxSize < specials.length) fail('build', `maxSize ${maxSize} is smaller than the ${specials.length} special tokens`);
    const special = new Set(specials);
    const counts = new Map<string, number>(); // insertion order = first appearance
    for (const list of tokenLists) {
      for (const t of list) {
        if (typeof t !== 'string') fail('build', `expected string tokens, got ${typeof t}`);
        if (!special.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const order = [...counts.keys()];
    const rank = new Map(order.map((t, i) => [t, i]));
    const kept = order
      .filter((t) => counts.get(t)! >= minFreq)
      .sort((a, b) => counts.get(b)! - counts.get(a)! || rank.get(a)! - rank.get(b)!)
      .slice(0, maxSize - specials.length);
    return new Vocab([...specials, ...kept], specials, 'build');
  }

  /**
   * A vocabulary from a token list, id = position (e.g. the lines of BERT's vocab.txt).
   * `specials` defaults to whichever of [PAD] [UNK] [CLS] [SEP] [MASK] the list holds.
   */
  static fromTokens(tokens: readonly string[], options: { specials?: readonly string[] } = {}): Vocab {
    if (!Array.isArray(tokens)) fail('fromTokens', `expected an array of tokens, got ${typeof tokens}`);
    checkKeys('Vocab.fromTokens', options, ['specials']);
    const specials = options.specials ?? BERT_SPECIALS.filter((s) => tokens.includes(s));
    return new Vocab([...tokens], specials, 'fromTokens');
  }

  /** Inverse of toJSON; accepts the object or its JSON text. */
  static fromJSON(json: VocabJSON | string): Vocab {
    const obj = (typeof json === 'string' ? JSON.parse(json) : json) as VocabJSON;
    if (!obj || !Array.isArray(obj.tokens) || !Array.isArray(obj.specials)) fail('fromJSON', 'expected {tokens: string[], specials: string[]}');
    return new Vocab([...obj.tokens], obj.specials, 'fromJSON');
  }

  /** `{tokens, specials}`; `JSON.stringify(vocab)` uses it. */
  toJSON(): VocabJSON {
    return { tokens: [...this.tokens], specials: [...this.specials] };
  }

  /** Number of tokens, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** The id of `token`; an unknown token gets the [UNK] id (an error if there is no [UNK]). */
  tokenToId(token: string): number {
    return this.index.get(token) ?? this.specialId('[UNK]', 'tokenToId', ` to map unknown token ${JSON.stringify(token)} to`);
  }

  idToToken(id: number): string {
    if (!(Number.isInteger(id) && id >= 0 && id < this.tokens.length)) {
      fail('idToToken', `id ${id} is out of range for a vocabulary of size ${this.tokens.length}`);
    }
    return this.tokens[id];
  }

  /** Tokens to ids, unknown tokens to [UNK]. */
  encode(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.index.get(t) ?? this.specialId('[UNK]', 'encode', ` to map unknown token ${JSON.stringify(t)} to`));
  }

  /** Ids to tokens; an id outside [0, size) is an error naming it. */
  decode(ids: Iterable<number>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (!(Number.isInteger(id) && id >= 0 && id < this.tokens.length)) {
        fail('decode', `id ${id} is out of range for a vocabulary of size ${this.tokens.length}`);
      }
      out.push(this.tokens[id]);
    }
    return out;
  }

  /** All tokens in id order (a copy). */
  toTokens(): string[] {
    return [...this.tokens];
  }

  get padId(): number { return this.specialId('[PAD]', 'padId'); }
  get unkId(): number { return this.specialId('[UNK]', 'unkId'); }
  get clsId(): number { return this.specialId('[CLS]', 'clsId'); }
  get sepId(): number { return this.specialId('[SEP]', 'sepId'); }
  get maskId(): number { return this.specialId('[MASK]', 'maskId'); }

  /** Ids of the special tokens, in id order. */
  get specialIds(): number[] {
    return this.specials.map((s) => this.index.get(s)!);
  }

  private specialId(token: string, op: string, why = ''): number {
    const id = this.index.get(token);
    if (id === undefined) fail(op, `the vocabulary has no ${token} token${why}`);
    return id;
  }
}
