// tokenizer_json.ts — a WordPiece tokenizer's settings to and from Hugging Face's files:
// tokenizer.json (the Rust `tokenizers` serialization: BertNormalizer, BertPreTokenizer,
// TemplateProcessing or BertProcessing, WordPiece model, added tokens), and transformers'
// tokenizer_config.json / special_tokens_map.json for BertTokenizer(Fast).
// References: tokenizers/src/tokenizer/serialization.rs, processors/template.rs (its JSON form),
// transformers PreTrainedTokenizerBase.save_pretrained, BertTokenizerFast.__init__.

import { bertTemplate, type PostProcessor, type TemplatePiece } from './encode_batch.js';
import type { TokenizerFiles } from './pretrained_files.js';

/** A token matched in the raw text before normalization (normalized: false) or after. */
export interface AddedToken {
  content: string;
  id: number;
  special: boolean;
  normalized: boolean;
}

/** Everything a WordPieceTokenizer is, as the files describe it. */
export interface TokenizerState {
  tokens: string[];
  /** Absent (vocab.txt): the vocabulary's BERT specials. */
  addedTokens?: AddedToken[];
  /** BertNormalizer's settings; stripAccents null = follow lowercase. */
  normalizer: { cleanText: boolean; handleChineseChars: boolean; stripAccents: boolean | null; lowercase: boolean };
  maxInputCharsPerWord: number;
  /** Absent (vocab.txt): [CLS] $A [SEP] / [CLS] $A [SEP] $B:1 [SEP]:1. */
  postProcessor?: PostProcessor;
  modelMaxLength: number;
}

const OP = 'WordPieceTokenizer.fromTokenizerJson';
const fail = (message: string): never => {
  throw new Error(`${OP}: ${message}`);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: unknown): string => (isObject(v) ? `type ${JSON.stringify(v.type)}` : JSON.stringify(v));

