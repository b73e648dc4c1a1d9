// loop.ts — a training loop that keeps the page responsive: it runs optimizer steps for a slice
// of ~25 ms, then yields to the browser (a MessageChannel message, which, unlike setTimeout, is
// not clamped to 4 ms) so the page can paint and handle clicks, and calls `render` once per
// slice. start / pause / reset drive it; `step` is the page's own training step.

export interface LoopHooks {
  /** One optimizer step; returns the loss. */
  step(): number;
  /** Redraws the page (boundary, heatmaps, loss curve) after a slice of steps. */
  render(): void;
  /** Called with the error if a step throws; the loop stops. */
  fail(e: unknown): void;
}

const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/** Resolves after the browser has had a turn of its event loop. */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

export class TrainingLoop {
  running = false;
  steps = 0;
  readonly losses: number[] = [];
  /** Stop by itself after this many steps (Infinity: run until paused); `?steps=` in the URL. */
  maxSteps = Infinity;
  private generation = 0;

  constructor(private readonly hooks: LoopHooks, private readonly sliceMs = 25) {
    const steps = Number(new URLSearchParams(location.search).get('steps'));
    if (Number.isInteger(steps) && steps > 0) this.maxSteps = steps;
  }

  start(): void {
    if (this.running || this.steps >= this.maxSteps) return;
    this.running = true;
    void this.run(++this.generation);
  }

  pause(): void {
    this.running = false;
    this.generation++;
  }

  /** Forgets the loss curve; the page rebuilds its model. */
  reset(): void {
    this.pause();
    this.steps = 0;
    this.losses.length = 0;
  }

  private async run(generation: number): Promise<void> {
    while (this.running && generation === this.generation) {
      const until = performance.now() + this.sliceMs;
      try {
        do {
          this.losses.push(this.hooks.step());
          this.steps++;
        } while (performance.now() < until && this.steps < this.maxSteps);
        if (this.steps >= this.maxSteps) this.pause();
        this.hooks.render();
      } catch (e) {
        this.pause();
        this.hooks.fail(e);
        return;
      }
      await yieldToBrowser();
    }
  }
}
