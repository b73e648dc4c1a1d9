// report.ts — turning measurements into the printed table and the JSON file: per-case results,
// speed ratios against the baseline column, cross-library result checks, targets and machine info.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Timing } from './harness.js';
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

export interface CaseResult {
  name: string;
  description: string;
  unit: string | null;
  /** GFLOP or GB per call. */
  amount: number | null;
  cells: Record<string, CellResult>;
  /** Speed of each column relative to the baseline column (baseline ms / column ms). */
  ratios: Record<string, number | null>;
  /** Largest difference of each column's check numbers from the baseline's, relative to their scale. */
  checkDiff: Record<string, number | null>;
  checkOk: boolean;
  target?: { label: string; minRatio: number; library: string; ratio: number | null; met: boolean };
}

/** max_i |a_i - b_i| / max_i |b_i|: relative to the scale of the reference values. */
export function relDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  const scale = Math.max(1e-12, ...b.map(Math.abs));
  return Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]) / scale));
}

export function summarize(c: BenchCase, cells: Record<string, CellResult>, libs: string[], baseline: string): CaseResult {
  const base = cells[baseline];
  const ratios: Record<string, number | null> = {};
  const checkDiff: Record<string, number | null> = {};
  let checkOk = true;
  for (const lib of libs) {
    if (lib === baseline) continue;
    const cell = cells[lib];
    ratios[lib] = cell?.ms && base?.ms ? base.ms / cell.ms : null;
    checkDiff[lib] = cell?.check && base?.check ? relDiff(cell.check, base.check) : null;
    if ((checkDiff[lib] ?? 0) > (c.checkTol ?? 1e-3)) checkOk = false;
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
    checkDiff,
    checkOk,
    target,
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

/** A short column title: 'tensorloom-gpujs-webasm' -> 'gpujs:webasm', 'tensorloom' -> 'tl'. */
const short = (lib: string): string => lib.replace(/^tensorloom-gpujs-/, 'gpujs:').replace(/^tensorloom$/, 'tl');

/**
 * Columns: case, ms per library, the first library's rate, every other library's speed relative
 * to the baseline (x baseline), and each gpujs column's speed relative to the cpu backend (x tl).
 * Rates of every column are in the JSON.
 */
export function formatTable(results: CaseResult[], libs: string[], baseline: string): string {
  const others = libs.filter((l) => l !== baseline);
  const gpujs = libs.filter((l) => l.startsWith('tensorloom-gpujs-'));
  const first = libs[0];
  const ratio = (a?: number, b?: number): string => (a && b ? `${(b / a).toFixed(2)}x` : '-');
  const header = [
    'case',
    ...libs.map((l) => `${short(l)} ms`),
    `${short(first)} rate`,
    ...others.map((l) => `${short(l)}/${short(baseline)}`),
    ...(first === 'tensorloom' ? gpujs.map((l) => `${short(l)}/tl`) : []),
    'check',
  ];
  const rows = results.map((r) => [
    r.name,
    ...libs.map((l) => cellText(r.cells[l], (c) => fmtMs(c.ms!))),
    cellText(r.cells[first], (c) => (c.rate !== undefined && r.unit ? fmtRate(c.rate, r.unit) : '-')),
    ...others.map((l) => (r.ratios[l] !== null ? `${r.ratios[l]!.toFixed(2)}x` : '-')),
    ...(first === 'tensorloom' ? gpujs.map((l) => ratio(r.cells[l]?.ms, r.cells[first]?.ms)) : []),
    r.checkOk ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  const legend = libs.map((l) => `${short(l)} = ${l}`).join(', ');
  return [legend, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatTargets(results: CaseResult[]): string[] {
  return results
    .filter((r) => r.target)
    .map((r) => {
      const t = r.target!;
      const got = t.ratio === null ? 'not measured' : `${t.ratio.toFixed(2)}x`;
      return `${t.met ? 'MET    ' : 'MISSED '} ${t.label} (got ${got}, need ${t.minRatio}x)`;
    });
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
