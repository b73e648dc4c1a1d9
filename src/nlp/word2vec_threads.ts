/// <reference types="node" />
// word2vec_threads.ts — nodeWorkers, Word2Vec's runner for Node's worker_threads: one Worker per
// thread of the task, each running word2vec_worker.ts (next to this file) over the shared
// buffers, and a 100 ms progress poll. Node-only: tensorloom/node exports it and the main entry
// never imports it, so browser bundles stay free of Node built-ins (docs/word2vec.md §9).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Word2VecParallelTask } from './word2vec_setup.js';

/**
 * This module's own file, from V8's structured stack trace: file:///…/word2vec_threads.js in ESM,
 * /…/word2vec_threads.js in CommonJS, …/word2vec_threads.ts from sources run by tsx or vitest.
 * (import.meta.url would be the plain way, but this file also compiles to CommonJS, where it is
 * a syntax error, and __filename does not exist in ESM.)
 */
function thisModuleFile(): string | null {
  const E = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
  const saved = [E.prepareStackTrace, E.stackTraceLimit] as const;
  try {
    E.stackTraceLimit = 1;
    E.prepareStackTrace = (_: Error, frames: { getFileName(): string | null }[]) => frames;
    const frames = new Error().stack as unknown as { getFileName(): string | null }[];
    return Array.isArray(frames) ? frames[0]?.getFileName() ?? null : null;
  } finally {
    [E.prepareStackTrace, E.stackTraceLimit] = saved;
  }
}

/**
 * The worker script next to this module: word2vec_worker.js in dist/esm or dist/cjs, run as
 * it is, or word2vec_worker.ts in the sources (tests, tsx), run from a CommonJS bootstrap that
 * first registers tsx's ESM hooks (Node 20's workers don't inherit the main thread's --import tsx).
 */
function workerScript(): { script: URL | string; evalCode: boolean } {
  const file = thisModuleFile();
  if (!file) throw new Error('nodeWorkers: cannot locate word2vec_worker next to this module (no file name in the stack trace, e.g. inside a bundle); use workers: 1');
  const base = /^file:/.test(file) ? new URL(file) : pathToFileURL(file);
  base.search = base.hash = '';
  const ext = /\.[cm]?[jt]s$/.exec(base.pathname)?.[0] ?? '.js';
  const url = new URL(`word2vec_worker${ext}`, base);
  if (!existsSync(url)) throw new Error(`nodeWorkers: the worker script ${url.href} does not exist; use workers: 1`);
  if (!ext.includes('t')) return { script: url, evalCode: false };
  let tsxApi: string;
  try {
    // tsx's ESM API (the package's "./esm/api" import export): register() installs its module hooks
    const pkg = createRequire(base).resolve('tsx/package.json');
    const api = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'];
    tsxApi = new URL(api.import.default, pathToFileURL(pkg)).href;
  } catch {
    throw new Error(`nodeWorkers: running ${url.href} from the TypeScript sources needs tsx (npm i -D tsx), or use the built package`);
  }
  // as real ES modules: tsx's CommonJS transform reads every import through a getter, which the
  // hot loop's calls across files would pay on every word (about 30% of the speed)
  const run = `import(${JSON.stringify(tsxApi)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return { script: `${run}.catch((e) => { throw e; });`, evalCode: true };
}

/**
 * Runs Word2Vec's threads on Node worker threads over the same SharedArrayBuffers (Hogwild: no
 * locks; an update may overwrite another thread's concurrent one, which costs nothing measurable
 * at these sparsities). Calls task.onTick every 100 ms; if it throws, stops the workers and
 * rejects with its error.
 *
 *   import { nodeWorkers } from 'tensorloom/node';
 *   await new nlp.Word2Vec({ workers: 2 }).train(sentences, { runner: nodeWorkers });
 */
export async function nodeWorkers(task: Word2VecParallelTask): Promise<void> {
  const { threads, onTick } = task;
  const { script, evalCode } = workerScript();
  const workers = threads.map((workerData) => new Worker(script, { workerData, eval: evalCode }));
  // a throwing onTick stops the workers and is what the promise rejects with
  let stopped: { error: unknown } | null = null;
  const poll = onTick
    ? setInterval(() => {
        try {
          onTick();
        } catch (error) {
          stopped ??= { error };
          for (const w of workers) void w.terminate();
        }
      }, 100)
    : undefined;
  try {
    await Promise.all(workers.map((w, k) => new Promise<void>((resolve, reject) => {
      let finished = false;
      w.on('message', (msg) => {
        if (msg === 'done') finished = true;
      });
      w.on('error', (err) => reject(new Error(`nodeWorkers: worker ${k} failed: ${err.message}`, { cause: err })));
      w.on('exit', (code) => (finished ? resolve() : reject(new Error(`nodeWorkers: worker ${k} exited with code ${code} before finishing`))));
    })));
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    const callback = stopped as { error: unknown } | null; // (set in the interval callback)
    throw callback ? callback.error : e;
  } finally {
    if (poll !== undefined) clearInterval(poll);
  }
}
