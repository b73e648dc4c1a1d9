// plot.ts — the examples' charts as Vega-Lite specs (the grammar of graphics behind Altair), one
// small builder per kind: training curves, a labelled 2-D scatter, per-head attention maps with
// their mask, a confusion matrix; and writeSvg, which compiles a spec with vega-lite and renders
// it with vega's headless View to an SVG file. Builders return plain JSON (no data fetched, no
// files), so a spec can be printed, tested, or pasted into the online Vega editor.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Vega-Lite spec as plain JSON. */
export type Spec = TopLevelSpec;

/** One curve: (x, y) points named `name`, drawn in the facet `panel`; `dots` draws points, not a line. */
export interface Series {
  name: string;
  panel: string;
  points: [number, number][];
  dots?: boolean;
}

/**
 * At most `max` points of a curve: each run of `stride` = ⌈n / max⌉ consecutive points becomes
 * its mean (x and y), which smooths a noisy per-step loss instead of aliasing it — a 10,000-step
 * curve needs no 10,000 SVG vertices.
 */
export function thin(points: [number, number][], max = 400): [number, number][] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += stride) {
    const run = points.slice(i, i + stride);
    out.push([run.reduce((s, p) => s + p[0], 0) / run.length, run.reduce((s, p) => s + p[1], 0) / run.length]);
  }
  return out;
}

/**
 * Training curves: one row of the facet per panel (e.g. "loss", "accuracy", "learning rate"),
 * each with its own y scale (and its own x scale with `independentX`, for panels counting
 * different steps), a colour per series; line series are thinned to ≤ 400 points
 * (run means, see thin).
 */
export function curvesSpec(series: Series[], o: { title: string; x?: string; width?: number; height?: number; independentX?: boolean }): Spec {
  if (series.length === 0) throw new Error('curvesSpec: no series to plot');
  const values = series.flatMap((s) => (s.dots ? s.points : thin(s.points)).map(([x, y]) => ({ x, y, series: s.name, panel: s.panel, dots: !!s.dots })));
  const panels = [...new Set(series.map((s) => s.panel))];
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: o.x ?? 'step' },
    y: { field: 'y', type: 'quantitative', title: null, scale: { zero: false } },
    color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name), legend: { labelLimit: 320 } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: o.width ?? 520,
      height: o.height ?? 140,
      layer: [
        { transform: [{ filter: '!datum.dots' }], mark: { type: 'line', strokeWidth: 1.5 }, encoding },
        { transform: [{ filter: 'datum.dots' }], mark: { type: 'line', point: { filled: true, size: 30 }, strokeDash: [4, 2] }, encoding },
      ],
    },
    resolve: { scale: o.independentX ? { x: 'independent', y: 'independent' } : { y: 'independent' }, ...(o.independentX ? { axis: { x: 'independent' } } : {}) },
  } as Spec;
}

/** Labelled 2-D scatter (e.g. a PCA projection of word vectors): a point and its text per row. */
export function scatterSpec(points: { x: number; y: number; label: string; group?: string }[], o: { title: string; x: string; y: string; size?: number }): Spec {
  if (points.length === 0) throw new Error('scatterSpec: no points to plot');
  const values = points.map((p) => ({ ...p, group: p.group ?? '' }));
  const grouped = values.some((p) => p.group !== '');
  const color = grouped ? { field: 'group', type: 'nominal', title: null, legend: { labelLimit: 320 } } : { value: '#4c78a8' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: o.size ?? 560,
    height: o.size ?? 560,
    data: { values },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.x, scale: { zero: false, nice: true } },
      y: { field: 'y', type: 'quantitative', title: o.y, scale: { zero: false, nice: true } },
      color,
    },
    layer: [
      { mark: { type: 'point', filled: true, size: 36 } },
      { mark: { type: 'text', align: 'left', dx: 5, dy: -4, fontSize: 11 }, encoding: { text: { field: 'label' } } },
    ],
  } as Spec;
}

/** Token labels made unique (a repeated token gets trailing zero-width spaces), so an ordinal axis keeps every position. */
export function uniqueLabels(tokens: string[]): string[] {
  const seen = new Map<string, number>();
  return tokens.map((t) => {
    const n = seen.get(t) ?? 0;
    seen.set(t, n + 1);
    return t + '\u200b'.repeat(n);
  });
}

