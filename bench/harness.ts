// harness.ts — timing one unit of benchmark work in several libraries side by side. Each
// contestant is warmed up (JIT, caches, allocator), then we pick how many calls make one
// sample (so a sample is well above the timer's resolution) and take samples round-robin, one
// contestant after another, so a slowdown of the machine (another process on a shared box)
// hits every column alike. The number reported is the median time per call; garbage collection
// triggered by a call counts as part of its cost.
// Reference: the warmup / batching / median scheme of benchmark.js and Google Benchmark.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface TimingOptions {
  /** Warm up for at least this long and at least `warmupCalls` calls. */
  warmupMs: number;
  warmupCalls: number;
  /** Aim for samples of about this length: fast calls are batched. */
  sampleMs: number;
  /** Stop sampling a contestant after this much of its time, once it has `minSamples`. */
  budgetMs: number;
  minSamples: number;
  maxSamples: number;
}

export const FULL: TimingOptions = { warmupMs: 500, warmupCalls: 2, sampleMs: 25, budgetMs: 1500, minSamples: 5, maxSamples: 40 };
export const QUICK: TimingOptions = { warmupMs: 150, warmupCalls: 1, sampleMs: 10, budgetMs: 300, minSamples: 3, maxSamples: 10 };

/** `opts` with each of `limits` applied where it is lower (every option only costs time as it grows). */
export function lowerTo(opts: TimingOptions, limits: Partial<TimingOptions> = {}): TimingOptions {
  const out = { ...opts };
  for (const k of Object.keys(limits) as (keyof TimingOptions)[]) out[k] = Math.min(out[k], limits[k]!);
  return out;
}

export interface Timing {
  /** Median milliseconds per call: the number reported. */
  medianMs: number;
  minMs: number;
  meanMs: number;
  samples: number;
  callsPerSample: number;
  warmupCalls: number;
}

/**
 * One column's work: `run` is one call (a promise for work on other threads, such as Word2Vec's
 * workers, is awaited), `before` runs (untimed) ahead of each of its samples.
 */
export interface Contestant {
  run: () => void | Promise<void>;
  before?: () => Promise<void>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs fn until both minimums are reached; returns [calls, ms of the last call]. */
async function warmup(fn: () => void | Promise<void>, opts: TimingOptions): Promise<[number, number]> {
  let calls = 0, last = 0;
  const start = performance.now();
  while (calls < opts.warmupCalls || performance.now() - start < opts.warmupMs) {
    const t0 = performance.now();
    const pending = fn();
    if (pending) await pending;
    last = performance.now() - t0;
    calls++;
  }
  return [calls, last];
}

/** Times every contestant as described above; one Timing per contestant, in order. */
export async function measure(contestants: Contestant[], opts: TimingOptions): Promise<Timing[]> {
  const state: { warmupCalls: number; callsPerSample: number; spent: number; perCall: number[] }[] = [];
  for (const c of contestants) {
    await c.before?.();
    const [warmupCalls, last] = await warmup(c.run, opts);
    const callsPerSample = Math.max(1, Math.round(opts.sampleMs / Math.max(last, 1e-3)));
    state.push({ warmupCalls, callsPerSample, spent: 0, perCall: [] });
  }
  const wantsMore = (s: (typeof state)[number]): boolean =>
    s.perCall.length < opts.maxSamples && (s.perCall.length < opts.minSamples || s.spent < opts.budgetMs);
  while (state.some(wantsMore)) {
    for (let k = 0; k < contestants.length; k++) {
      const s = state[k];
      if (!wantsMore(s)) continue;
      await contestants[k].before?.();
      const fn = contestants[k].run;
      const t0 = performance.now();
      for (let i = 0; i < s.callsPerSample; i++) {
        const pending = fn();
        if (pending) await pending;
      }
      const ms = performance.now() - t0;
      s.spent += ms;
      s.perCall.push(ms / s.callsPerSample);
    }
  }
  return state.map((s) => ({
    medianMs: median(s.perCall),
    minMs: Math.min(...s.perCall),
    meanMs: s.perCall.reduce((a, b) => a + b, 0) / s.perCall.length,
    samples: s.perCall.length,
    callsPerSample: s.callsPerSample,
    warmupCalls: s.warmupCalls,
  }));
}

/** A full garbage collection between cases, so one case's garbage isn't billed to the next. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => {};
})();
