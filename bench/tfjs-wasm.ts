// tfjs-wasm.ts — TensorFlow.js's WebAssembly backend (@tensorflow/tfjs-backend-wasm, XNNPACK) set
// up for Node, for the tfjs-wasm column of bench/libraries.ts:
//  - setWasmPaths() with the package's dist/ directory (a plain file path with a trailing
//    separator: in Node the Emscripten loader reads the .wasm with fs.readFileSync), so the
//    binaries come straight from node_modules;
//  - the SIMD build, tfjs-backend-wasm-simd.wasm, on one thread. tfjs reports
//    WASM_HAS_MULTITHREAD_SUPPORT = false under Node (tfjs issue #3830), so it never picks the
//    threaded-SIMD build there; forced on, that build fails to start: its pthread workers are
//    blob: URLs, which Node's Worker refuses (ERR_WORKER_PATH). TFJS_WASM_THREADS=n (n >= 2)
//    opts into a workaround (startThreaded below) that does run it in Node with n threads;
//  - a Conv2DBackpropFilter kernel: tfjs-backend-wasm 4.22 has none, so conv2d's weight
//    gradient (conv2d-fwd-bwd-*, cnn-train-step) throws "Kernel 'Conv2DBackpropFilter' not
//    registered for backend 'wasm'". The bench registers one built from the backend's own
//    kernels (PadV2, Transpose, Slice, Concat, BatchMatMul: im2col and one XNNPACK matmul), so
//    tfjs-wasm's figure for those cases is what a tfjs-wasm user who added it would see.
// Every figure is recorded in the column's info() (bench/libraries.ts).

import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';

type TF = typeof tfjs;
type TensorInfo = tfjs.TensorInfo;

const require = createRequire(import.meta.url);
/** node_modules/@tensorflow/tfjs-backend-wasm/dist/, where its three .wasm binaries are. */
export const WASM_DIR = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;

export interface TfjsWasmInfo {
  /** the .wasm file the backend read */
  build: string;
  /** XNNPACK's thread count (tf.wasm.getThreadsCount()) */
  threads: number;
  simd: boolean;
  /** how Conv2DBackpropFilter runs: the bench's kernel, or tfjs's own if a later version has one */
  conv2dBackpropFilter: string;
  /** what TFJS_WASM_THREADS asked for (the threaded workaround), if anything */
  requestedThreads?: number;
}

let init: Promise<TfjsWasmInfo> | null = null;

/**
 * Points tfjs-backend-wasm at node_modules, registers the missing kernel and initializes the
 * backend (once; later calls return the same promise). Leaves 'wasm' the active tfjs backend.
 */
export function initTfjsWasm(tf: TF): Promise<TfjsWasmInfo> {
  init ??= start(tf);
  return init;
}

async function start(tf: TF): Promise<TfjsWasmInfo> {
  const requested = Number(process.env.TFJS_WASM_THREADS ?? 0);
  if (!Number.isInteger(requested) || requested < 0) throw new Error(`TFJS_WASM_THREADS must be a thread count, got '${process.env.TFJS_WASM_THREADS}'`);
  const threaded = requested >= 2;
  tfWasm.setWasmPaths(WASM_DIR);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded); // false is what tfjs decides in Node anyway
  if (threaded) tfWasm.setThreadsCount(requested);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  const native = tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined;
  if (!native) tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter(tf) as tfjs.KernelFunc });

  // which binary Emscripten reads (it calls fs.readFileSync with the path setWasmPaths built)
  const read: string[] = [];
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function (this: unknown, path: unknown, ...rest: unknown[]) {
    if (String(path).endsWith('.wasm')) read.push(String(path));
    return (readFileSync as (...a: unknown[]) => unknown).call(this, path, ...rest);
  } as typeof fs.readFileSync;
  let ok: boolean;
  try {
    ok = threaded ? await startThreaded(tf, requested) : await tf.setBackend('wasm');
    await tf.ready();
  } finally {
    fs.readFileSync = readFileSync;
  }
  if (!ok || tf.getBackend() !== 'wasm') throw new Error('tfjs-backend-wasm failed to initialize');
  const build = read.length ? read[read.length - 1].slice(read[read.length - 1].lastIndexOf(sep) + 1) : 'unknown';
  return {
    build,
    threads: tfWasm.getThreadsCount(),
    simd,
    conv2dBackpropFilter: native ? 'tfjs-backend-wasm' : 'bench kernel (pad, transpose, slices, concat, one BatchMatMul)',
    ...(threaded ? { requestedThreads: requested } : {}),
  };
}

/**
 * Starts the threaded-SIMD build in Node (TFJS_WASM_THREADS=n). Three obstacles, each patched
 * only while the backend initializes, then put back:
 *  1. the pthread worker script and the main script reach Emscripten as Blobs with blob: URLs,
 *     which Node's Worker and the worker's importScripts (fs.readFileSync) can't open: Blob
 *     records its text and URL.createObjectURL writes it to a temp file and returns the path;
 *  2. the main script is the factory's source alone, which refers to the CommonJS bundle's
 *     require$$0..4 (fs, path, worker_threads, perf_hooks, os) and commonjsGlobal: they are
 *     declared at its top;
 *  3. tfjs caps XNNPACK's pool at emscripten_num_logical_cores() / 2 (os.cpus().length / 2,
 *     read once at start-up), 1 on a 2-vCPU machine: os.cpus() reports `2n` cores meanwhile.
 * Its pthread workers are unref'd, or they would keep Node from exiting when the bench is done.
 * Experimental: it reaches into tfjs-backend-wasm 4.22's bundle.
 */
