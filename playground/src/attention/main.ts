// main.ts — the Attention page: builds the tiny Transformer from the controls on the chosen
// backend, trains it in a TrainingLoop, and draws one heatmap per head for a fixed example (the
// first held-out prompt with its true answer), the loss curve, and a few answers generated
// greedily with their accuracy over 64 held-out prompts (refreshed twice a second: it costs n
// forward passes).

import { describeBackend } from '../shared/backend.js';
import { drawLossCurve } from '../shared/chart.js';
import { byId, exposeState, setStatus } from '../shared/page.js';
import { startTrainingPage } from '../shared/trainer.js';
import { AttentionModel, DEFAULT_ATTENTION, SEP, taskSequence, type AttentionConfig, type TaskName } from './model.js';

const CELL = 24;
const state = exposeState({ accuracy: 0, config: DEFAULT_ATTENTION });
let lastSlowRender = 0;

const input = (id: string) => byId<HTMLInputElement>(id);
const label = (token: number) => (token === SEP ? '>' : String(token));

function readConfig(): AttentionConfig {
  return {
    ...DEFAULT_ATTENTION,
    task: input('task').value as TaskName,
    causal: input('causal').checked,
    heads: Number(input('heads').value),
    lr: Number(input('lr').value),
  };
}

/**
 * One head's (T, T) weights as a grid of cells, query tokens down the left, key tokens on top;
 * cells the causal mask hides are grey.
 */
function drawHeatmap(canvas: HTMLCanvasElement, weights: number[][], tokens: number[], causal: boolean): void {
  const T = tokens.length;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '13px ui-monospace, monospace';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#333';
  tokens.forEach((tok, i) => {
    ctx.fillText(label(tok), CELL * (i + 1.5), CELL / 2);
    ctx.fillText(label(tok), CELL / 2, CELL * (i + 1.5));
  });
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const w = weights[i][j];
      ctx.fillStyle = causal && j > i ? '#e6e6e6' : `rgb(${Math.round(255 - 55 * w)}, ${Math.round(255 - 165 * w)}, ${Math.round(255 - 245 * w)})`;
      ctx.fillRect(CELL * (j + 1), CELL * (i + 1), CELL - 1, CELL - 1);
    }
  }
}

function drawHeads(m: AttentionModel): void {
  const sequence = taskSequence(m.config.task, m.heldOut[0]);
  const tokens = sequence.slice(0, -1);
  const weights = m.attention(sequence); // (nh, T, T)
  const view = byId('heads-view');
  if (view.children.length !== weights.length) {
    view.replaceChildren(...weights.map((_, h) => {
      const box = document.createElement('div');
      const size = CELL * (tokens.length + 1);
      box.innerHTML = `<h2>head ${h + 1}</h2><canvas width="${size}" height="${size}"></canvas>`;
      return box;
    }));
  }
  weights.forEach((w, h) => drawHeatmap(view.children[h].querySelector('canvas')!, w, tokens, m.config.causal));
}

/** Generated answers for the first held-out prompts, wrong digits marked, and the accuracy. */
function drawSamples(m: AttentionModel): void {
  const n = m.config.digits;
  const prompts = m.heldOut.slice(0, 4);
  const got = m.generate(prompts);
  const lines = prompts.map((p, b) => {
    const want = taskSequence(m.config.task, p).slice(n + 1);
    const digits = got[b].map((d, k) => (d === want[k] ? String(d) : `<span class="wrong">${d}</span>`)).join(' ');
    return `${p.join(' ')} &gt; ${digits}`;
  });
  state.accuracy = m.generationAccuracy();
  byId('samples').innerHTML = `${lines.join('<br>')}<br>all right on ${(100 * state.accuracy).toFixed(0)}% of 64 held-out prompts`;
}

startTrainingPage({
  state,
  controls: ['task', 'causal', 'heads', 'lr'],
  readConfig,
  build: (config) => new AttentionModel(config),
  draw(model, loop) {
    drawHeads(model);
    drawLossCurve(byId<HTMLCanvasElement>('loss'), loop.losses);
    if (!loop.running || performance.now() - lastSlowRender > 500) {
      drawSamples(model);
      lastSlowRender = performance.now();
    }
    setStatus(`${describeBackend()} · step ${loop.steps} · causal mask ${model.config.causal ? 'on' : 'off'} · generated answers right: ${(100 * state.accuracy).toFixed(0)}%`);
  },
  sliceMs: 40,
});
