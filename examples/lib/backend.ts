// backend.ts — the examples' `--backend cpu|gpujs` and `--mode <gpu.js mode>` flags: selects the
// backend and prints which one runs (for gpujs, the mode gpu.js actually picked).

import { setBackend, type BackendName } from '../../src/index.js';

export function useBackend(flag: (name: string, fallback: string) => string): string {
  const name = flag('backend', 'cpu') as BackendName;
  const mode = flag('mode', '') || undefined;
  const b = setBackend(name, { mode }) as { name: string; activeMode?: string };
  const what = b.activeMode ? `${b.name} (gpu.js mode ${b.activeMode})` : b.name;
  console.log(`backend: ${what}`);
  return what;
}
