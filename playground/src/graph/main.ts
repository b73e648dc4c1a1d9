// main.ts — the Graph page: evaluates the code in the textarea (evaluate.ts: the code, backward
// and toDot in one synchronous run), renders the DOT text to SVG with @viz-js/viz (Graphviz
// compiled to WebAssembly, loaded on first use) and lists the leaves' gradients. Errors in the
// code are shown on the page, in red, instead of a graph.

import { backendFromUrl, bindBackendSelect, describeBackend, useBackend, type BackendChoice } from '../shared/backend.js';
import { byId, exposeState, message, setStatus } from '../shared/page.js';
import { evaluate, type LeafInfo } from './evaluate.js';
import { PRESETS } from './presets.js';

const state = exposeState({ runs: 0, nodes: 0, leaves: [] as LeafInfo[], output: null as unknown });
let backend: BackendChoice = backendFromUrl();
const code = byId<HTMLTextAreaElement>('code');
const preset = byId<HTMLSelectElement>('preset');
const rankdir = byId<HTMLSelectElement>('rankdir');
let viz: Promise<{ renderSVGElement(dot: string): SVGSVGElement }> | null = null;

/** Numbers to 4 significant digits, nested arrays kept. */
function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
}

function showLeaves(leaves: LeafInfo[]): void {
  byId('leaves').replaceChildren(...leaves.map((l) => {
    const row = document.createElement('tr');
    for (const text of [l.name, `[${l.shape.join(', ')}]`, `value ${show(l.value)}`, `grad ${show(l.grad)}`]) {
      row.insertCell().textContent = text;
    }
    return row;
  }));
}

async function run(): Promise<void> {
  const graph = byId('graph');
  try {
    await useBackend(backend);
    const ev = evaluate(code.value, { rankdir: rankdir.value as 'LR' | 'TB' });
    viz ??= import('@viz-js/viz').then((m) => m.instance());
    const svg = (await viz).renderSVGElement(ev.dot);
    graph.replaceChildren(svg);
    showLeaves(ev.leaves);
    Object.assign(state, {
      nodes: svg.querySelectorAll('g.node').length, leaves: ev.leaves, output: ev.output.toArray(), error: null,
      backend: describeBackend(), runs: state.runs + 1,
    });
    setStatus(`${describeBackend()} · output ${show(ev.output.toArray())} · ${state.nodes} boxes`);
  } catch (e) {
    graph.replaceChildren();
    byId('leaves').replaceChildren();
    Object.assign(state, { nodes: 0, leaves: [], output: null, runs: state.runs + 1 });
    setStatus(message(e), true);
  }
}

function loadPreset(): void {
  code.value = PRESETS[Number(preset.value)].code;
  void run();
}

preset.replaceChildren(...PRESETS.map((p, i) => new Option(p.name, String(i))));
bindBackendSelect(backend, (b) => { backend = b; void run(); });
preset.addEventListener('change', loadPreset);
rankdir.addEventListener('change', () => void run());
byId('run').addEventListener('click', () => void run());
byId('reset').addEventListener('click', loadPreset);
code.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void run(); });
code.value = PRESETS[0].code;
void run().then(() => { state.ready = true; });
