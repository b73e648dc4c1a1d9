// progress.ts — a one-line terminal progress bar for long-running examples: bar, count,
// rate, elapsed time and any live fields (loss, accuracy). Redraws in place on a TTY and
// prints a plain line every ~10% otherwise (CI logs stay readable).

import type { nlp } from '../../src/index.js';

export class ProgressBar {
  private readonly start = Date.now();
  private lastPrinted = -1;
  constructor(private readonly label: string, private readonly total: number, private readonly unit = 'it') {}

  update(done: number, fields: Record<string, string | number> = {}): void {
    const frac = this.total ? done / this.total : 1;
    const secs = (Date.now() - this.start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const bar = '█'.repeat(Math.round(frac * 24)).padEnd(24, '·');
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(4) : v}`).join('  ');
    const line = `${this.label} ${bar} ${done}/${this.total} ${rate.toFixed(1)} ${this.unit}/s ${secs.toFixed(1)}s  ${extra}`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${line}\x1b[K`);
      if (done >= this.total) process.stdout.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== this.lastPrinted || done >= this.total) {
        this.lastPrinted = decile;
        console.log(line);
      }
    }
  }

  /** Draws the bar complete (the last progress report may come before the very end). */
  finish(fields: Record<string, string | number> = {}): void {
    this.update(this.total, fields);
  }

  get seconds(): number {
    return (Date.now() - this.start) / 1000;
  }
}

/** Word2Vec's trainSync with a bar over all epochs' words (the total is known at the first report). */
export function trainWord2VecWithProgress(w2v: nlp.Word2Vec, sentences: string[][], label: string): void {
  let bar: ProgressBar | null = null;
  w2v.trainSync(sentences, {
    onProgress: (p) => {
      bar ??= new ProgressBar(label, p.totalWords, 'words');
      bar.update(p.wordsProcessed, { epoch: `${p.epoch + 1}/${w2v.epochs}`, alpha: p.alpha });
    },
  });
  (bar as ProgressBar | null)?.finish();
}
