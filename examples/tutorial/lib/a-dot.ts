// a-dot.ts — toDot's output for the tutorial: writeGraph saves the DOT text and the SVG that
// tensorloom/node's renderSvg draws from it under out/tutorial/ (at the repo root, wherever the
// script runs from); dotSummary prints it as one line per box (id and label lines joined by
// ' | ') and one line of edges. Used by chapters 1 and 3.

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSvg } from '../../../src/node.js';

const OUT = fileURLToPath(new URL('../../../out/tutorial/', import.meta.url));

/** Writes out/tutorial/<name>.dot and <name>.svg; returns their repo-relative paths. */
export async function writeGraph(name: string, dot: string): Promise<[string, string]> {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}${name}.dot`, dot);
  writeFileSync(`${OUT}${name}.svg`, await renderSvg(dot));
  return [`out/tutorial/${name}.dot`, `out/tutorial/${name}.svg`];
}

/** The boxes and edges of a DOT graph written by toDot, one box per line, then all edges. */
export function dotSummary(dot: string): string {
  const boxes = [...dot.matchAll(/^ {2}(\w+) \[label="(.*?)"/gm)].map(([, id, label]) => `${id.padEnd(6)} ${label.split('\\n').join(' | ')}`);
  const edges = [...dot.matchAll(/^ {2}(\w+ -> \w+)(?: \[.*\])?;$/gm)].map((m) => m[1]);
  return [...boxes, edges.join(',  ')].join('\n');
}
