// main.ts — the Classify page: reads the controls into a ClassifyConfig, builds the model on the
// chosen backend, trains it in a TrainingLoop and draws the decision boundary (the model's
// probability on a 50 × 50 grid, upscaled with smoothing) with the training points on top, and
// the loss curve. Any change of a control rebuilds the model from the same seed.

import { describeBackend } from '../shared/backend.js';
import { drawLossCurve } from '../shared/chart.js';
import { byId, exposeState, setStatus } from '../shared/page.js';
import { startTrainingPage } from '../shared/trainer.js';
import { ClassifyModel, DEFAULT_CONFIG, gridPoints, parseHidden, type ActivationName, type ClassifyConfig } from './model.js';
import type { DatasetName } from './datasets.js';

const GRID = 50;
const EXTENT = 1.25;
const grid = gridPoints(GRID, EXTENT);
const state = exposeState({ accuracy: 0, config: DEFAULT_CONFIG });

const input = (id: string) => byId<HTMLInputElement>(id);
const dataset = new URLSearchParams(location.search).get('dataset');
if (dataset) input('dataset').value = dataset;

function readConfig(): ClassifyConfig {
  return {
    ...DEFAULT_CONFIG,
    dataset: input('dataset').value as DatasetName,
    noise: Number(input('noise').value),
    hidden: parseHidden(input('hidden').value),
    activation: input('activation').value as ActivationName,
    lr: Number(input('lr').value),
    batchSize: Number(input('batch').value),
  };
}

/** Blue (label 0) to white to orange (label 1), as r, g, b. */
function colour(p: number): [number, number, number] {
  const [blue, orange] = [[42, 111, 219], [232, 126, 32]];
  const c = p < 0.5 ? blue : orange;
  const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.75;
  return [0, 1, 2].map((k) => Math.round(255 + (c[k] - 255) * t)) as [number, number, number];
}

const small = Object.assign(document.createElement('canvas'), { width: GRID, height: GRID });

function drawBoundary(m: ClassifyModel): void {
  const canvas = byId<HTMLCanvasElement>('boundary');
  const ctx = canvas.getContext('2d')!;
  const probs = m.predict(grid);
  const img = new ImageData(GRID, GRID);
  probs.forEach((p, i) => img.data.set([...colour(p), 255], 4 * i));
  small.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const toPx = (v: number, size: number) => ((v + EXTENT) / (2 * EXTENT)) * size;
  const { x, y, n } = m.data;
  for (let i = 0; i < n; i++) {
    ctx.beginPath();
    ctx.arc(toPx(x[2 * i], canvas.width), canvas.height - toPx(x[2 * i + 1], canvas.height), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = y[i] === 1 ? 'rgb(232, 126, 32)' : 'rgb(42, 111, 219)';
    ctx.fill();
    ctx.strokeStyle = 'white';
    ctx.stroke();
  }
}

startTrainingPage({
  state,
  controls: ['dataset', 'noise', 'hidden', 'activation', 'lr', 'batch'],
  readConfig,
  build: (config) => new ClassifyModel(config),
  draw(model, loop) {
    drawBoundary(model);
    drawLossCurve(byId<HTMLCanvasElement>('loss'), loop.losses);
    state.accuracy = model.accuracy();
    setStatus(`${describeBackend()} · step ${loop.steps} · training accuracy ${(100 * state.accuracy).toFixed(1)}%`);
  },
});
