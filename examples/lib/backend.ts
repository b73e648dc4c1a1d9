// backend.ts — the examples' `--backend wasm|cpu|gpujs`, `--threads N` and `--mode <gpu.js mode>`
// flags: loads the backend if it is loaded on demand (gpujs imports gpu.js), selects it and
// prints which one runs (for wasm, its threads; for gpujs, the mode gpu.js actually picked).
// Without --backend the library's default runs (wasm where WebAssembly SIMD does).
// Call it as `await useBackend(flag)`.

import { getBackend, getNumThreads, loadBackend, setBackend, setNumThreads, type BackendName } from '../../src/index.js';

export async function useBackend(flag: (name: string, fallback: string) => string): Promise<string> {
  const name = flag('backend', getBackend()) as BackendName;
  const threads = flag('threads', '');
  if (threads) setNumThreads(Number(threads));
  const mode = flag('mode', '') || undefined;
  if (name !== 'cpu') await loadBackend(name, { mode });
  const b = setBackend(name, { mode }) as { name: string; activeMode?: string };
  const what = b.activeMode ? `${b.name} (gpu.js mode ${b.activeMode})` : b.name === 'wasm' ? `wasm (${getNumThreads()} threads)` : b.name;
  console.log(`backend: ${what}`);
  return what;
}