/**
 * Attention maps, one facet per head: weights[h][i][j] is how much query position i attends to
 * key position j in head h; masked[i][j] marks the cells the mask forbids (padding keys, the
 * causal upper triangle), drawn as grey cells with an "×" rather than as weight 0. The colour
 * scale runs from 0 to the largest weight. Marks carry no ARIA labels (thousands of cells).
 *
 * Shape: weights (nh, L, S), masked (L, S), queries L labels, keys S labels.
 */
export function attentionSpec(weights: number[][][], masked: boolean[][], o: { title: string; queries: string[]; keys: string[]; cell?: number; columns?: number; headName?: (h: number) => string }): Spec {
  const nh = weights.length, L = o.queries.length, S = o.keys.length;
  if (weights.some((w) => w.length !== L || w.some((row) => row.length !== S)) || masked.length !== L || masked.some((row) => row.length !== S)) {
    throw new Error(`attentionSpec: weights must be (heads, ${L}, ${S}) and the mask (${L}, ${S}) for ${L} query and ${S} key labels`);
  }
  const q = uniqueLabels(o.queries), k = uniqueLabels(o.keys);
  const headName = o.headName ?? ((h: number) => `head ${h}`);
  const values = weights.flatMap((w, h) => w.flatMap((row, i) => row.map((a, j) => ({ head: headName(h), query: q[i], key: k[j], weight: a, masked: masked[i][j] }))));
  const cell = o.cell ?? 14;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    data: { values },
    facet: { field: 'head', type: 'nominal', title: null, sort: weights.map((_, h) => headName(h)) },
    columns: o.columns ?? Math.min(nh, 4),
    spec: {
      width: cell * S,
      height: cell * L,
      encoding: {
        x: { field: 'key', type: 'ordinal', sort: k, title: 'key', axis: { labelAngle: -90, labelFontSize: 9 } },
        y: { field: 'query', type: 'ordinal', sort: q, title: 'query', axis: { labelFontSize: 9 } },
      },
      layer: [
        {
          transform: [{ filter: '!datum.masked' }],
          mark: { type: 'rect' },
          encoding: { color: { field: 'weight', type: 'quantitative', scale: { scheme: 'blues', domainMin: 0 }, title: 'attention' } },
        },
        { transform: [{ filter: 'datum.masked' }], mark: { type: 'rect', color: '#d9d9d9' } },
        { transform: [{ filter: 'datum.masked' }], mark: { type: 'text', text: '×', color: '#8c8c8c', fontSize: Math.max(7, cell - 4) } },
      ],
    },
    config: { aria: false },
  } as Spec;
}

/** Confusion matrix: rows = true class, columns = predicted (as metrics.confusionMatrix), counts in the cells. */
export function confusionSpec(matrix: ArrayLike<number>[], o: { title: string; labels: string[]; cell?: number }): Spec {
  const k = o.labels.length;
  if (matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new Error(`confusionSpec: the matrix must be ${k} × ${k} for ${k} labels, got ${matrix.length} rows of [${Array.from(matrix, (r) => r.length).join(', ')}]`);
  }
  const values = Array.from(matrix, (row, i) => Array.from(row, (count, j) => ({ true: o.labels[i], predicted: o.labels[j], count }))).flat();
  const max = Math.max(...values.map((v) => v.count));
  const cell = o.cell ?? Math.max(40, Math.min(90, 480 / k));
  const axis = (title: string) => ({ field: title === 'true class' ? 'true' : 'predicted', type: 'ordinal', sort: o.labels, title });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: cell * k,
    height: cell * k,
    data: { values },
    encoding: { y: axis('true class'), x: { ...axis('predicted class'), axis: { orient: 'top', labelAngle: 0 } } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, Math.max(1, max)] }, legend: null } } },
      {
        mark: { type: 'text', fontSize: cell > 50 ? 14 : 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as Spec;
}

/** Several specs side by side under one title (each keeps its own data, scales and title). */
export function concatSpecs(specs: Spec[], o: { title: string; columns?: number }): Spec {
  if (specs.length === 0) throw new Error('concatSpecs: no specs to place');
  const parts = specs.map((sp) => {
    const { $schema: _, ...rest } = sp as unknown as Record<string, unknown>;
    return rest;
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    concat: parts,
    columns: o.columns ?? specs.length,
    resolve: { scale: { color: 'independent' } },
  } as unknown as Spec;
}

/** Compiles a Vega-Lite spec and renders it headless to SVG text. */
export async function toSvg(spec: Spec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Renders `spec` to an SVG file at `path`, creating its directory. */
export async function writeSvg(path: string, spec: Spec): Promise<void> {
  const svg = await toSvg(spec);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
}
