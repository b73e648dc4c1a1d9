// report.ts — turning measurements into the printed table and the JSON file: per-case results,
// speed ratios against the baseline column and the other reference columns (tfjs-wasm, tensorloom
// cpu; --ratio-to), cross-library result checks, targets (the cases' own and bench/targets.ts's)
// and machine info.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { TL_CPU } from './columns.js';
import type { Timing } from './harness.js';
import type { Target } from './targets.js';
import type { BenchCase } from './types.js';

export interface CellResult {
  status: 'ok' | 'n/a' | 'error';
  /** Why the cell is n/a or failed. */
  note?: string;
  timing?: Timing;
  /** Median ms per call. */
  ms?: number;
  /** GFLOP/s or GB/s from the median time. */
  rate?: number;
  check?: number[];
  /** Library objects (tfjs tensors) still alive after the case was disposed. */
  leaked?: number;
  /** Milliseconds this case spent compiling kernels (gpujs columns; not part of `ms`). */
  compileMs?: number;
}

/** One of bench/targets.ts's targets, measured. */
export interface TargetResult {
  case: string;
  label: string;
  library: string;
  measure: Target['measure'];
  bound: number;
  reference?: string;
  /** the judged column's figure: a ratio (speedup, timeRatio) or a rate in `unit`; null if not measured */
  value: number | null;
  unit: string;
  /** null: not measured (see note) */
  met: boolean | null;
  note?: string;
  /** the same figure for the columns shown beside it */
  also: Record<string, number | null>;
}

export interface CaseResult {
  name: string;
  description: string;
  unit: string | null;
  /** GFLOP or GB per call. */
  amount: number | null;
  cells: Record<string, CellResult>;
  /** Speed of each column relative to the baseline column (baseline ms / column ms). */
  ratios: Record<string, number | null>;
  /** The same against each reference column (--ratio-to): speedups[ref][column] = ref ms / column ms. */
  speedups: Record<string, Record<string, number | null>>;
  /** Which column the check numbers were compared against (the baseline, else the first with a check). */
  checkRef: string | null;
  /** Largest difference of each column's check numbers from checkRef's, relative to their scale. */
  checkDiff: Record<string, number | null>;
  checkOk: boolean;
  target?: { label: string; minRatio: number; library: string; ratio: number | null; met: boolean };
  /** bench/targets.ts's targets for this case */
  targets: TargetResult[];
}

/** max_i |a_i - b_i| / max_i |b_i|: relative to the scale of the reference values. */
export function relDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  const scale = Math.max(1e-12, ...b.map(Math.abs));
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]) / scale));
}

const speedup = (ref?: CellResult, cell?: CellResult): number | null => (cell?.ms && ref?.ms ? ref.ms / cell.ms : null);

/** The first line of a cell's note, for a one-line reason. */
const reason = (cell: CellResult | undefined): string =>
  !cell ? 'not run' : `${cell.status}${cell.note ? ` (${cell.note.split('\n')[0].slice(0, 120)})` : ''}`;

function measureTarget(t: Target, cells: Record<string, CellResult>, unit: string | null): TargetResult {
  const figure = (lib: string): number | null => {
    const cell = cells[lib], ref = t.reference ? cells[t.reference] : undefined;
    if (t.measure === 'rate') return cell?.status === 'ok' && cell.rate !== undefined ? cell.rate : null;
    const s = speedup(ref, cell);
    return s === null ? null : t.measure === 'speedup' ? s : 1 / s;
  };
  const value = figure(t.library);
  const missing = [t.library, ...(t.measure === 'rate' ? [] : [t.reference!])].filter((l) => cells[l]?.status !== 'ok');
  return {
    case: t.case,
    label: t.label,
    library: t.library,
    measure: t.measure,
    bound: t.bound,
    ...(t.reference ? { reference: t.reference } : {}),
    value,
    unit: t.measure === 'rate' ? unit ?? '' : 'x',
    met: value === null ? null : t.measure === 'timeRatio' ? value <= t.bound : value >= t.bound,
    ...(value === null ? { note: missing.map((l) => `${l}: ${reason(cells[l])}`).join('; ') || 'not measured' } : {}),
    also: Object.fromEntries((t.also ?? []).map((l) => [l, figure(l)])),
  };
}

