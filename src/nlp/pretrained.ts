// pretrained.ts — loading and saving BERT checkpoints in Hugging Face's layout, one copy shared by
// BertModel, BertForPreTraining, BertForMaskedLM, BertForSequenceClassification and
// BertForTokenClassification: config.json (BertConfig.toJSON + architectures, torch_dtype,
// transformers_version), model.safetensors keys with or without the `bert.` prefix, the tied
// decoder stored once or twice, old names (LayerNorm.gamma/beta, the position_ids buffer), the
// missing / unexpected key analysis and the loading report.
// Reference: transformers modeling_utils.py (PreTrainedModel.from_pretrained, _load_pretrained_model,
// _fix_key, save_pretrained and _tied_weights_keys), configuration_utils.py (to_json_string).

import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { fmt, sameShape } from '../tensor/shape.js';
import { show } from '../check.js';
import type { Module } from '../layers/module.js';
import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../io/safetensors.js';
import { BertConfig, type BertConfigOptions } from './bert_config.js';
import type { PretrainedFiles, TokenizerFiles } from './pretrained_files.js';

/** The transformers release whose file layout savePretrained writes (config.json's transformers_version). */
export const TRANSFORMERS_VERSION = '4.44.2';

/** What fromPretrained did with the checkpoint's tensors, as transformers' `output_loading_info`. */
export interface LoadingInfo {
  /** the model's keys the checkpoint lacks (a tied pair counted once, by its source key), sorted as HF's */
  missingKeys: string[];
  /** the checkpoint's keys (after the prefix and old-name fixes) that the model has no place for, sorted */
  unexpectedKeys: string[];
  /** the parameters left at HF's fresh init (N(0, initializerRange²) weights, 0 biases): the missing keys */
  newlyInitialized: string[];
}

/**
 * fromPretrained's options: any BertConfig option overrides config.json (as transformers'
 * from_pretrained kwargs: `numLabels`, `problemType`, `id2label`, `hiddenDropoutProb`, and `dtype`
 * for the parameters), plus what to report.
 */
export interface FromPretrainedOptions extends BertConfigOptions {
  /** return `{ model, loadingInfo }` instead of the model */
  outputLoadingInfo?: boolean;
  /** where the one-line warnings go (newly initialized weights; unused weights of a checkpoint of this class); null: nowhere. Default console.warn. */
  warn?: ((message: string) => void) | null;
}

/** The static `fromPretrained(files, options?)` of a model class, typed by `outputLoadingInfo`. */
export interface FromPretrained<M> {
  (files: PretrainedFiles, options: FromPretrainedOptions & { outputLoadingInfo: true }): { model: M; loadingInfo: LoadingInfo };
  (files: PretrainedFiles, options?: FromPretrainedOptions & { outputLoadingInfo?: false }): M;
  (files: PretrainedFiles, options?: FromPretrainedOptions): M | { model: M; loadingInfo: LoadingInfo };
}

/** Anything with savePretrained() -> its files, as WordPieceTokenizer. */
export interface PretrainedTokenizer {
  savePretrained(): TokenizerFiles;
}

type ConfiguredModule = Module & { config: BertConfig };

/** What the shared code needs to know of one model class. */
export interface PretrainedSpec<M extends ConfiguredModule> {
  /** HF's class name: config.json's `architectures`, and the op in messages */
  name: string;
  create: (config: BertConfig) => M;
  /** [alias, source] state-dict keys that name one Parameter (the tied MLM decoder) */
  tied?: readonly (readonly [string, string])[];
  /** config.json always carries id2label / label2id (the classification heads) */
  labels?: boolean;
}

/** HF's base_model_prefix: the encoder's keys in a task model's state dict. */
const PREFIX = 'bert.';

/** The static fromPretrained of the class `spec` describes (see loadPretrained). */
export function pretrainedLoader<M extends ConfiguredModule>(spec: PretrainedSpec<M>): FromPretrained<M> {
  return ((files: PretrainedFiles, options: FromPretrainedOptions = {}) => loadPretrained(spec, files, options)) as FromPretrained<M>;
}

