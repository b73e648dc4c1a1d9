// run.ts — `npm run bench`: runs every case (bench/cases/) in every library column
// (bench/libraries.ts) in this one process, prints a table and writes bench/results/latest.json
// plus a timestamped copy (a partial run: only the timestamped file). Options:
//   --quick            fewer, shorter samples (a smoke run)
//   --filter a,b       only cases whose name contains one of these substrings
//   --libs x,y         only these columns (the baseline column is always kept, for the ratios)
//   --ratio-to x,y     reference columns of the table's ratio columns (default tfjs,tfjs-wasm,tensorloom:
//                      every column against tfjs, tensorloom's columns against tfjs-wasm and tensorloom cpu)
//   --no-malloc-tuning keep glibc's default allocator settings (see below)
// Timings are medians per call, sampled round-robin across columns (bench/harness.ts). The targets
// section lists the cases' own targets and bench/targets.ts's (tensorloom's wasm backend).
// TFJS_WASM_THREADS=n runs the tfjs-wasm column on tfjs's threaded-SIMD build (bench/tfjs-wasm.ts).
// Tests never assert timings, and npm test does not run this.

import { spawnSync } from 'node:child_process';
import { CASES } from './cases/index.js';
import { collectGarbage, FULL, lowerTo, measure, QUICK, type Contestant } from './harness.js';
import { TFJS_WASM, TL_CPU, TL_WASM_2 } from './columns.js';
import { BASELINE, LIBRARIES } from './libraries.js';
import { formatTable, formatTargets, gitInfo, machineInfo, summarize, writeJson, type CaseResult, type CellResult } from './report.js';
import { TARGETS } from './targets.js';
import type { BenchCase, Library, Runner } from './types.js';

interface Args {
  quick: boolean;
  filter: string[];
  libs: string[];
  ratioTo: string[];
  mallocTuning: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, filter: [], libs: [], ratioTo: [], mallocTuning: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string[] => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v.split(',').map((s) => s.trim()).filter(Boolean);
    };
    if (flag === '--quick') args.quick = true;
    else if (flag === '--filter') args.filter.push(...value());
    else if (flag === '--libs') args.libs.push(...value());
    else if (flag === '--ratio-to') args.ratioTo.push(...value());
    else if (flag === '--no-malloc-tuning') args.mallocTuning = false;
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: npm run bench -- [--quick] [--filter case[,case]] [--libs lib[,lib]] [--ratio-to lib[,lib]] [--no-malloc-tuning]');
      console.log(`cases: ${CASES.map((c) => c.name).join(', ')}`);
      console.log(`libs:  ${LIBRARIES.map((l) => l.name).join(', ')} (baseline ${BASELINE})`);
      process.exit(0);
    } else throw new Error(`bench: unknown argument '${argv[i]}' (try --help)`);
  }
  return args;
}

// Every op returns a fresh output array. glibc hands large freed blocks back to the kernel, so
// the next output is page-faulted in afresh; on some VMs that costs ~10 µs per 4 KB page (10 ms
// for a 4 MB tensor, several times the add itself) and which library pays it depends on GC
// timing, so ratios turn to noise. We re-run ourselves with glibc keeping freed memory and using
// transparent huge pages, which brings first-touch costs to what bare metal shows anyway.
const MALLOC_TUNABLES = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824';
const CHILD_FLAG = 'TENSORLOOM_BENCH_TUNED';

function respawnWithMallocTuning(): never {
  const tunables = [process.env.GLIBC_TUNABLES, MALLOC_TUNABLES].filter(Boolean).join(':');
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: tunables, [CHILD_FLAG]: '1' },
  });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}

interface Prepared {
  lib: Library;
  runner: Runner;
  liveBefore: number;
  compileBefore: number;
}

