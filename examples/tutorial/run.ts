// run.ts — `npm run tutorial`: runs the tutorial's chapter scripts (examples/tutorial/NN-*.ts)
// in order with a header per chapter; `run.ts 4` runs chapter 4 only. `--update` reruns every
// script quoted in docs/tutorial/*.md and rewrites the quoted ```text blocks from the fresh
// output, and copies over each docs/tutorial/images/ file the scripts wrote afresh to out/tutorial/;
// `--check` only compares both (exit 1 on a difference), as test/tutorial/output.test.ts does.

import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ROOT, allMarkers, imagePairs, chapterScripts, findMarkers, normalise, replaceBlocks, runAll, sectionOf, tutorialDocs } from './lib/a-outputs.js';

const args = process.argv.slice(2);

async function quoted(mode: 'update' | 'check'): Promise<number> {
  const markers = allMarkers();
  const outputs = runAll(markers.map((m) => m.script));
  let stale = 0;
  for (const doc of tutorialDocs()) {
    const text = readFileSync(doc, 'utf8');
    const ms = findMarkers(doc, text);
    if (!ms.length) continue;
    const blocks: string[] = [];
    for (const m of ms) {
      const fresh = sectionOf(await outputs.get(m.script)!, m.section, m.script);
      blocks.push(fresh);
      if (fresh !== normalise(m.quoted)) {
        stale++;
        console.log(`${relative(ROOT, doc)}: the block of ${m.script}${m.section ? `#${m.section}` : ''} ${mode === 'update' ? 'rewritten' : 'differs from the output'}`);
      }
    }
    if (mode === 'update') writeFileSync(doc, replaceBlocks(text, ms, blocks));
  }
  await Promise.all(outputs.values()); // every script has written its files
  let images = 0;
  for (const [committed, fresh] of imagePairs()) {
    if (readFileSync(committed).equals(readFileSync(fresh))) continue;
    images++;
    if (mode === 'update') copyFileSync(fresh, committed);
    console.log(`${relative(ROOT, committed)} ${mode === 'update' ? `replaced by ${relative(ROOT, fresh)}` : `differs from ${relative(ROOT, fresh)}`}`);
  }
  const verb = mode === 'update' ? 'rewritten' : 'out of date';
  console.log(`${markers.length} quoted blocks, ${stale} ${verb}; ${imagePairs().length} images, ${images} ${verb}`);
  return stale + images;
}

function runChapters(which: string[]): void {
  const scripts = chapterScripts();
  const picked = which.length ? which.map((n) => {
    const s = scripts.find((p) => basename(p).startsWith(n.padStart(2, '0') + '-'));
    if (!s) {
      console.error(`run.ts: no chapter ${n}; the chapters are ${scripts.map((p) => basename(p, '.ts')).join(', ')}`);
      process.exit(2);
    }
    return s;
  }) : scripts;
  for (const s of picked) {
    console.log(`\n==================== ${basename(s, '.ts')} ====================\n`);
    const t0 = Date.now();
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [s], { cwd: ROOT, stdio: 'inherit' });
    console.error(`(${relative(ROOT, s)}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

if (args.includes('--update')) await quoted('update');
else if (args.includes('--check')) process.exit((await quoted('check')) ? 1 : 0);
else runChapters(args.filter((a) => !a.startsWith('--')));
