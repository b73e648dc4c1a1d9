// backend.ts — the backend switch every playground page shares: wasm (the library's default;
// WebAssembly SIMD on worker threads when the page is cross-origin isolated), gpujs on WebGL2,
// or the cpu reference. `?backend=gpujs` in the URL picks the initial choice. Changing backend
// rebuilds the page's model, because tensors never mix backends.

import { getNumThreads, loadBackend, setBackend, type Backend, type GpuJsBackend } from '../../../src/index.js';

export type BackendChoice = 'wasm' | 'gpujs' | 'cpu';
export const BACKEND_CHOICES: BackendChoice[] = ['wasm', 'gpujs', 'cpu'];

/** The backend asked for in the URL (`?backend=`), else wasm. */
export function backendFromUrl(): BackendChoice {
  const b = new URLSearchParams(location.search).get('backend');
  return BACKEND_CHOICES.includes(b as BackendChoice) ? (b as BackendChoice) : 'wasm';
}

let active: Backend | null = null;

/** Loads and selects `choice` (gpu.js is imported on first use); resolves once tensors can be made. */
export async function useBackend(choice: BackendChoice): Promise<void> {
  const options = choice === 'gpujs' ? { mode: 'webgl2' } : {};
  await loadBackend(choice, options);
  active = setBackend(choice, options);
}

/**
 * What the current backend really runs on, for the status line and the test: the gpu.js mode its
 * kernels ran on ('gpujs webgl2'), or the wasm thread count.
 */
export function describeBackend(): string {
  if (active?.name === 'gpujs') return `gpujs ${(active as GpuJsBackend).activeMode}`;
  if (active?.name === 'wasm') return `wasm, ${globalThis.crossOriginIsolated ? getNumThreads() : 1} thread(s)`;
  return active?.name ?? 'none';
}

/** Fills the <select id="backend"> and calls `onChange` when the user picks another backend. */
export function bindBackendSelect(initial: BackendChoice, onChange: (b: BackendChoice) => void): HTMLSelectElement {
  const select = document.getElementById('backend') as HTMLSelectElement;
  const labels: Record<BackendChoice, string> = { wasm: 'wasm (default)', gpujs: 'gpu.js WebGL2', cpu: 'cpu (reference)' };
  select.replaceChildren(...BACKEND_CHOICES.map((b) => new Option(labels[b], b, b === initial, b === initial)));
  select.addEventListener('change', () => onChange(select.value as BackendChoice));
  return select;
}