/**
 * A model from a checkpoint's files, as transformers' from_pretrained: the config from
 * config.json with `options` overriding it, HF's init, then every checkpoint tensor that fits
 * (loadCheckpoint); the model is returned in eval mode. Missing weights keep their fresh init
 * and are listed in one warning line, like HF's "Some weights of … are newly initialized".
 */
export function loadPretrained<M extends ConfiguredModule>(
  spec: PretrainedSpec<M>, files: PretrainedFiles, options: FromPretrainedOptions = {},
): M | { model: M; loadingInfo: LoadingInfo } {
  const op = `${spec.name}.fromPretrained`;
  if (files === null || typeof files !== 'object') throw new Error(`${op}: expected a record of files ({'config.json', 'model.safetensors', …}), got ${show(files)}`);
  const { outputLoadingInfo = false, warn = console.warn, ...overrides } = options;
  const text = files['config.json'];
  const bytes = files['model.safetensors'];
  if (typeof text !== 'string') throw new Error(`${op}: files['config.json'] must be the text of config.json, got ${show(text)}`);
  if (!(bytes instanceof Uint8Array)) throw new Error(`${op}: files['model.safetensors'] must be a Uint8Array, got ${show(bytes)}`);
  let json: Record<string, unknown>;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`${op}: config.json is not valid JSON (${(e as Error).message})`); }
  const model = spec.create(BertConfig.fromJSON(json, overrides));
  let state: Record<string, Tensor>, fileDtypes: Record<string, string>;
  try {
    fileDtypes = Object.fromEntries(Object.entries(readSafetensorsHeader(bytes).tensors).map(([k, e]) => [k, e.dtype]));
    state = loadSafetensors(bytes);
  } catch (e) {
    throw new Error(`${op}: model.safetensors: ${(e as Error).message}`, { cause: e });
  }
  const info = loadCheckpoint(op, model, state, { tied: spec.tied, fileDtypes });
  if (warn && info.newlyInitialized.length) {
    warn(`Some weights of ${spec.name} were not initialized from the model checkpoint and are newly initialized: ${list(info.newlyInitialized)}. You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.`);
  }
  // as HF: unused weights are worth a warning only when the checkpoint was saved from this very class
  const architectures = Array.isArray(json.architectures) ? json.architectures : [];
  if (warn && info.unexpectedKeys.length && architectures.includes(spec.name)) {
    warn(`Some weights of the model checkpoint were not used when initializing ${spec.name}: ${list(info.unexpectedKeys)}.`);
  }
  model.eval();
  return outputLoadingInfo ? { model, loadingInfo: info } : model;
}

const list = (keys: string[]): string => `[${keys.map((k) => `'${k}'`).join(', ')}]`;

/** HF's _fix_key: TF-era checkpoints name LayerNorm's weight and bias gamma and beta. */
function fixLegacyName(key: string): string {
  return key.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}

/**
 * Copies a checkpoint's tensors into `model` the way transformers' _load_pretrained_model matches
 * them, and reports what did not match:
 *   1. old names are fixed (LayerNorm.gamma/beta) and `…embeddings.position_ids` (a buffer) dropped;
 *   2. `bert.` is added to every key when the model's encoder sits under it and no checkpoint key
 *      does (a bare BertModel checkpoint into a task model), or removed where present when the
 *      model is a bare BertModel (a task checkpoint into BertModel; the heads are then unexpected);
 *   3. a tied pair ([alias, source]) stored once fills the other key; stored twice, the source wins;
 *   4. a float parameter given an integer tensor, or a shape that differs, throws naming the key.
 * Keys the checkpoint lacks keep the model's fresh init. Nothing is copied if anything throws.
 */