async function startThreaded(tf: TF, threads: number): Promise<boolean> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'tfjs-wasm-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const mainPath = join(dir, 'main.js');
  const prelude = "var require$$0=require('fs'),require$$1=require('path'),require$$2=require('worker_threads'),require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;";
  const RealBlob = globalThis.Blob, createObjectURL = URL.createObjectURL, cpus = os.cpus;
  const texts = new WeakMap<Blob, string>();
  let n = 0;
  globalThis.Blob = class extends RealBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      const text = (parts ?? []).every((p) => typeof p === 'string') ? (parts as string[]).join('') : null;
      if (text === null) return;
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) fs.writeFileSync(mainPath, prelude + text);
      texts.set(this, text);
    }
  };
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    let text = obj instanceof RealBlob ? texts.get(obj) : undefined;
    if (text === undefined) return createObjectURL(obj);
    // the worker: import the main script from its file, not from the (cloned) Blob it is sent
    text = text.replace('if(typeof e.data.urlOrBlob=="string")', `if(true){importScripts(${JSON.stringify(mainPath)})}else if(typeof e.data.urlOrBlob=="string")`);
    const path = join(dir, `blob-${n++}.js`);
    fs.writeFileSync(path, text);
    return path;
  };
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus()[i % cpus().length]);
  try {
    const ok = await tf.setBackend('wasm');
    // the pool's workers would keep Node running after the bench is done
    const pthread = (tf.backend() as unknown as { wasm?: { PThread?: { unusedWorkers: Worker[]; runningWorkers: Worker[] } } }).wasm?.PThread;
    for (const w of [...(pthread?.unusedWorkers ?? []), ...(pthread?.runningWorkers ?? [])]) (w as unknown as { unref?: () => void }).unref?.();
    return ok;
  } finally {
    globalThis.Blob = RealBlob;
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/**
 * Conv2DBackpropFilter (NHWC, stride 1, dilation 1: what the cases use) from the wasm backend's
 * kernels, as im2col and one matmul:
 *   x (N, H, W, C) -> zero-padded (N, Hp, Wp, C) -> channel-major (C, N, Hp, Wp);
 *   for each tap (i, j) of the kh x kw window, the (C, N, oh, ow) block it multiplies, as C rows
 *   of M = N·oh·ow; stacked tap by tap: cols (kh·kw·C, M), rows in (i, j, c) order;
 *   dW = cols @ dy (M, outC) -> (kh·kw·C, outC) = (kh, kw, C, outC), the filter's layout.
 * cols is built row-major so the matmul needs no transposed operand (XNNPACK's BatchMatMul with
 * transposeA is ~10x slower than without here).
 */
function conv2dBackpropFilter(tf: TF) {
  const kernel = (name: string): tfjs.KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`Conv2DBackpropFilter (bench): the wasm backend has no ${name} kernel`);
    return k.kernelFunc;
  };
  return ({ inputs, backend, attrs }: { inputs: tfjs.NamedTensorInfoMap; backend: tfjs.KernelBackend; attrs?: tfjs.NamedAttrMap }): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tfjs.Conv2DBackpropFilterAttrs;
    const conv = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat));
    if (dataFormat !== 'NHWC' || conv.strideHeight !== 1 || conv.strideWidth !== 1) {
      throw new Error(`Conv2DBackpropFilter (bench kernel for tfjs-wasm): only NHWC at stride 1, got ${dataFormat} stride ${conv.strideHeight}x${conv.strideWidth}`);
    }
    const { batchSize: N, inChannels: C, outChannels: O, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, padInfo: p } = conv;
    const M = N * oh * ow;
    const temps: TensorInfo[] = [];
    const run = (name: string, ins: tfjs.NamedTensorInfoMap | TensorInfo[], at: object): TensorInfo => {
      const out = kernel(name)({ inputs: ins as tfjs.NamedTensorInfoMap, backend, attrs: at as tfjs.NamedAttrMap }) as TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      const padded = p.top || p.bottom || p.left || p.right
        ? run('PadV2', { x }, { paddings: [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]], constantValue: 0 })
        : x;
      const xc = run('Transpose', { x: padded }, { perm: [3, 0, 1, 2] }); // (C, N, Hp, Wp)
      const taps: TensorInfo[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const block = run('Slice', { x: xc }, { begin: [0, 0, i, j], size: [C, N, oh, ow] }); // (C, N, oh, ow)
          taps.push(run('Reshape', { x: block }, { shape: [C, M] }));
        }
      }
      const cols = taps.length === 1 ? taps[0] : run('Concat', taps, { axis: 0 }); // (kh·kw·C, M)
      const dy2 = run('Reshape', { x: dy }, { shape: [M, O] });
      const dw = run('BatchMatMul', { a: cols, b: dy2 }, { transposeA: false, transposeB: false }); // (1, kh·kw·C, O)
      return kernel('Reshape')({ inputs: { x: dw }, backend, attrs: { shape: [kh, kw, C, O] } }) as TensorInfo;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}
