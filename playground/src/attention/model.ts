// model.ts — the Attention page's task and model, DOM-free (test/playground/attention.test.ts runs
// it). Task: sort or reverse n digits as one sequence `d0 … d(n-1) > a0 … a(n-1)`, next-token
// prediction with the loss on the answer a only. Model: token + position embeddings, one pre-norm
// block (multi-head attention, ReLU MLP, residuals), final LayerNorm, linear head.
// Shape letters: B batch, T sequence length (2n), C model width, nh heads, V vocabulary (11).

import { arange, manualSeed, nn, noGrad, optim, randint, tensor, type Tensor } from '../../../src/index.js';

export const SEP = 10;
export const VOCAB = 11;
export const IGNORE = -100;

export interface AttentionConfig {
  task: TaskName;
  /** digits to reverse (the sequence holds 2n tokens) */
  digits: number;
  dModel: number;
  heads: number;
  /** each position attends only to itself and earlier ones */
  causal: boolean;
  lr: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_ATTENTION: AttentionConfig = { task: 'sort', digits: 5, dModel: 32, heads: 2, causal: true, lr: 0.01, batchSize: 32, seed: 0 };

export interface Batch {
  /** (B, 2n) tokens: the prompt, the separator, the answer but its last digit */
  inputs: Int32Array;
  /** (B, 2n) the next token at each position, IGNORE where it is a prompt digit or the separator */
  targets: Int32Array;
  /** the full sequences (B, 2n + 1) */
  sequences: number[][];
}

export type TaskName = 'reverse' | 'sort';
export const TASKS: TaskName[] = ['reverse', 'sort'];

/** The sequence `digits > answer`: the digits reversed, or sorted in ascending order. */
export function taskSequence(task: TaskName, digits: number[]): number[] {
  if (!TASKS.includes(task)) throw new Error(`task: unknown task '${String(task)}' (choose ${TASKS.join(', ')})`);
  const answer = task === 'reverse' ? [...digits].reverse() : [...digits].sort((a, b) => a - b);
  return [...digits, SEP, ...answer];
}

/** Inputs and next-token targets for these sequences of 2n + 1 tokens each. */
export function batchOf(sequences: number[][]): Batch {
  const T = sequences[0].length - 1;
  const n = (T) / 2;
  const inputs = new Int32Array(sequences.length * T);
  const targets = new Int32Array(sequences.length * T);
  sequences.forEach((s, b) => {
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = s[t];
      targets[b * T + t] = t >= n ? s[t + 1] : IGNORE; // position n (the separator) predicts r0
    }
  });
  return { inputs, targets, sequences };
}

/** B random prompts of n digits each, drawn from tensorloom's generator. */
export function randomPrompts(B: number, n: number): number[][] {
  const d = randint(0, 10, [B, n], { dtype: 'int32' }).dataSync();
  return Array.from({ length: B }, (_, b) => Array.from(d.subarray(b * n, (b + 1) * n)));
}

export class TinyTransformer extends nn.Module {
  readonly tok: nn.Embedding;
  readonly pos: nn.Embedding;
  readonly ln1: nn.LayerNorm;
  readonly attn: nn.MultiheadAttention;
  readonly ln2: nn.LayerNorm;
  readonly mlp: nn.Sequential;
  readonly lnF: nn.LayerNorm;
  readonly head: nn.Linear;

  constructor(readonly maxLen: number, dModel: number, heads: number, public causal: boolean) {
    super();
    this.tok = this.registerModule('tok', new nn.Embedding(VOCAB, dModel));
    this.pos = this.registerModule('pos', new nn.Embedding(maxLen, dModel));
    this.ln1 = this.registerModule('ln1', new nn.LayerNorm([dModel]));
    this.attn = this.registerModule('attn', new nn.MultiheadAttention(dModel, heads, { batchFirst: true }));
    this.ln2 = this.registerModule('ln2', new nn.LayerNorm([dModel]));
    this.mlp = this.registerModule('mlp', new nn.Sequential(new nn.Linear(dModel, 4 * dModel), new nn.ReLU(), new nn.Linear(4 * dModel, dModel)));
    this.lnF = this.registerModule('ln_f', new nn.LayerNorm([dModel]));
    this.head = this.registerModule('head', new nn.Linear(dModel, VOCAB));
  }

