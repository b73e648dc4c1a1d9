// threads.ts — the wasm backend's thread pool. Worker threads (Node's worker_threads, or Web
// Workers in a cross-origin-isolated page) each instantiate the same compiled module over the
// same shared memory and wait on a control block in that memory. The calling thread posts a job
// (kernel, argument block, thread count), wakes the workers, runs share 0 itself and waits until
// every share is done, so the API stays synchronous. Every threaded kernel is written as
// (tid, nt, args) and splits its own work; the pool knows nothing about the math.
// Control block (Int32 words): GEN job counter (workers wait on it), FN kernel index, ARGS,
// NT threads in this job, DONE shares finished, READY workers started, ERROR a worker's failure.

import { isNode, nodeBuiltin } from '../node_builtin.js';

const GEN = 0, FN = 1, ARGS = 2, NT = 3, DONE = 4, READY = 5, ERROR = 6;
export const CONTROL_WORDS = 16;

/** The worker's program (plain JavaScript, so it runs without a TypeScript loader or a file). */
const WORKER_BODY = `
function serve(d) {
  const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('wasm abort'); } } }).exports;
  const fns = d.names.map((n) => ex[n]);
  const c = new Int32Array(d.memory.buffer, d.control, ${CONTROL_WORDS});
  let gen = Atomics.load(c, ${GEN});
  Atomics.add(c, ${READY}, 1);
  Atomics.notify(c, ${READY});
  for (;;) {
    for (let spin = 0; spin < 4000 && Atomics.load(c, ${GEN}) === gen; spin++);
    Atomics.wait(c, ${GEN}, gen);
    gen = Atomics.load(c, ${GEN});
    const nt = c[${NT}];
    if (d.tid >= nt) continue;
    try { fns[c[${FN}]](d.tid, nt, c[${ARGS}]); } catch (e) { Atomics.store(c, ${ERROR}, 1); }
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
}`;

const NODE_WORKER = `${WORKER_BODY}\nserve(require('worker_threads').workerData);`;
const WEB_WORKER = `${WORKER_BODY}\nself.onmessage = (e) => serve(e.data);`;

interface NodeWorker { unref(): void; terminate(): Promise<number> }
type NodeWorkerCtor = new (src: string, opts: { eval: true; workerData: unknown }) => NodeWorker;

/** Cores this process may use (Node's availableParallelism, the browser's hardwareConcurrency). */
export function coreCount(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('os');
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

export class ThreadPool {
  private readonly control: Int32Array;
  private readonly workers: (NodeWorker | Worker)[] = [];
  /** Why the pool has fewer threads than asked for, if it does. */
  limitation: string | null = null;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly controlPtr: number,
    private readonly names: string[],
    private readonly kernels: ((tid: number, nt: number, args: number) => void)[],
    shared: boolean,
  ) {
    this.control = new Int32Array(memory.buffer, controlPtr, CONTROL_WORDS);
    this.control.fill(0);
    if (!shared) this.limitation = 'memory is not shared (the page is not cross-origin isolated), so kernels run on one thread';
  }

  /** Worker threads started and ready. */
  get ready(): number {
    return Atomics.load(this.control, READY);
  }

  /** Starts workers until `n - 1` exist (the calling thread is the n-th); in Node waits for them. */
  ensure(n: number): void {
    if (this.limitation?.startsWith('memory')) return;
    while (this.workers.length < n - 1) {
      const tid = this.workers.length + 1;
      const data = { module: this.module, memory: this.memory, control: this.controlPtr, names: this.names, tid };
      try {
        if (isNode) {
          const { Worker } = nodeBuiltin<{ Worker: NodeWorkerCtor }>('worker_threads')!;
          const w = new Worker(NODE_WORKER, { eval: true, workerData: data });
          w.unref(); // idle workers do not keep the process alive
          this.workers.push(w);
        } else if (typeof Worker !== 'undefined') {
          const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
          const w = new Worker(url);
          w.postMessage(data);
          this.workers.push(w);
        } else {
          this.limitation = 'this environment has no worker threads';
          return;
        }
      } catch (e) {
        this.limitation = `could not start a worker thread: ${e instanceof Error ? e.message : String(e)}`;
        return;
      }
    }
    if (isNode) {
      // Node may block: wait until every worker has instantiated the module (~50 ms each)
      const deadline = Date.now() + 30_000;
      for (let r = this.ready; r < this.workers.length && Date.now() < deadline; r = this.ready) {
        Atomics.wait(this.control, READY, r, 100);
      }
      if (this.ready < this.workers.length) this.limitation = `only ${this.ready} of ${this.workers.length} worker threads started within 30 s`;
    }
  }

  /**
   * Runs kernel `fn` with its argument block on `nt` threads (the caller is thread 0) and returns
   * when all shares are done. Uses only workers that are ready (browsers start them lazily).
   */
  run(fn: number, args: number, nt: number): void {
    const threads = Math.min(nt, this.ready + 1);
    if (threads <= 1) {
      this.kernels[fn](0, 1, args);
      return;
    }
    const c = this.control;
    c[FN] = fn;
    c[ARGS] = args;
    c[NT] = threads;
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    this.kernels[fn](0, threads, args);
    const others = threads - 1;
    for (let spin = 0; Atomics.load(c, DONE) < others; spin++) {
      // Node's main thread may sleep; a browser's main thread may only spin
      if (spin > 2000 && isNode) Atomics.wait(c, DONE, Atomics.load(c, DONE), 1);
    }
    if (Atomics.load(c, ERROR) !== 0) {
      Atomics.store(c, ERROR, 0);
      throw new Error(`wasm backend: kernel '${this.names[fn]}' failed on a worker thread`);
    }
  }

  /** Stops every worker (tests; a process exits without it since workers are unref'd). */
  async terminate(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => ('unref' in w ? w.terminate() : Promise.resolve((w as Worker).terminate()))));
    Atomics.store(this.control, READY, 0);
  }
}