/** Parses tokenizer.json (text or object). Throws naming any part it cannot represent. */
export function parseTokenizerJson(json: string | object): TokenizerState {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      fail(`not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(obj)) return fail(`expected a tokenizer.json object, got ${typeOf(obj)}`);
  const model = obj.model;
  if (!isObject(model) || model.type !== 'WordPiece') fail(`model must be WordPiece, got ${typeOf(model)}`);
  const m = model as Record<string, unknown>;
  if (m.unk_token !== '[UNK]') fail(`model.unk_token ${JSON.stringify(m.unk_token)} is not supported (only "[UNK]")`);
  if ((m.continuing_subword_prefix ?? '##') !== '##') fail(`model.continuing_subword_prefix ${JSON.stringify(m.continuing_subword_prefix)} is not supported (only "##")`);
  const tokens = vocabTokens(m.vocab);

  const n = obj.normalizer ?? null;
  if (n !== null && !(isObject(n) && n.type === 'BertNormalizer')) fail(`normalizer must be BertNormalizer or null, got ${typeOf(n)}`);
  const norm = (n ?? {}) as Record<string, unknown>;
  const flag = (key: string): boolean => (norm[key] === undefined ? n !== null : Boolean(norm[key]));
  const strip = norm.strip_accents ?? null;
  const pre = obj.pre_tokenizer;
  if (!(isObject(pre) && pre.type === 'BertPreTokenizer')) fail(`pre_tokenizer must be BertPreTokenizer, got ${typeOf(pre)}`);

  const addedTokens = Array.isArray(obj.added_tokens) ? obj.added_tokens.map((t, i) => addedToken(t, i, tokens)) : [];
  return {
    tokens, addedTokens,
    normalizer: {
      cleanText: flag('clean_text'), handleChineseChars: flag('handle_chinese_chars'),
      stripAccents: strip === null ? null : Boolean(strip), lowercase: flag('lowercase'),
    },
    maxInputCharsPerWord: (m.max_input_chars_per_word as number | undefined) ?? 100,
    postProcessor: postProcessor(obj.post_processor ?? null, tokens),
    modelMaxLength: 512,
  };
}

/** model.vocab {token: id} as the token list, checking ids are 0..n-1 once each. */
function vocabTokens(vocab: unknown): string[] {
  if (!isObject(vocab)) return fail(`model.vocab must be an object {token: id}, got ${typeOf(vocab)}`);
  const entries = Object.entries(vocab);
  const tokens = new Array<string>(entries.length);
  for (const [token, id] of entries) {
    if (!(Number.isInteger(id) && (id as number) >= 0 && (id as number) < entries.length)) {
      fail(`model.vocab gives ${JSON.stringify(token)} id ${JSON.stringify(id)}; ids must be 0..${entries.length - 1}`);
    }
    if (tokens[id as number] !== undefined) fail(`model.vocab gives id ${id} to both ${JSON.stringify(tokens[id as number])} and ${JSON.stringify(token)}`);
    tokens[id as number] = token;
  }
  return tokens;
}

function addedToken(t: unknown, i: number, tokens: string[]): AddedToken {
  if (!isObject(t) || typeof t.content !== 'string' || typeof t.id !== 'number') return fail(`added_tokens[${i}] must be {id, content, …}`);
  if (tokens[t.id] !== t.content) fail(`added token ${JSON.stringify(t.content)} has id ${t.id}, but model.vocab has ${JSON.stringify(tokens[t.id] ?? null)} there`);
  for (const k of ['single_word', 'lstrip', 'rstrip']) if (t[k] === true) fail(`added token ${JSON.stringify(t.content)} has ${k}: true, which is not supported`);
  return { content: t.content, id: t.id, special: t.special === true, normalized: t.normalized === true };
}

/** TemplateProcessing / BertProcessing / null (no special tokens) as a PostProcessor. */
function postProcessor(p: unknown, tokens: string[]): PostProcessor {
  if (p === null) return { single: [{ sequence: 'A', typeId: 0 }], pair: [{ sequence: 'A', typeId: 0 }, { sequence: 'B', typeId: 1 }] };
  if (isObject(p) && p.type === 'BertProcessing') {
    const pair = (v: unknown, name: string): [string, number] => {
      if (!(Array.isArray(v) && tokens[v[1]] === v[0])) fail(`post_processor.${name} ${JSON.stringify(v)} is not a [token, id] of the vocabulary`);
      return v as [string, number];
    };
    return bertTemplate(pair(p.cls, 'cls'), pair(p.sep, 'sep'));
  }
  if (!(isObject(p) && p.type === 'TemplateProcessing')) return fail(`post_processor must be TemplateProcessing, BertProcessing or null, got ${typeOf(p)}`);
  const specials = isObject(p.special_tokens) ? p.special_tokens : {};
  const pieces = (list: unknown, name: string): TemplatePiece[] => {
    if (!Array.isArray(list)) fail(`post_processor.${name} must be a list of pieces`);
    return (list as unknown[]).map((piece) => {
      const seq = isObject(piece) && isObject(piece.Sequence) ? piece.Sequence : null;
      const sp = isObject(piece) && isObject(piece.SpecialToken) ? piece.SpecialToken : null;
      if (seq && (seq.id === 'A' || seq.id === 'B')) return { sequence: seq.id, typeId: Number(seq.type_id ?? 0) };
      const def = sp ? specials[sp.id as string] : undefined;
      if (!(sp && isObject(def) && Array.isArray(def.ids) && Array.isArray(def.tokens))) return fail(`post_processor.${name} has a piece ${JSON.stringify(piece)} it cannot resolve`);
      (def.ids as number[]).forEach((id, k) => {
        if (tokens[id] !== (def.tokens as string[])[k]) fail(`post_processor special token ${JSON.stringify(sp.id)}: id ${id} is ${JSON.stringify(tokens[id] ?? null)} in the vocabulary, not ${JSON.stringify((def.tokens as string[])[k])}`);
      });
      return { special: sp.id as string, ids: [...(def.ids as number[])], tokens: [...(def.tokens as string[])], typeId: Number(sp.type_id ?? 0) };
    });
  };
  return { single: pieces(p.single, 'single'), pair: pieces(p.pair, 'pair') };
}

/** The template in tokenizer.json's form, with its special_tokens map (keys sorted, as HF). */
function postProcessorJson(p: PostProcessor): object {
  const specials: Record<string, object> = {};
  const piece = (x: TemplatePiece): object => {
    if ('sequence' in x) return { Sequence: { id: x.sequence, type_id: x.typeId } };
    specials[x.special] = { id: x.special, ids: x.ids, tokens: x.tokens };
    return { SpecialToken: { id: x.special, type_id: x.typeId } };
  };
  const single = p.single.map(piece), pair = p.pair.map(piece);
  const sorted = Object.fromEntries(Object.keys(specials).sort().map((k) => [k, specials[k]]));
  return { type: 'TemplateProcessing', single, pair, special_tokens: sorted };
}

/**
 * tokenizer.json as the Rust `tokenizers` writes it (pretty, keys in its order, the vocabulary
 * in id order; JSON objects would put integer-like tokens such as "2024" first).
 */
export function writeTokenizerJson(s: Required<TokenizerState>): string {
  const marker = '\u0000vocab';
  const obj = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...s.addedTokens].sort((a, b) => a.id - b.id).map((t) => ({
      id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: t.normalized, special: t.special,
    })),
    normalizer: {
      type: 'BertNormalizer', clean_text: s.normalizer.cleanText, handle_chinese_chars: s.normalizer.handleChineseChars,
      strip_accents: s.normalizer.stripAccents, lowercase: s.normalizer.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: postProcessorJson(s.postProcessor),
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: s.maxInputCharsPerWord, vocab: marker },
  };
  const text = JSON.stringify(obj, null, 2);
  const vocab = `{\n${s.tokens.map((t, i) => `      ${JSON.stringify(t)}: ${i}`).join(',\n')}\n    }`;
  const at = text.lastIndexOf(JSON.stringify(marker));
  return text.slice(0, at) + vocab + text.slice(at + JSON.stringify(marker).length);
}

/** transformers' names of BERT's special tokens. */
export const SPECIAL_TOKEN_KEYS: Record<string, string> = {
  unk_token: '[UNK]', sep_token: '[SEP]', pad_token: '[PAD]', cls_token: '[CLS]', mask_token: '[MASK]',
};

/** special_tokens_map.json: the BERT specials the vocabulary has. */
export function writeSpecialTokensMap(tokens: ReadonlySet<string>): string {
  const map = Object.fromEntries(Object.entries(SPECIAL_TOKEN_KEYS).filter(([, t]) => tokens.has(t)).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify(map, null, 2) + '\n';
}

/** tokenizer_config.json as BertTokenizerFast.save_pretrained writes it (keys sorted). */
export function writeTokenizerConfig(s: Required<TokenizerState>): string {
  const vocab = new Set(s.tokens);
  const decoder = Object.fromEntries([...s.addedTokens].sort((a, b) => a.id - b.id).map((t) => [String(t.id), {
    content: t.content, lstrip: false, normalized: t.normalized, rstrip: false, single_word: false, special: t.special,
  }]));
  const config: Record<string, unknown> = {
    added_tokens_decoder: decoder,
    clean_up_tokenization_spaces: true,
    do_basic_tokenize: true,
    do_lower_case: s.normalizer.lowercase,
    model_max_length: s.modelMaxLength,
    never_split: null,
    strip_accents: s.normalizer.stripAccents,
    tokenize_chinese_chars: s.normalizer.handleChineseChars,
    tokenizer_class: 'BertTokenizer',
  };
  for (const [key, token] of Object.entries(SPECIAL_TOKEN_KEYS)) if (vocab.has(token)) config[key] = token;
  const sorted = Object.fromEntries(Object.keys(config).sort().map((k) => [k, config[k]]));
  return JSON.stringify(sorted, null, 2) + '\n';
}

/** The settings in tokenizer_config.json that a WordPieceTokenizer has; absent keys left out. */
export interface TokenizerConfigSettings {
  lowercase?: boolean;
  stripAccents?: boolean | null;
  handleChineseChars?: boolean;
  modelMaxLength?: number;
}

/**
 * Reads do_lower_case, strip_accents, tokenize_chinese_chars and model_max_length from
 * tokenizer_config.json; special tokens other than BERT's names are an error.
 */
export function readTokenizerConfig(text: string): TokenizerConfigSettings {
  const op = 'WordPieceTokenizer.fromPretrained';
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch (e) {
    throw new Error(`${op}: tokenizer_config.json is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(c)) throw new Error(`${op}: tokenizer_config.json must hold an object, got ${typeOf(c)}`);
  for (const [key, token] of Object.entries(SPECIAL_TOKEN_KEYS)) {
    const v = c[key];
    const name = isObject(v) ? v.content : v; // a string, or an AddedToken {content, …}
    if (name !== undefined && name !== null && name !== token) {
      throw new Error(`${op}: tokenizer_config.json sets ${key} to ${JSON.stringify(name)}; only ${JSON.stringify(token)} is supported`);
    }
  }
  const out: TokenizerConfigSettings = {};
  if (typeof c.do_lower_case === 'boolean') out.lowercase = c.do_lower_case;
  if (c.strip_accents === null || typeof c.strip_accents === 'boolean') out.stripAccents = c.strip_accents;
  if (typeof c.tokenize_chinese_chars === 'boolean') out.handleChineseChars = c.tokenize_chinese_chars;
  if (typeof c.model_max_length === 'number') out.modelMaxLength = c.model_max_length;
  return out;
}