export function loadCheckpoint(
  op: string, model: Module, checkpoint: Record<string, Tensor>,
  opts: { tied?: readonly (readonly [string, string])[]; fileDtypes?: Record<string, string> } = {},
): LoadingInfo {
  const own = model.stateDict();
  const ownKeys = Object.keys(own);
  const keys = Object.keys(checkpoint).filter((k) => !k.endsWith('embeddings.position_ids'));
  let renamed = keys.map(fixLegacyName);
  const modelPrefixed = ownKeys.some((k) => k.startsWith(PREFIX));
  if (modelPrefixed && !renamed.some((k) => k.startsWith(PREFIX))) renamed = renamed.map((k) => PREFIX + k);
  else if (!modelPrefixed) renamed = renamed.map((k) => (k.startsWith(PREFIX) ? k.slice(PREFIX.length) : k));
  const sd = new Map<string, Tensor>();
  const fileKey = new Map<string, string>(); // model key -> the checkpoint's key, for messages
  renamed.forEach((k, i) => { sd.set(k, checkpoint[keys[i]]); fileKey.set(k, keys[i]); });
  for (const [alias, source] of opts.tied ?? []) {
    const s = sd.get(source), a = sd.get(alias);
    if (s) { sd.set(alias, s); fileKey.set(alias, fileKey.get(source)!); } else if (a) { sd.set(source, a); fileKey.set(source, fileKey.get(alias)!); }
  }
  const aliases = new Set((opts.tied ?? []).map(([a]) => a));
  const missingKeys = ownKeys.filter((k) => !sd.has(k) && !aliases.has(k)).sort(); // sorted, as HF's lists
  const unexpectedKeys = [...sd.keys()].filter((k) => !Object.hasOwn(own, k)).sort();
  const found = ownKeys.filter((k) => sd.has(k));
  for (const k of found) {
    const src = sd.get(k)!, target = own[k], from = fileKey.get(k)!;
    const named = from === k ? `'${k}'` : `'${k}' (checkpoint key '${from}')`;
    if (isFloating(target.dtype) && !isFloating(src.dtype)) {
      throw new Error(`${op}: ${named} is ${opts.fileDtypes?.[from] ?? src.dtype} in the checkpoint, but the model's parameter is ${target.dtype} (expected F32, F16, BF16 or F64)`);
    }
    if (!sameShape(src.shape, target.shape)) {
      throw new Error(`${op}: size mismatch for ${named}: the checkpoint has shape ${fmt(src.shape)}, the model has ${fmt(target.shape)}`);
    }
  }
  model.loadStateDict(Object.fromEntries(found.map((k) => [k, sd.get(k)!])), { strict: false });
  return { missingKeys, unexpectedKeys, newlyInitialized: [...missingKeys] };
}

/**
 * The model's files as transformers' save_pretrained writes them, which its from_pretrained loads
 * without a warning:
 *   config.json        BertConfig.toJSON() + architectures [spec.name], torch_dtype 'float32',
 *                      transformers_version; id2label/label2id always for classification heads;
 *                      sorted keys, 2-space indent, a final newline (json.dumps(indent=2, sort_keys=True))
 *   model.safetensors  each Parameter once under its first name (so of a tied pair only the source:
 *                      HF drops cls.predictions.decoder.weight/.bias), as F32, metadata {format: 'pt'}
 * plus `tokenizer.savePretrained()`'s files when a tokenizer is given.
 */
export function savePretrained<M extends ConfiguredModule>(model: M, spec: PretrainedSpec<M>, tokenizer?: PretrainedTokenizer): PretrainedFiles {
  const op = `${spec.name}.savePretrained`;
  const tensors: Record<string, Tensor> = {};
  for (const [k, p] of model.namedParameters()) tensors[k] = p.detach().to('float32');
  for (const [k, b] of model.namedBuffers()) if (!k.endsWith('position_ids')) tensors[k] = b.detach();
  const config: Record<string, unknown> = {
    ...model.config.toJSON(), architectures: [spec.name], torch_dtype: 'float32', transformers_version: TRANSFORMERS_VERSION,
  };
  if (spec.labels) Object.assign(config, { id2label: model.config.id2label, label2id: model.config.label2id });
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const files: PretrainedFiles = {
    'config.json': `${JSON.stringify(sorted, null, 2)}\n`,
    'model.safetensors': saveSafetensors(tensors, { format: 'pt' }),
  };
  if (tokenizer !== undefined) {
    if (typeof tokenizer?.savePretrained !== 'function') throw new Error(`${op}: tokenizer must have savePretrained() (a WordPieceTokenizer), got ${show(tokenizer)}`);
    for (const [name, content] of Object.entries(tokenizer.savePretrained())) {
      if (name in files) throw new Error(`${op}: the tokenizer's files include '${name}', which is the model's`);
      if (content !== undefined) files[name] = content;
    }
  }
  return files;
}
