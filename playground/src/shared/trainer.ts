// trainer.ts — the wiring the two training pages share: a TrainingLoop over a model that is
// rebuilt from the page's controls (paused, from the same seed) when the backend, a control or
// Reset changes; the Start and Pause buttons; and the common fields of window.playground. Each
// page supplies only how to read its controls, build its model and draw it.

import { backendFromUrl, bindBackendSelect, describeBackend, useBackend } from './backend.js';
import { TrainingLoop } from './loop.js';
import { byId, message, setStatus, type PlaygroundState } from './page.js';

export interface TrainingPage<C, M extends { step(): number }> {
  state: PlaygroundState & { config: C };
  /** ids of the inputs whose change rebuilds the model */
  controls: string[];
  readConfig(): C;
  build(config: C): M;
  /** Redraws the page from the model; the loop gives the step count and the losses. */
  draw(model: M, loop: TrainingLoop): void;
  /** Milliseconds of training between two redraws (default 25). */
  sliceMs?: number;
}

/** Wires `page` up and builds its first model; returns the loop. */
export function startTrainingPage<C, M extends { step(): number }>(page: TrainingPage<C, M>): TrainingLoop {
  const { state } = page;
  let backend = backendFromUrl();
  let model: M | null = null;

  function render(): void {
    if (!model) return;
    page.draw(model, loop);
    state.step = loop.steps;
    state.running = loop.running;
    state.backend = describeBackend();
  }
  const loop = new TrainingLoop({ step: () => model!.step(), render, fail: (e) => setStatus(`training stopped: ${message(e)}`, true) }, page.sliceMs);
  state.losses = loop.losses;

  async function rebuild(): Promise<void> {
    loop.reset();
    state.ready = false;
    model = null;
    try {
      await useBackend(backend);
      const config = page.readConfig();
      model = page.build(config);
      state.config = config;
      state.error = null;
      render();
      state.ready = true;
    } catch (e) {
      setStatus(message(e), true);
    }
  }

  bindBackendSelect(backend, (b) => { backend = b; void rebuild(); });
  for (const id of page.controls) byId(id).addEventListener('change', () => void rebuild());
  byId('start').addEventListener('click', () => { if (model) { loop.start(); state.running = loop.running; } });
  byId('pause').addEventListener('click', () => { loop.pause(); render(); });
  byId('reset').addEventListener('click', () => void rebuild());
  void rebuild();
  return loop;
}
