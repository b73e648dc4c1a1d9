// b-heatmap.ts — attention weights drawn as SVG heat maps (tutorial chapter 5): one panel per head (two a row),
// row t = the query at position t, column s = the key at position s, darker = more weight. The
// text is deterministic (weights rounded to 2 decimals), so the committed image can be compared
// with a fresh one (test/tutorial/output.test.ts). Files go to out/tutorial/ at the repository root.

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../../../out/tutorial/', import.meta.url));

const CELL = 11, LABEL = 14, TITLE = 18, GAP = 18;

/** XML-escaped label for one character; a space shows as '·', a newline as '¶'. */
function glyph(ch: string): string {
  const c = ch === ' ' ? '·' : ch === '\n' ? '¶' : ch;
  return c.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One SVG with a panel per head; `weights[h][t][s]` in [0, 1], `labels[t]` the character at position t. */
export function attentionSvg(weights: number[][][], titles: string[], labels: string[]): string {
  const T = labels.length;
  if (weights.length !== titles.length) throw new Error(`attentionSvg: ${weights.length} panels but ${titles.length} titles`);
  for (const w of weights) {
    if (w.length !== T || w.some((row) => row.length !== T)) throw new Error(`attentionSvg: each panel must be ${T} × ${T} (one row and column per label)`);
  }
  const cols = Math.min(2, weights.length), rows = Math.ceil(weights.length / cols);
  const panelW = LABEL + T * CELL, panelH = TITLE + LABEL + T * CELL;
  const width = cols * panelW + (cols - 1) * GAP + 2, height = rows * panelH + (rows - 1) * GAP + 4;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="9">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  weights.forEach((w, h) => {
    const x0 = 1 + (h % cols) * (panelW + GAP), top = Math.floor(h / cols) * (panelH + GAP), y0 = TITLE + LABEL;
    out.push(`<g transform="translate(${x0},${top})">`);
    out.push(`<text x="${LABEL}" y="12" font-size="11">${glyph(titles[h])}</text>`);
    labels.forEach((ch, i) => {
      out.push(`<text x="${LABEL + i * CELL + CELL / 2}" y="${TITLE + LABEL - 4}" text-anchor="middle">${glyph(ch)}</text>`);
      out.push(`<text x="${LABEL - 3}" y="${y0 + i * CELL + CELL - 2}" text-anchor="end">${glyph(ch)}</text>`);
    });
    // the future (masked) in grey, the allowed lower triangle s ≤ t as a white staircase
    out.push(`<rect x="${LABEL}" y="${y0}" width="${T * CELL}" height="${T * CELL}" fill="#e6e6e6" stroke="#999999" stroke-width="0.5"/>`);
    const stairs = Array.from({ length: T }, (_, t) => `H${LABEL + (t + 1) * CELL}V${y0 + (t + 1) * CELL}`).join('');
    out.push(`<path d="M${LABEL},${y0}${stairs}H${LABEL}Z" fill="#ffffff"/>`);
    for (let t = 0; t < T; t++) {
      for (let s = 0; s <= t; s++) {
        const a = Math.round(w[t][s] * 100) / 100;
        if (a > 0) out.push(`<rect x="${LABEL + s * CELL}" y="${y0 + t * CELL}" width="${CELL}" height="${CELL}" fill="#08306b" fill-opacity="${a}"/>`);
      }
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Writes `svg` to out/tutorial/`name` and returns that path, relative to the repository root. */
export function writeSvg(name: string, svg: string): string {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(OUT + name, svg);
  return `out/tutorial/${name}`;
}
