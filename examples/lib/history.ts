// history.ts — a small recorder of training metrics for the examples' plots: `log(step, {name:
// value})` as training goes, then `series(name)` gives the (step, value) points of one metric
// and `curves(...)` the Series that plot.ts's curvesSpec draws, one facet panel per group.

import type { Series } from './plot.js';

export class History {
  private readonly data = new Map<string, [number, number][]>();

  /** Records each metric's value at `step` (non-finite values are skipped). */
  log(step: number, metrics: Record<string, number>): void {
    for (const [name, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) continue;
      let points = this.data.get(name);
      if (!points) this.data.set(name, (points = []));
      points.push([step, value]);
    }
  }

  /** The (step, value) points of one metric, in the order logged (empty if never logged). */
  series(name: string): [number, number][] {
    return this.data.get(name) ?? [];
  }

  get names(): string[] {
    return [...this.data.keys()];
  }

  /**
   * Series for curvesSpec: `panels` maps a panel title to the metrics drawn in it; metrics named in
   * `dots` (sparse ones such as held-out accuracy every N steps) are drawn as joined points.
   */
  curves(panels: Record<string, string[]>, dots: string[] = []): Series[] {
    return Object.entries(panels).flatMap(([panel, names]) =>
      names.filter((name) => this.data.has(name)).map((name) => ({ name, panel, points: this.series(name), dots: dots.includes(name) })));
  }
}
