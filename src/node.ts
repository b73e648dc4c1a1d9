/// <reference types="node" />
// node.ts — the `tensorloom/node` entry: helpers that need Node's file system or threads, kept
// off the main entry so that the library bundles for browsers without Node built-ins. saveFile/
// loadFile are io.saveSafetensors/io.loadSafetensors by path (safetensors.torch's format);
// readPretrained/writePretrained move a Hugging Face checkpoint directory (config.json,
// model.safetensors, the tokenizer's files) to and from an nlp PretrainedFiles record;
// nodeWorkers runs Word2Vec's workers > 1 on worker_threads: train(sentences, { runner: nodeWorkers });
// renderSvg draws toDot's graph with Graphviz compiled to WebAssembly (@viz-js/viz, loaded on first use).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from './tensor/tensor.js';
import { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from './io/safetensors.js';
import type { PretrainedFiles } from './nlp/pretrained_files.js';

export { nodeWorkers } from './nlp/word2vec_threads.js';

/** Reads a whole file as bytes. */
export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/**
 * Writes a state dict to `path` as a .safetensors file (see io.saveSafetensors).
 *
 *   saveFile('model.safetensors', model.stateDict(), { format: 'pt' });
 */
export function saveFile(
  path: string, stateDict: Record<string, Tensor>, metadata?: Record<string, string> | null, options?: SaveSafetensorsOptions,
): void {
  writeFileSync(path, saveSafetensors(stateDict, metadata, options));
}

/**
 * Reads a .safetensors file into a state dict (see io.loadSafetensors); errors name the path.
 *
 *   model.loadStateDict(loadFile('model.safetensors'));
 */
export function loadFile(path: string): Record<string, Tensor> {
  const buf = readFileSync(path);
  try {
    return loadSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (e) {
    throw new Error(`loadFile: ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The files of a Hugging Face checkpoint directory that readPretrained reads, when present. */
const PRETRAINED_TEXT_FILES = ['config.json', 'vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

/**
 * Reads a checkpoint directory in Hugging Face's layout (what save_pretrained writes, or a
 * downloaded model repository) into a record of files: config.json and model.safetensors
 * (required), and vocab.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json when
 * present. Other files (pytorch_model.bin, …) are not read.
 *
 *   const model = nlp.BertForSequenceClassification.fromPretrained(readPretrained('bert-base-uncased'), { numLabels: 2 });
 */
export function readPretrained(dir: string): PretrainedFiles {
  for (const name of ['config.json', 'model.safetensors']) {
    if (!existsSync(join(dir, name))) throw new Error(`readPretrained: ${dir} has no ${name} (a Hugging Face checkpoint directory holds config.json and model.safetensors)`);
  }
  const files: PretrainedFiles = { 'config.json': '', 'model.safetensors': readBytes(join(dir, 'model.safetensors')) };
  for (const name of PRETRAINED_TEXT_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) files[name] = readFileSync(path, 'utf8');
  }
  return files;
}

/**
 * Writes a record of files (e.g. `model.savePretrained(tokenizer)`) into `dir`, creating it and
 * its parents as needed; each entry becomes one file (text as UTF-8, bytes as they are).
 *
 *   writePretrained('out/my-bert', model.savePretrained(tokenizer));
 */
export function writePretrained(dir: string, files: PretrainedFiles): void {
  if (files === null || typeof files !== 'object') throw new Error(`writePretrained: expected a record of files, got ${files === null ? 'null' : typeof files}`);
  const entries = Object.entries(files).filter((e): e is [string, string | Uint8Array] => e[1] !== undefined);
  for (const [name, content] of entries) { // every entry is checked before anything is written
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw new Error(`writePretrained: '${name}' must be text or a Uint8Array, got ${typeof content}`);
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new Error(`writePretrained: '${name}' is not a plain file name`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of entries) {
    writeFileSync(join(dir, name), content);
  }
}

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<Viz> | null = null;

/**
 * Renders Graphviz DOT text (e.g. from toDot) to SVG text with Graphviz's `dot` layout, using
 * @viz-js/viz (Graphviz in WebAssembly; loaded on the first call, then reused).
 *
 *   writeFileSync('graph.svg', await renderSvg(toDot(loss, { params: model.namedParameters() })));
 */
export async function renderSvg(dot: string): Promise<string> {
  if (typeof dot !== 'string') throw new Error(`renderSvg: expected DOT text (a string), got ${dot === null ? 'null' : typeof dot}`);
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    const why = result.errors.map((e) => e.message.trim()).join('; ');
    throw new Error(`renderSvg: Graphviz could not render the DOT text: ${why || 'unknown error'}`);
  }
  return result.output;
}
