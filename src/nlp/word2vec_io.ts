// word2vec_io.ts — word vectors in the two file formats of the word2vec C tool, which gensim's
// KeyedVectors.load_word2vec_format (binary=False / binary=True) and most other tools read:
//   text:   "V D\n", then per word "word v1 v2 … vD\n" (decimal numbers, space-separated)
//   binary: "V D\n", then per word the word's UTF-8 bytes, ' ', D little-endian float32, '\n'
// References: word2vec.c (the end of TrainModel, which writes both); gensim
// models/keyedvectors.py (_load_word2vec_format, _word2vec_read_binary).
// Shapes: V words, D values per vector; `vectors` is (V, D) row-major.

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

/** Reads "V D" at the start of a file; `where` names the op for errors. */
function parseHeader(op: string, line: string): [number, number] {
  const parts = line.trim().split(/\s+/);
  const [v, d] = parts.map(Number);
  if (parts.length !== 2 || !Number.isInteger(v) || !Number.isInteger(d) || v < 0 || d < 1) {
    throw new Error(`${op}: the first line must be "<words> <dimensions>", got ${JSON.stringify(line.slice(0, 80))}`);
  }
  return [v, d];
}

/** Parses the text format (also with \r\n line ends, trailing spaces and a missing last newline). */
export function parseText(text: string): WordVectors {
  const op = 'Word2Vec.fromText';
  const lines = text.split('\n');
  const [count, dim] = parseHeader(op, lines[0] ?? '');
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
    for (let c = 0; c < dim; c++) {
      const v = Number(parts[c + 1]);
      if (Number.isNaN(v) && !/^[+-]?nan$/i.test(parts[c + 1])) {
        throw new Error(`${op}: line ${ln + 1}: value ${c + 1} of ${JSON.stringify(word)} is not a number: ${JSON.stringify(parts[c + 1])}`);
      }
      vectors[i * dim + c] = v;
    }
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

/**
 * Parses the binary format. As gensim, it skips a '\n' (and any other whitespace) before each
 * word, so files written with or without the newline after each vector both read.
 */
export function parseBinary(bytes: Uint8Array): WordVectors {
  const op = 'Word2Vec.fromBinary';
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new Error(`${op}: no header line ("<words> <dimensions>\\n") found`);
  const [count, dim] = parseHeader(op, decoder.decode(bytes.subarray(0, nl)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  const vectors = new Float32Array(count * dim);
  const seen = new Set<string>();
  let p = nl + 1;
  for (let i = 0; i < count; i++) {
    while (p < bytes.length && (bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x20 || bytes[p] === 0x09)) p++;
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
    for (let c = 0; c < dim; c++, p += 4) vectors[i * dim + c] = view.getFloat32(p, true);
    words.push(word);
  }
  return { words, vectors, dim };
}
