// mlm.ts — masked-language-model inputs for BERT pretraining: pick ~15% of the ordinary tokens
// as targets and corrupt them 80/10/10 ([MASK] / a random token / unchanged), drawing from the
// global generator (manualSeed) in order of the flattened positions. Shapes: B batch, T length.
// References: Devlin et al. 2019 §3.1 "Task #1: Masked LM"; Hugging Face transformers'
// DataCollatorForLanguageModeling.torch_mask_tokens.

import { checkKeys, checkPositiveInt, checkProbability } from '../check.js';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { fmt } from '../tensor/shape.js';
import { random, randomInt } from '../tensor/random.js';

export interface MaskTokensOptions {
  /** number of token ids; random replacements are drawn uniformly from [0, vocabSize) */
  vocabSize: number;
  /** id of the [MASK] token */
  maskTokenId: number;
  /** ids never selected for prediction ([CLS], [SEP], [PAD], …) */
  specialTokenIds: number[];
  /** probability that each ordinary token is selected (default 0.15) */
  maskProb?: number;
}

/** Labels of positions that are not prediction targets (crossEntropy's default ignoreIndex). */
const IGNORE_INDEX = -100;

function checkId(op: string, name: string, id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new Error(`${op}: ${name} ${id} must be an integer in [0, ${vocabSize})`);
}

/**
 * Masks tokens for the masked-language-model objective. Each position whose id is not in
 * `specialTokenIds` is selected independently with probability `maskProb` (a Bernoulli draw per
 * token, so the number selected per sequence varies, as in Hugging Face's collator). Of the
 * selected positions, 80% become `maskTokenId`, 10% a token drawn uniformly from the whole vocab
 * [0, vocabSize) (specials included, as Hugging Face does; BERT's original script draws from the
 * whole vocab too), and 10% keep their token. `labels` holds the original id at selected
 * positions and -100 elsewhere, so crossEntropy's default ignoreIndex skips them.
 *
 * Per position the draws are: u ~ U(0,1) (selected if u < maskProb); if selected, r ~ U(0,1)
 * (r < 0.8: [MASK]; r < 0.9: random token, one more draw; else unchanged).
 *
 * The input is not modified; new tensors are returned on the input's backend.
 *
 * Shape: inputIds int32 (B, T) or (T) -> inputIds, labels int32 of the same shape.
 *
 * @example
 *   manualSeed(0);
 *   const { inputIds, labels } = maskTokens(ids, { vocabSize: 30522, maskTokenId: 103, specialTokenIds: [0, 101, 102] });
 *   // inputIds: ids with ~15% of ordinary positions corrupted; labels: -100 except there
 */
export function maskTokens(inputIds: Tensor, opts: MaskTokensOptions): { inputIds: Tensor; labels: Tensor } {
  const op = 'maskTokens';
  if (!(inputIds instanceof Tensor) || inputIds.dtype !== 'int32') {
    throw new Error(`${op}: inputIds must be an int32 Tensor, got ${inputIds instanceof Tensor ? `${inputIds.dtype} ${fmt(inputIds.shape)}` : typeof inputIds}`);
  }
  if (inputIds.ndim !== 1 && inputIds.ndim !== 2) throw new Error(`${op}: inputIds must be (B, T) or (T), got ${fmt(inputIds.shape)}`);
  checkKeys(op, opts, ['vocabSize', 'maskTokenId', 'specialTokenIds', 'maskProb']);
  const { vocabSize, maskTokenId, specialTokenIds } = opts;
  const maskProb = opts.maskProb ?? 0.15;
  checkPositiveInt(op, 'vocabSize', vocabSize);
  checkId(op, 'maskTokenId', maskTokenId, vocabSize);
  if (!Array.isArray(specialTokenIds)) throw new Error(`${op}: specialTokenIds must be an array of token ids`);
  for (const id of specialTokenIds) checkId(op, 'special token id', id, vocabSize);
  checkProbability(op, 'maskProb', maskProb);

  const ids = inputIds.dataSync(); // a copy: the input stays untouched
  const special = new Set(specialTokenIds);
  const out = new Int32Array(ids.length);
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < vocabSize)) checkId(op, `token id at flat position ${i} of inputIds ${fmt(inputIds.shape)}:`, id, vocabSize);
    out[i] = id;
    if (special.has(id) || !(random() < maskProb)) continue; // not a prediction target
    labels[i] = id;
    const r = random();
    if (r < 0.8) out[i] = maskTokenId; // 80%: [MASK]
    else if (r < 0.9) out[i] = randomInt(0, vocabSize); // 10%: a random token
    // else 10%: unchanged
  }
  return {
    inputIds: tensor(out, { shape: inputIds.shape, dtype: 'int32', like: inputIds }),
    labels: tensor(labels, { shape: inputIds.shape, dtype: 'int32', like: inputIds }),
  };
}