/**
 * vocab.txt's tokens: one per line, id = line number - 1 (\n or \r\n; a final newline ends the
 * last line). Empty or repeated lines are an error naming the line.
 */
export function parseVocabFile(text: string, op: string): string[] {
  if (typeof text !== 'string') throw new Error(`${op}: expected vocab.txt's text, got ${text === null ? 'null' : typeof text}`);
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const seen = new Map<string, number>();
  lines.forEach((t, i) => {
    if (t === '') throw new Error(`${op}: vocab.txt line ${i + 1} is empty; each line must hold a token`);
    const j = seen.get(t);
    if (j !== undefined) throw new Error(`${op}: vocab.txt line ${i + 1} repeats token ${JSON.stringify(t)} of line ${j + 1}`);
    seen.set(t, i);
  });
  return lines;
}

/** vocab.txt's text: the tokens in id order, each on a line ending in \n. */
export function writeVocabFile(tokens: readonly string[]): string {
  const bad = tokens.findIndex((t) => /[\r\n]/.test(t));
  if (bad >= 0) throw new Error(`WordPieceTokenizer.toVocabFile: token ${bad} ${JSON.stringify(tokens[bad])} holds a line break`);
  return tokens.map((t) => t + '\n').join('');
}

/**
 * What BertTokenizerFast.from_pretrained builds from the files: tokenizer.json if present, else
 * vocab.txt; then tokenizer_config.json's do_lower_case, strip_accents, tokenize_chinese_chars
 * and model_max_length over either (BertTokenizer's defaults for vocab.txt alone: lowercase,
 * strip accents when lowercasing, CJK spaced; model_max_length 512 here).
 */
