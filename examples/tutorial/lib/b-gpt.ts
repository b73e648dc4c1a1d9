// b-gpt.ts — the tutorial's small GPT (chapter 5), nanoGPT's model.py in tensorloom: token and
// position embeddings, Blocks of pre-LayerNorm causal self-attention (lib/b-attention.ts) and an
// MLP, each added back to the residual stream, a final LayerNorm and a linear head to V logits.
// Reference: Radford et al. 2019 (GPT-2); karpathy/nanoGPT model.py.
// Shape letters: B batch, T time, C channels (nEmbd), V vocabulary.

import { arange, multinomial, nn, noGrad, tensor, type Tensor } from '../../../src/index.js';
import { CausalSelfAttention } from './b-attention.js';

export interface GPTConfig {
  /** V, the number of distinct tokens */
  vocabSize: number;
  /** the longest context the model sees (T ≤ blockSize) */
  blockSize: number;
  nLayer: number;
  nHead: number;
  /** C, the width of the residual stream */
  nEmbd: number;
}

/** Position-wise feed-forward: C -> 4C -> GELU -> C. */
export class MLP extends nn.Module {
  cFc: nn.Linear;
  gelu = new nn.GELU();
  cProj: nn.Linear;
  constructor(C: number) {
    super();
    this.cFc = this.registerModule('c_fc', new nn.Linear(C, 4 * C));
    this.cProj = this.registerModule('c_proj', new nn.Linear(4 * C, C));
  }
  forward(x: Tensor): Tensor {
    return this.cProj.forward(this.gelu.forward(this.cFc.forward(x))); // (B, T, C) -> (B, T, 4C) -> (B, T, C)
  }
}

/** Communication (attention across time) then computation (the MLP at each position), both residual. */
export class Block extends nn.Module {
  ln1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln2: nn.LayerNorm;
  mlp: MLP;
  constructor(C: number, nh: number) {
    super();
    this.ln1 = this.registerModule('ln_1', new nn.LayerNorm(C));
    this.attn = this.registerModule('attn', new CausalSelfAttention(C, nh));
    this.ln2 = this.registerModule('ln_2', new nn.LayerNorm(C));
    this.mlp = this.registerModule('mlp', new MLP(C));
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln1.forward(x))); // (B, T, C)
    return x.add(this.mlp.forward(this.ln2.forward(x))); // (B, T, C)
  }
}

export class GPT extends nn.Module {
  wte: nn.Embedding;
  wpe: nn.Embedding;
  h: nn.ModuleList<Block>;
  lnF: nn.LayerNorm;
  lmHead: nn.Linear;
  constructor(readonly config: GPTConfig) {
    super();
    const { vocabSize: V, blockSize, nLayer, nHead, nEmbd: C } = config;
    this.wte = this.registerModule('wte', new nn.Embedding(V, C));
    this.wpe = this.registerModule('wpe', new nn.Embedding(blockSize, C));
    this.h = this.registerModule('h', new nn.ModuleList(Array.from({ length: nLayer }, () => new Block(C, nHead))));
    this.lnF = this.registerModule('ln_f', new nn.LayerNorm(C));
    this.lmHead = this.registerModule('lm_head', new nn.Linear(C, V, { bias: false }));
  }
  /** nanoGPT's init (not applied by the constructor, which keeps PyTorch's layer defaults): weights ~ N(0, 0.02²), biases 0. */
  initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        nn.init.normal(m.weight, 0, 0.02);
        if (m.bias) nn.init.zeros(m.bias);
      } else if (m instanceof nn.Embedding) {
        nn.init.normal(m.weight, 0, 0.02);
      }
    }
  }
  /** idx (B, T) int32 token ids -> logits (B, T, V): position t's guess at token t + 1. */
  forward(idx: Tensor): Tensor {
    let x = this.embed(idx); // (B, T, C)
    for (const block of this.h) x = block.forward(x); // (B, T, C)
    return this.lmHead.forward(this.lnF.forward(x)); // (B, T, V)
  }
  /** What the first block reads: token embedding + position embedding, idx (B, T) -> (B, T, C). */
  embed(idx: Tensor): Tensor {
    const T = idx.shape[1];
    if (T > this.config.blockSize) throw new Error(`GPT.forward: sequence length ${T} exceeds blockSize ${this.config.blockSize}`);
    const tok = this.wte.forward(idx); // (B, T, C)
    const pos = this.wpe.forward(arange(0, T, { dtype: 'int32' })); // (T, C), broadcast over B
    return tok.add(pos); // (B, T, C)
  }
  /** Appends `n` tokens to `context`, each drawn from softmax(logits / temperature) at the last position. */
  generate(context: number[], n: number, temperature = 1): number[] {
    const out = [...context];
    noGrad(() => {
      for (let i = 0; i < n; i++) {
        const window = out.slice(-this.config.blockSize);
        const logits = this.forward(tensor(Int32Array.from(window), { shape: [1, window.length] })); // (1, t, V)
        const last = logits.select(1, window.length - 1).squeeze(0); // (V)
        out.push(multinomial(last.div(temperature).softmax(-1), 1).item());
      }
    });
    return out;
  }
}