export function summarize(
  c: BenchCase,
  cells: Record<string, CellResult>,
  libs: string[],
  baseline: string,
  ratioTo: string[] = [baseline],
  targets: Target[] = [],
): CaseResult {
  const base = cells[baseline];
  const ratios: Record<string, number | null> = {};
  for (const lib of libs) if (lib !== baseline) ratios[lib] = speedup(base, cells[lib]);
  const speedups: Record<string, Record<string, number | null>> = {};
  for (const ref of ratioTo) {
    if (!libs.includes(ref)) continue;
    speedups[ref] = Object.fromEntries(libs.filter((l) => l !== ref).map((l) => [l, speedup(cells[ref], cells[l])]));
  }
  // checks: against the baseline's numbers, or (a case tfjs doesn't run) the first column's that has them
  const checkRef = base?.check ? baseline : libs.find((l) => cells[l]?.check) ?? null;
  const checkDiff: Record<string, number | null> = {};
  let checkOk = true;
  for (const lib of libs) {
    if (lib === checkRef) continue;
    const cell = cells[lib], ref = checkRef ? cells[checkRef] : undefined;
    checkDiff[lib] = cell?.check && ref?.check ? relDiff(cell.check, ref.check) : null;
    if ((checkDiff[lib] ?? 0) > (c.checkTolFor?.[lib] ?? c.checkTol ?? 1e-3)) checkOk = false;
  }
  const first = libs[0];
  const firstRate = cells[first]?.rate;
  const targetRatio = c.target?.referenceRate !== undefined
    ? (firstRate !== undefined ? firstRate / c.target.referenceRate : null)
    : ratios[first] ?? null;
  const target = c.target && first !== baseline
    ? { label: c.target.label, minRatio: c.target.minRatio, library: first, ratio: targetRatio, met: (targetRatio ?? 0) >= c.target.minRatio }
    : undefined;
  return {
    name: c.name,
    description: c.description,
    unit: c.metric?.unit ?? null,
    amount: c.metric?.amount ?? null,
    cells,
    ratios,
    speedups,
    checkRef,
    checkDiff,
    checkOk,
    target,
    targets: targets.filter((t) => t.case === c.name).map((t) => measureTarget(t, cells, c.metric?.unit ?? null)),
  };
}

// ---- table ------------------------------------------------------------------------------

const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fmtRate = (r: number, unit: string): string => `${r >= 100 ? r.toFixed(0) : r.toFixed(2)} ${unit}`;

function cellText(cell: CellResult | undefined, pick: (c: CellResult) => string): string {
  if (!cell) return '-';
  if (cell.status !== 'ok') return cell.status;
  return pick(cell);
}

/**
 * A short column title: 'tensorloom' -> 'tl', 'tensorloom-wasm-2' -> 'tl-wasm-2',
 * 'tensorloom-gpujs-webasm' -> 'gpujs:webasm'; tfjs's columns keep their names.
 */
export const short = (lib: string): string =>
  lib.replace(/^tensorloom-gpujs-/, 'gpujs:').replace(/^tensorloom-/, 'tl-').replace(/^tensorloom$/, 'tl');

const isTensorloom = (lib: string): boolean => lib.startsWith(TL_CPU);

export interface TableOptions {
  /**
   * Reference columns for the ratio columns, in order: the first gets one ratio column for every
   * other column; each later one for every other tensorloom column, less the gpujs ones unless the
   * reference is tensorloom's cpu column (default: the baseline only).
   */
  ratioTo?: string[];
  /** Columns whose rate (GFLOP/s, GB/s) gets a column (default: the first). */
  rateOf?: string[];
}

type Column = { title: string; cell: (r: CaseResult) => string };

/** A right-aligned text table, the first column left-aligned. */
function textTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * Two tables: case, ms per column, rates and the check; then the speed ratios, `x/ref` = ref ms /
 * x ms (above 1: x is faster). Columns that are n/a in every case shown are left out (listed at the
 * end with the reason); rate and ratio columns with no figure at all likewise. Every column's rate
 * and every ratio are in the JSON.
 */