  /** ids (B, T) int32 -> logits (B, T, V) and the attention weights per head (B, nh, T, T). */
  forward(ids: Tensor): { logits: Tensor; weights: Tensor } {
    const T = ids.shape[1];
    if (T > this.maxLen) throw new Error(`TinyTransformer: sequence of ${T} tokens, the model has positions for ${this.maxLen}`);
    let x = this.tok.forward(ids).add(this.pos.forward(arange(0, T, 1, { dtype: 'int32' }))); // (B, T, C)
    const h = this.ln1.forward(x);
    const [a, weights] = this.attn.forward(h, h, h, { isCausal: this.causal, needWeights: true, averageAttnWeights: false });
    x = x.add(a);
    x = x.add(this.mlp.forward(this.ln2.forward(x)));
    return { logits: this.head.forward(this.lnF.forward(x)), weights: weights! };
  }
}

export class AttentionModel {
  readonly model: TinyTransformer;
  /** 64 prompts drawn apart from the training stream (seed + 1), for generation accuracy */
  readonly heldOut: number[][];
  private readonly opt: optim.Adam;

  constructor(readonly config: AttentionConfig) {
    if (!Number.isInteger(config.digits) || config.digits < 2 || config.digits > 8) throw new Error(`digits must be an integer from 2 to 8, got ${config.digits}`);
    if (!(config.lr > 0)) throw new Error(`learning rate must be > 0, got ${config.lr}`);
    manualSeed(config.seed + 1);
    this.heldOut = randomPrompts(64, config.digits);
    manualSeed(config.seed);
    this.model = new TinyTransformer(2 * config.digits, config.dModel, config.heads, config.causal);
    this.opt = new optim.Adam(this.model.parameters(), { lr: config.lr });
  }

  /** One Adam step on a fresh random batch; returns the mean cross-entropy over answer tokens. */
  step(): number {
    const { batchSize: B, digits: n } = this.config;
    const batch = batchOf(randomPrompts(B, n).map((p) => taskSequence(this.config.task, p)));
    const T = 2 * n;
    this.opt.zeroGrad();
    const { logits } = this.model.forward(tensor(batch.inputs, { dtype: 'int32', shape: [B, T] }));
    const loss = nn.functional.crossEntropy(logits.reshape(B * T, VOCAB), tensor(batch.targets, { dtype: 'int32' })); // (B·T, V) vs (B·T)
    loss.backward();
    this.opt.step();
    return loss.item();
  }

  /** Attention weights (nh, T, T) for one sequence's inputs, head by head as nested arrays. */
  attention(sequence: number[]): number[][][] {
    return noGrad(() => {
      const ids = tensor([sequence.slice(0, -1)], { dtype: 'int32' });
      return this.model.forward(ids).weights.squeeze(0).toArray() as number[][][];
    });
  }

  /**
   * Greedy generation: the prompt and separator, then one answer digit at a time, each predicted
   * from the tokens generated so far (no peeking at the true answer). Returns (B, n) digits.
   */
  generate(prompts: number[][]): number[][] {
    const n = this.config.digits;
    return noGrad(() => {
      const seqs = prompts.map((p) => [...p, SEP]);
      for (let k = 0; k < n; k++) {
        const T = seqs[0].length;
        const { logits } = this.model.forward(tensor(seqs, { dtype: 'int32' })); // (B, T, V)
        const next = logits.narrow(1, T - 1, 1).argmax(-1).dataSync(); // (B, 1)
        seqs.forEach((s, b) => s.push(next[b]));
      }
      return seqs.map((s) => s.slice(n + 1));
    });
  }

  /** Fraction of held-out prompts whose whole generated answer is right. */
  generationAccuracy(): number {
    const got = this.generate(this.heldOut);
    const right = got.filter((g, b) => g.join() === taskSequence(this.config.task, this.heldOut[b]).slice(this.config.digits + 1).join());
    return right.length / got.length;
  }
}
