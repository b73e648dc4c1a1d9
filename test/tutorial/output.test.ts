// The tutorial quotes its scripts' output: every `<!-- output: examples/tutorial/x.ts -->` block in
// docs/tutorial/*.md must equal what the script prints now (trailing whitespace aside). Scripts
// run at most two at a time (examples/tutorial/lib/a-outputs.ts); a stale block is fixed with
// `npx tsx examples/tutorial/run.ts --update`. Images in docs/tutorial/images/ must equal the
// copies the scripts just wrote to out/tutorial/. The parsing helpers are checked on a small text.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ROOT, SCRIPT_TIMEOUT_MS, allMarkers, imagePairs, findMarkers, normalise, replaceBlocks, runAll, sectionOf } from '../../examples/tutorial/lib/a-outputs.js';

describe('quoted-output helpers', () => {
  const doc = [
    'Intro', '<!-- output: examples/tutorial/01-a.ts -->', '```text', 'old 1  ', 'old 2', '```', 'middle',
    '<!-- output: examples/tutorial/02-b.ts#topo -->', '```text', '```', 'end', '',
  ].join('\n');

  it('finds each marker, its script, section and quoted text', () => {
    const ms = findMarkers('doc.md', doc);
    expect(ms.map((m) => [m.script, m.section, m.quoted])).toEqual([
      ['examples/tutorial/01-a.ts', null, 'old 1  \nold 2\n'],
      ['examples/tutorial/02-b.ts', 'topo', ''],
    ]);
  });

  it('rewrites only the quoted blocks', () => {
    const ms = findMarkers('doc.md', doc);
    expect(replaceBlocks(doc, ms, ['new 1', 'x\ny'])).toBe(doc.replace('old 1  \nold 2\n', 'new 1\n').replace('```text\n```', '```text\nx\ny\n```'));
  });

  it('cuts a section from `## name` to the next `## ` line and trims trailing spaces', () => {
    const out = 'head\n## one\na  \nb\n\n## two things\nc\n';
    expect(sectionOf(out, 'one')).toBe('## one\na\nb');
    expect(sectionOf(out, 'two')).toBe('## two things\nc');
    expect(sectionOf(out, null)).toBe(normalise(out));
    expect(() => sectionOf(out, 'three', 'x.ts')).toThrow("sectionOf: x.ts printed no line starting with '## three'");
  });

  it('run.ts names the chapters when asked for one that does not exist', () => {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'examples/tutorial/run.ts'), '9'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^run\.ts: no chapter 9; the chapters are 01-scalar-autograd, 02-tensors-broadcasting, 03-mlp/);
  });

  it('refuses a marker without a text block', () => {
    expect(() => findMarkers('bad.md', '<!-- output: examples/tutorial/01-a.ts -->\n```ts\nx\n```\n')).toThrow(
      'findMarkers: bad.md has 1 output markers but only 0 are followed by a ```text block',
    );
  });
});

const markers = allMarkers();
const scripts = [...new Set(markers.map((m) => m.script))];
// two at a time: the last script may wait for all the others
const timeout = SCRIPT_TIMEOUT_MS * Math.max(1, Math.ceil(scripts.length / 2)) + 30_000;

describe('docs/tutorial quotes its scripts\' current output', () => {
  it('has quoted blocks, each naming an existing script', () => {
    expect(markers.length).toBeGreaterThan(0);
    for (const s of scripts) expect(existsSync(join(ROOT, s)), s).toBe(true);
  });

  let outputs: Map<string, Promise<string>> | null = null;
  for (const script of scripts) {
    it(script, async () => {
      outputs ??= runAll(scripts);
      const stdout = await outputs.get(script)!;
      for (const m of markers.filter((k) => k.script === script)) {
        expect(normalise(m.quoted), `${relative(ROOT, m.doc)}: block of ${script}${m.section ? `#${m.section}` : ''}`).toBe(sectionOf(stdout, m.section, script));
      }
    }, timeout);
  }

  it('has committed images equal to the ones the scripts just wrote', async () => {
    outputs ??= runAll(scripts);
    await Promise.all(outputs.values());
    expect(imagePairs().map(([committed]) => basename(committed))).toContain('01-neuron.svg');
    for (const [committed, fresh] of imagePairs()) {
      expect(readFileSync(committed).equals(readFileSync(fresh)), `${relative(ROOT, committed)} vs ${relative(ROOT, fresh)}`).toBe(true);
    }
  }, timeout);
});
