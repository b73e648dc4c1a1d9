// a-outputs.ts — the tutorial's quoted outputs: finds `<!-- output: examples/tutorial/x.ts -->`
// (or `x.ts#name`: only the lines from `## name` to the next `## ` line) in docs/tutorial/*.md,
// runs the scripts (two at a time, the repo's tsx, a time limit) and compares or rewrites the
// ```text block under each marker, and the docs/tutorial/images/ files the scripts also write to
// out/tutorial/. Used by examples/tutorial/run.ts and test/tutorial/output.test.ts.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DOCS = join(ROOT, 'docs/tutorial');
export const SCRIPTS = join(ROOT, 'examples/tutorial');
export const IMAGES = join(DOCS, 'images');
export const OUT = join(ROOT, 'out/tutorial');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
export const SCRIPT_TIMEOUT_MS = 120_000;

/** One quoted block: the script (repo-relative), an optional section, and where the block sits. */
export interface Marker {
  doc: string;
  script: string;
  section: string | null;
  /** the quoted text (between the fences) */
  quoted: string;
  /** character range of the quoted text inside the document */
  start: number;
  end: number;
}

const MARKER = /<!-- output: (\S+?)(?:#([\w-]+))? -->\n```text\n([\s\S]*?)^```$/gm;

/** Every marker in one document's text. A marker not followed by a ```text fence is an error. */
export function findMarkers(doc: string, text: string): Marker[] {
  const found: Marker[] = [];
  for (const m of text.matchAll(MARKER)) {
    const start = m.index! + m[0].length - m[3].length - 3;
    found.push({ doc, script: m[1], section: m[2] ?? null, quoted: m[3], start, end: start + m[3].length });
  }
  const bare = (text.match(/<!-- output: /g) ?? []).length;
  if (bare !== found.length) {
    throw new Error(`findMarkers: ${doc} has ${bare} output markers but only ${found.length} are followed by a \`\`\`text block`);
  }
  return found;
}

/** Trailing whitespace off every line, blank lines off both ends. */
export function normalise(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n').replace(/^\n+/, '').replace(/\n+$/, '');
}

/** The lines of `stdout` from `## name` to the next `## ` line (or the whole output for null). */
export function sectionOf(stdout: string, section: string | null, script = 'script'): string {
  if (section === null) return normalise(stdout);
  const lines = normalise(stdout).split('\n');
  const first = lines.findIndex((l) => l === `## ${section}` || l.startsWith(`## ${section} `));
  if (first < 0) throw new Error(`sectionOf: ${script} printed no line starting with '## ${section}'`);
  let last = lines.findIndex((l, i) => i > first && l.startsWith('## '));
  if (last < 0) last = lines.length;
  return normalise(lines.slice(first, last).join('\n'));
}

/** The document with each marker's block replaced by `blocks[i]` (markers in document order). */
export function replaceBlocks(text: string, markers: Marker[], blocks: string[]): string {
  let out = '';
  let at = 0;
  markers.forEach((m, i) => {
    out += text.slice(at, m.start) + blocks[i] + '\n';
    at = m.end;
  });
  return out + text.slice(at);
}

/** The tutorial's Markdown files, in name order. */
export function tutorialDocs(): string[] {
  if (!existsSync(DOCS)) return [];
  return readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort().map((f) => join(DOCS, f));
}

/** The chapter scripts `NN-name.ts`, in chapter order. */
export function chapterScripts(): string[] {
  return readdirSync(SCRIPTS).filter((f) => /^\d\d-[\w-]+\.ts$/.test(f)).sort().map((f) => join(SCRIPTS, f));
}

/** Every marker of every tutorial document. */
export function allMarkers(): Marker[] {
  return tutorialDocs().flatMap((d) => findMarkers(d, readFileSync(d, 'utf8')));
}

/** Runs one script (path relative to the repo root) and resolves with its stdout. */
export function runScript(script: string, timeoutMs = SCRIPT_TIMEOUT_MS): Promise<string> {
  const path = join(ROOT, script);
  if (!existsSync(path)) return Promise.reject(new Error(`runScript: ${script} does not exist`));
  return new Promise((res, rej) => {
    execFile(TSX, [path], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`runScript: ${script} failed (${err.killed ? `killed after ${timeoutMs} ms` : `exit ${err.code}`}):\n${stderr.slice(-2000)}`));
        else res(stdout);
      });
  });
}

/** Runs the scripts with at most `limit` at a time; one promise per script, in input order. */
export function runAll(scripts: string[], limit = 2): Map<string, Promise<string>> {
  const results = new Map<string, Promise<string>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = (): Promise<void> => (running < limit ? (running++, Promise.resolve()) : new Promise((r) => waiting.push(() => r())));
  const free = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  for (const s of new Set(scripts)) {
    const p = slot().then(() => runScript(s)).finally(free);
    p.catch(() => {}); // the caller awaits it; this only keeps an early failure from counting as unhandled
    results.set(s, p);
  }
  return results;
}

/** Committed images with a freshly written twin in out/tutorial/: [committed, fresh] paths. */
export function imagePairs(): [string, string][] {
  if (!existsSync(IMAGES)) return [];
  return readdirSync(IMAGES).sort().map((f): [string, string] => [join(IMAGES, f), join(OUT, f)]).filter(([, fresh]) => existsSync(fresh));
}