export function readPretrained(files: TokenizerFiles): TokenizerState {
  const op = 'WordPieceTokenizer.fromPretrained';
  if (!isObject(files as unknown)) throw new Error(`${op}: expected a record of files, got ${typeOf(files)}`);
  const config = files['tokenizer_config.json'] !== undefined ? readTokenizerConfig(files['tokenizer_config.json']) : {};
  let state: TokenizerState;
  if (files['tokenizer.json'] !== undefined) {
    state = parseTokenizerJson(files['tokenizer.json']);
  } else if (files['vocab.txt'] !== undefined) {
    const normalizer = { cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true };
    state = { tokens: parseVocabFile(files['vocab.txt'], op), normalizer, maxInputCharsPerWord: 100, modelMaxLength: 512 };
  } else {
    throw new Error(`${op}: the files hold neither tokenizer.json nor vocab.txt (got ${Object.keys(files).join(', ') || 'no files'})`);
  }
  const n = state.normalizer;
  if (config.lowercase !== undefined) n.lowercase = config.lowercase;
  if (config.stripAccents !== undefined) n.stripAccents = config.stripAccents;
  if (config.handleChineseChars !== undefined) n.handleChineseChars = config.handleChineseChars;
  if (config.modelMaxLength !== undefined) state.modelMaxLength = config.modelMaxLength;
  return state;
}
