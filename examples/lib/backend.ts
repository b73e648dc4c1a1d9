// backend.ts — the examples' `--backend cpu|gpujs` and `--mode <gpu.js mode>` flags: loads the
// backend if it is loaded on demand (gpujs imports gpu.js), selects it and prints which one runs
// (for gpujs, the mode gpu.js actually picked). Call it as `await useBackend(flag)`.

import { loadBackend, setBackend, type BackendName } from '../../src/index.js';

export async function useBackend(flag: (name: string, fallback: string) => string): Promise<string> {
  const name = flag('backend', 'cpu') as BackendName;
  const mode = flag('mode', '') || undefined;
  if (name !== 'cpu') await loadBackend(name, { mode });
  const b = setBackend(name, { mode }) as { name: string; activeMode?: string };
  const what = b.activeMode ? `${b.name} (gpu.js mode ${b.activeMode})` : b.name;
  console.log(`backend: ${what}`);
  return what;
}
