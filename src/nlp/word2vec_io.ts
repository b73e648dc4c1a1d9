// word2vec_io.ts — word vectors in the word2vec C tool's two file formats, which gensim's
// KeyedVectors.load_word2vec_format reads: text "V D\n" then "word v1 … vD\n" per word; binary
// "V D\n" then per word its UTF-8 bytes, ' ', D little-endian float32, '\n'. The readers check
// the header against the file before allocating. References: word2vec.c (TrainModel); gensim
// models/keyedvectors.py (_load_word2vec_format). Shapes: V words, `vectors` (V, D) row-major.

import { checkShape } from '../tensor/shape.js';

/** Words and their vectors, as read from or written to a file. */
export interface WordVectors {
  words: string[];
  /** (V, D) row-major. */
  vectors: Float32Array;
  dim: number;
}

const WHITESPACE = /\s/;

/** Throws if `word` cannot be stored in the format (the C tool splits words on whitespace). */
function checkWord(op: string, word: string): void {
  if (word === '' || WHITESPACE.test(word)) {
    throw new Error(`${op}: word ${JSON.stringify(word)} is empty or contains whitespace, which the word2vec format cannot hold`);
  }
}

/** The shortest decimal string that reads back as exactly the float32 `x`. */
export function formatFloat32(x: number): string {
  for (let p = 1; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/** The text format. Numbers are written with as few digits as read back to the same float32. */
export function formatText({ words, vectors, dim }: WordVectors): string {
  const lines = [`${words.length} ${dim}`];
  for (let i = 0; i < words.length; i++) {
    checkWord('Word2Vec.toText', words[i]);
    const parts = [words[i]];
    for (let c = 0; c < dim; c++) parts.push(formatFloat32(vectors[i * dim + c]));
    lines.push(parts.join(' '));
  }
  return lines.join('\n') + '\n';
}

/** Reads "V D" at the start of a file. */
function parseHeader(op: string, line: string): [number, number] {
  const parts = line.trim().split(/\s+/);
  const [v, d] = parts.map(Number);
  if (parts.length !== 2 || !Number.isInteger(v) || !Number.isInteger(d) || v < 0 || d < 1) {
    throw new Error(`${op}: the first line must be "<words> <dimensions>", got ${JSON.stringify(line.slice(0, 80))}`);
  }
  return [v, d];
}

/**
 * Checks a header against the file before anything is allocated: each of the `count` vectors
 * takes at least `perVector` of the `available` characters or bytes after the header, and
 * (count, dim) must be a shape a tensor can have (checkShape).
 */
function checkHeader(op: string, count: number, dim: number, perVector: number, available: number, unit: string): void {
  if (count * perVector > available) {
    throw new Error(`${op}: the header announces ${count} vectors of ${dim} values, which take at least ${count * perVector} ${unit}, `
      + `but only ${available} follow the header`);
  }
  checkShape(op, [count, dim]);
}

/** The float32 of one number of the text format; errors name the line, the value and the word. */
function parseValue(op: string, s: string, ln: number, c: number, word: string): number {
  const at = `${op}: line ${ln}: value ${c} of ${JSON.stringify(word)}`;
  const v = Number(s);
  if (Number.isNaN(v) && !/^[+-]?(nan|inf(inity)?)$/i.test(s)) throw new Error(`${at} is not a number: ${JSON.stringify(s)}`);
  if (!Number.isFinite(v)) throw new Error(`${at} is not finite: ${JSON.stringify(s)}`);
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new Error(`${at} is too large for a float32: ${JSON.stringify(s)}`);
  return f;
}

/**
 * Parses the text format (also with \r\n line ends, trailing spaces and a missing last newline).
 * Every value must be a finite number (nan, inf and -inf, which the C tool can write, are errors),
 * and the file must hold exactly the vectors its header announces.
 */
export function parseText(text: string): WordVectors {
  const op = 'Word2Vec.fromText';
  const nl = text.indexOf('\n');
  const headerEnd = nl < 0 ? text.length : nl;
  const [count, dim] = parseHeader(op, text.slice(0, headerEnd));
  // each vector line holds a word and dim values, each after a space: at least 1 + 2·dim characters
  checkHeader(op, count, dim, 1 + 2 * dim, Math.max(0, text.length - headerEnd - 1), 'characters');
  const lines = text.split('\n');
  const words: string[] = [];
  const vectors = new Float32Array(count * dim);
  const seen = new Set<string>();
  let i = 0;
  for (let ln = 1; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    if (i === count) throw new Error(`${op}: line ${ln + 1}: more vectors than the ${count} the header announces`);
    const parts = line.split(/\s+/);
    if (parts.length !== dim + 1) {
      throw new Error(`${op}: line ${ln + 1} (${JSON.stringify(parts[0])}) has ${parts.length - 1} values, expected ${dim}`);
    }
    const word = parts[0];
    if (seen.has(word)) throw new Error(`${op}: line ${ln + 1}: the word ${JSON.stringify(word)} appears twice`);
    seen.add(word);
    for (let c = 0; c < dim; c++) vectors[i * dim + c] = parseValue(op, parts[c + 1], ln + 1, c + 1, word);
    words.push(word);
    i++;
  }
  if (i !== count) throw new Error(`${op}: the header announces ${count} vectors but the file has ${i}`);
  return { words, vectors, dim };
}

/** The binary format, as word2vec.c writes it (with the '\n' after each vector). */
export function formatBinary({ words, vectors, dim }: WordVectors): Uint8Array {
  const encoder = new TextEncoder();
  const header = encoder.encode(`${words.length} ${dim}\n`);
  const encoded = words.map((w) => {
    checkWord('Word2Vec.toBinary', w);
    return encoder.encode(w);
  });
  const size = header.length + encoded.reduce((n, w) => n + w.length + 2 + 4 * dim, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(header, 0);
  let p = header.length;
  for (let i = 0; i < words.length; i++) {
    out.set(encoded[i], p);
    p += encoded[i].length;
    out[p++] = 0x20; // ' '
    for (let c = 0; c < dim; c++, p += 4) view.setFloat32(p, vectors[i * dim + c], true);
    out[p++] = 0x0a; // '\n'
  }
  return out;
}

/** Whether byte b is whitespace the binary reader skips between vectors (\n, \r, space, tab). */
const isSpaceByte = (b: number): boolean => b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09;

/**
 * Parses the binary format. As gensim, it skips a '\n' (and any other whitespace) before each
 * word, so files written with or without the newline after each vector both read. Every value
 * must be finite, and nothing but whitespace may follow the vectors the header announces.
 */
export function parseBinary(bytes: Uint8Array): WordVectors {
  const op = 'Word2Vec.fromBinary';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new Error(`${op}: no header line ("<words> <dimensions>\\n") found`);
  let header: string;
  try {
    header = decoder.decode(bytes.subarray(0, nl));
  } catch {
    const hex = Array.from(bytes.subarray(0, Math.min(nl, 16)), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${op}: the header line is not valid UTF-8 text (bytes ${hex}${nl > 16 ? ' …' : ''}); expected "<words> <dimensions>"`);
  }
  const [count, dim] = parseHeader(op, header);
  // each vector is a word of at least one byte, a space and dim float32s
  checkHeader(op, count, dim, 2 + 4 * dim, bytes.length - nl - 1, 'bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  const vectors = new Float32Array(count * dim);
  const seen = new Set<string>();
  let p = nl + 1;
  for (let i = 0; i < count; i++) {
    while (p < bytes.length && isSpaceByte(bytes[p])) p++;
    const space = bytes.indexOf(0x20, p);
    if (p >= bytes.length || space < 0) throw new Error(`${op}: the file ends before word ${i + 1} of ${count}`);
    let word: string;
    try {
      word = decoder.decode(bytes.subarray(p, space));
    } catch {
      throw new Error(`${op}: word ${i + 1} at byte ${p} is not valid UTF-8`);
    }
    if (seen.has(word)) throw new Error(`${op}: the word ${JSON.stringify(word)} appears twice`);
    seen.add(word);
    p = space + 1;
    if (p + 4 * dim > bytes.length) {
      throw new Error(`${op}: the file ends inside the vector of ${JSON.stringify(word)} (word ${i + 1} of ${count}): it needs ${4 * dim} bytes at offset ${p}, ${bytes.length - p} are left`);
    }
    for (let c = 0; c < dim; c++, p += 4) {
      const v = view.getFloat32(p, true);
      if (!Number.isFinite(v)) throw new Error(`${op}: vector ${i + 1}: value ${c + 1} of ${JSON.stringify(word)} is not finite: ${v}`);
      vectors[i * dim + c] = v;
    }
    words.push(word);
  }
  while (p < bytes.length && isSpaceByte(bytes[p])) p++;
  if (p < bytes.length) {
    throw new Error(`${op}: the header announces ${count} vectors but the file goes on after them (${bytes.length - p} more bytes from offset ${p})`);
  }
  return { words, vectors, dim };
}