export function formatTable(results: CaseResult[], libs: string[], baseline: string, opts: TableOptions = {}): string {
  const ran = (l: string): boolean => results.some((r) => r.cells[l] && r.cells[l].status !== 'n/a');
  const shown = libs.filter(ran);
  const hidden = libs.filter((l) => !ran(l));
  const refs = (opts.ratioTo ?? [baseline]).filter((l) => shown.includes(l));
  const gpujs = (l: string): boolean => l.startsWith('tensorloom-gpujs-');
  const ratioPairs = refs.flatMap((ref, k) =>
    shown
      .filter((l) => l !== ref && !refs.slice(0, k).includes(l))
      .filter((l) => k === 0 || (isTensorloom(l) && (!gpujs(l) || ref === TL_CPU)))
      .map((l) => ({ l, ref })));
  const rateCols = (opts.rateOf ?? [libs[0]]).filter((l) => shown.includes(l));
  const some = (col: Column): boolean => results.some((r) => !['-', 'n/a', 'error'].includes(col.cell(r)));
  const timeCols: Column[] = [
    ...shown.map((l) => ({ title: `${short(l)} ms`, cell: (r: CaseResult) => cellText(r.cells[l], (c) => fmtMs(c.ms!)) })),
    ...rateCols
      .map((l) => ({
        title: `${short(l)} rate`,
        cell: (r: CaseResult) => cellText(r.cells[l], (c) => (c.rate !== undefined && r.unit ? fmtRate(c.rate, r.unit) : '-')),
      }))
      .filter(some),
  ];
  const ratioCols: Column[] = ratioPairs
    .map(({ l, ref }) => ({
      title: `${short(l)}/${short(ref)}`,
      cell: (r: CaseResult) => (r.cells[l]?.ms && r.cells[ref]?.ms ? `${(r.cells[ref].ms! / r.cells[l].ms!).toFixed(2)}x` : '-'),
    }))
    .filter(some);
  const legend = shown.map((l) => `${short(l)} = ${l}`).join(', ');
  const times = textTable(['case', ...timeCols.map((c) => c.title), 'check'], results.map((r) => [r.name, ...timeCols.map((c) => c.cell(r)), r.checkOk ? 'ok' : 'MISMATCH']));
  const ratios = ratioCols.length
    ? ['', 'speed ratios, x/y = y ms / x ms (above 1: x is faster):', ...textTable(['case', ...ratioCols.map((c) => c.title)], results.map((r) => [r.name, ...ratioCols.map((c) => c.cell(r))]))]
    : [];
  const notes = hidden.map((l) => {
    const why = results.map((r) => r.cells[l]?.note).find(Boolean);
    return `not shown, n/a in every case: ${l}${why ? ` (${why.split('\n')[0]})` : ''}`;
  });
  return [legend, ...times, ...ratios, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

const fmtFigure = (v: number | null, unit: string): string =>
  v === null ? 'n/a' : unit === 'x' ? `${v.toFixed(2)}x` : fmtRate(v, unit);

/** The targets section: the cases' own targets (CPU column vs tfjs), then bench/targets.ts's. */
export function formatTargets(results: CaseResult[]): string[] {
  const own = results
    .filter((r) => r.target)
    .map((r) => {
      const t = r.target!;
      const got = t.ratio === null ? 'not measured' : `${t.ratio.toFixed(2)}x`;
      return `${t.met ? 'MET    ' : 'MISSED '} ${t.label} (got ${got}, need ${t.minRatio}x)`;
    });
  const wasm = results.flatMap((r) => r.targets.map((t) => ({ t, r })));
  if (!wasm.length) return own;
  const width = Math.max(...wasm.map(({ t }) => t.label.length));
  const lines = wasm.map(({ t, r }) => {
    const verdict = t.met === null ? 'n/a    ' : t.met ? 'MET    ' : 'MISSED ';
    if (t.value === null) return `${verdict} ${t.label.padEnd(width)}  not measured: ${t.note}`;
    let got = `${short(t.library)} ${fmtFigure(t.value, t.unit)}`;
    if (t.reference) {
      const [a, b] = [r.cells[t.library], r.cells[t.reference]];
      got += r.unit && a?.rate !== undefined && b?.rate !== undefined
        ? ` (${fmtRate(a.rate, r.unit)} vs ${short(t.reference)} ${fmtRate(b.rate, r.unit)})`
        : ` (${fmtMs(a!.ms!)} vs ${short(t.reference)} ${fmtMs(b!.ms!)} ms)`;
    }
    const also = Object.entries(t.also).map(([l, v]) => `${short(l)} ${fmtFigure(v, t.unit)}`).join(', ');
    return `${verdict} ${t.label.padEnd(width)}  ${got}${also ? `; ${also}` : ''}`;
  });
  return [...own, ...(own.length ? [''] : []), "tensorloom wasm backend (bench/targets.ts; tl-wasm-2 judged unless the label says 1 thread):", ...lines];
}

// ---- machine and JSON ---------------------------------------------------------------------

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    cpuMHz: cpus[0]?.speed ?? null,
    totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    v8: process.versions.v8,
  };
}

export function gitInfo(): Record<string, unknown> {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit: git(['rev-parse', 'HEAD']), dirty: status === null ? null : status.length > 0 };
}

/**
 * Writes results/<timestamp>.json and, for a full run, results/latest.json (the committed
 * figures; a partial run — --quick, --filter or --libs — must not replace them). Returns the paths.
 */
export function writeJson(report: object, date: Date, full: boolean): string[] {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stamp = date.toISOString().replace(/[:.]/g, '-');
  const text = JSON.stringify(report, null, 2) + '\n';
  const paths = [...(full ? [new URL('latest.json', dir)] : []), new URL(`${stamp}.json`, dir)];
  for (const p of paths) writeFileSync(p, text);
  return paths.map((p) => p.pathname);
}
