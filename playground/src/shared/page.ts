// page.ts — what every playground page shares besides the backend and the loop: the state it
// exposes on `window.playground` for the browser test (scripts/test-playground.mjs), the status
// line under the controls (errors in red), and a typed getElementById.

export interface PlaygroundState {
  /** The page has loaded its backend and built its model. */
  ready: boolean;
  running: boolean;
  step: number;
  losses: number[];
  /** What the backend runs on, e.g. 'wasm, 2 thread(s)' or 'gpujs webgl2'. */
  backend: string;
  /** The last error shown on the page, or null. */
  error: string | null;
  [extra: string]: unknown;
}

declare global {
  interface Window { playground: PlaygroundState }
}

/** Sets `window.playground` to the common state plus the page's own fields; returns it typed. */
export function exposeState<E extends object>(extra: E): PlaygroundState & E {
  const state = { ready: false, running: false, step: 0, losses: [], backend: '', error: null, ...extra };
  window.playground = state;
  return state;
}

/** Writes the status line; an error is shown in red and kept in `window.playground.error`. */
export function setStatus(text: string, isError = false): void {
  const el = document.getElementById('status')!;
  el.textContent = text;
  el.classList.toggle('error', isError);
  if (isError) window.playground.error = text;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The element with `id`, typed; throws naming the id if the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: the page has no element #${id}`);
  return el as T;
}