/** Builds one case in every available column, times them side by side, checks and frees them. */
async function runCase(c: BenchCase, libs: Library[], unavailable: Map<string, string>, args: Args): Promise<Record<string, CellResult>> {
  const cells: Record<string, CellResult> = {};
  const prepared: Prepared[] = [];
  for (const lib of libs) {
    if (c.skip?.[lib.name]) {
      cells[lib.name] = { status: 'n/a', note: c.skip[lib.name] };
      continue;
    }
    if (unavailable.has(lib.name)) {
      cells[lib.name] = { status: 'n/a', note: unavailable.get(lib.name) };
      continue;
    }
    try {
      await lib.activate();
    } catch (e) {
      const note = `backend unavailable: ${(e as Error).message}`;
      unavailable.set(lib.name, note);
      cells[lib.name] = { status: 'n/a', note };
      console.error(`  ${lib.name}: ${note}`);
      continue;
    }
    const liveBefore = lib.liveObjects?.() ?? 0;
    const compileBefore = lib.compileMs?.() ?? 0;
    try {
      const runner = lib.prepare(c);
      if (runner) prepared.push({ lib, runner, liveBefore, compileBefore });
      else cells[lib.name] = { status: 'n/a', note: `no ${lib.family} version of this case` };
    } catch (e) {
      cells[lib.name] = { status: 'error', note: (e as Error).stack ?? String(e) };
      console.error(`  ${c.name} on ${lib.name}: setup failed: ${(e as Error).message}`);
    }
  }

  // a failing run() drops that column and the case is timed again without it
  let live = prepared;
  while (live.length) {
    collectGarbage();
    const contestants: Contestant[] = live.map(({ lib, runner }) => ({ run: () => runner.run(), before: () => lib.activate() }));
    try {
      const timings = await measure(contestants, lowerTo(args.quick ? QUICK : FULL, c.timing));
      live.forEach(({ lib }, k) => {
        const t = timings[k];
        cells[lib.name] = { status: 'ok', timing: t, ms: t.medianMs, rate: c.metric ? c.metric.amount / (t.medianMs / 1e3) : undefined };
      });
      break;
    } catch (e) {
      let bad = live[0];
      for (const p of live) {
        try {
          await p.lib.activate();
          await p.runner.run();
        } catch {
          bad = p;
          break;
        }
      }
      cells[bad.lib.name] = { status: 'error', note: (e as Error).stack ?? String(e) };
      console.error(`  ${c.name} on ${bad.lib.name} failed: ${(e as Error).message}`);
      live = live.filter((p) => p !== bad);
    }
  }

  for (const { lib, runner, liveBefore, compileBefore } of prepared) {
    const cell = cells[lib.name];
    if (cell && lib.compileMs) cell.compileMs = +(lib.compileMs() - compileBefore).toFixed(1);
    try {
      await lib.activate();
      if (cell?.status === 'ok') cell.check = runner.check?.();
    } catch (e) {
      console.error(`  ${c.name} on ${lib.name}: check failed: ${(e as Error).message}`);
    } finally {
      runner.dispose?.();
    }
    const leaked = (lib.liveObjects?.() ?? 0) - liveBefore;
    if (cell && leaked > 0) {
      cell.leaked = leaked;
      console.error(`  warning: ${c.name} on ${lib.name} left ${leaked} live objects`);
    }
    if (cell?.status === 'ok') {
      const rate = cell.rate !== undefined ? `  ${cell.rate.toFixed(2)} ${c.metric!.unit}` : '';
      const t = cell.timing!;
      const compile = cell.compileMs !== undefined ? `, compile ${cell.compileMs.toFixed(0)} ms` : '';
      console.log(`  ${c.name.padEnd(22)} ${lib.name.padEnd(23)} ${cell.ms!.toFixed(3).padStart(10)} ms${rate}  (${t.samples} samples x ${t.callsPerSample}${compile})`);
    }
  }
  return cells;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.mallocTuning && process.platform === 'linux' && !process.env[CHILD_FLAG]) respawnWithMallocTuning();
  const cases = args.filter.length ? CASES.filter((c) => args.filter.some((f) => c.name.includes(f))) : CASES;
  if (!cases.length) throw new Error(`bench: no case matches --filter ${args.filter.join(',')} (cases: ${CASES.map((c) => c.name).join(', ')})`);
  const unknown = [...args.libs, ...args.ratioTo].filter((n) => !LIBRARIES.some((l) => l.name === n));
  if (unknown.length) throw new Error(`bench: unknown column ${unknown.join(',')} in --libs/--ratio-to (have ${LIBRARIES.map((l) => l.name).join(', ')})`);
  const stale = TARGETS.filter((t) => !CASES.some((c) => c.name === t.case) || ![t.library, t.reference ?? t.library, ...(t.also ?? [])].every((n) => LIBRARIES.some((l) => l.name === n)));
  if (stale.length) throw new Error(`bench: bench/targets.ts names a case or column that doesn't exist: ${stale.map((t) => t.label).join('; ')}`);
  const ratioTo = args.ratioTo.length ? args.ratioTo : [BASELINE, TFJS_WASM, TL_CPU];
  const wanted = args.libs.length ? new Set([...args.libs, BASELINE]) : null;
  const libs = LIBRARIES.filter((l) => !wanted || wanted.has(l.name));

  const date = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const tuned = !!process.env[CHILD_FLAG];
  console.log(`tensorloom bench${args.quick ? ' (quick)' : ''}: ${machine.cpuModel} x${machine.cpuCount}, node ${machine.node}${tuned ? ', glibc malloc tuned' : ''}`);

  const unavailable = new Map<string, string>();
  const results: CaseResult[] = [];
  for (const c of cases) {
    const cells = await runCase(c, libs, unavailable, args);
    const r = summarize(c, cells, libs.map((l) => l.name), BASELINE, ratioTo, TARGETS);
    if (!r.checkOk) console.error(`  warning: ${c.name} results differ between libraries (vs ${r.checkRef}): ${JSON.stringify(r.checkDiff)}`);
    results.push(r);
  }

  const names = libs.map((l) => l.name);
  console.log('\n' + formatTable(results, names, BASELINE, { ratioTo, rateOf: [names[0], TL_WASM_2] }));
  console.log('ms = median per call; check = results agree across columns (within the case\'s tolerance)');
  const targets = formatTargets(results);
  if (targets.length) console.log('\ntargets:\n' + targets.map((t) => (t ? '  ' + t : '')).join('\n'));

  const totalSeconds = (performance.now() - t0) / 1e3;
  const paths = writeJson(
    {
      date: date.toISOString(),
      args,
      machine: { ...machine, glibcTunables: tuned ? process.env.GLIBC_TUNABLES : null },
      git: gitInfo(),
      timing: args.quick ? QUICK : FULL,
      baseline: BASELINE,
      libraries: libs.map((l) => ({ name: l.name, family: l.family, backend: l.backend, ...(unavailable.has(l.name) ? { unavailable: unavailable.get(l.name) } : l.info()) })),
      cases: results,
      ratioTo,
      targets: [...results.filter((r) => r.target).map((r) => ({ case: r.name, ...r.target })), ...results.flatMap((r) => r.targets)],
      totalSeconds: +totalSeconds.toFixed(1),
    },
    date,
    !args.quick && !args.filter.length && !args.libs.length,
  );
  console.log(`\n${totalSeconds.toFixed(1)} s; wrote ${paths.join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
