// structure.test.ts — rules of the codebase that a reader relies on, checked on the sources:
// (1) only src/tensor/, src/autograd/ops/ and src/backend/ see tensor internals (the storage
// view, the backend object, the internal constructors), so layers, optimizers, nlp, io and the
// examples use the public API alone; (2) every `#Lnn` / `#Lnn-Lmm` anchor in README.md and docs/
// names an existing file and lines inside it.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p, ext) : ext.test(name) ? [p] : [];
  });
}

describe('tensor internals stay below the op layer', () => {
  const INTERNAL = /\b(_fromHost|_fromStorage|_backend|_view|_viewOf|_broadcastView|_checkSameBackend|_scalar)\b/;
  const ALLOWED = ['src/tensor/', 'src/autograd/ops/', 'src/backend/'];
  const files = [...filesUnder(join(root, 'src'), /\.ts$/), ...filesUnder(join(root, 'examples'), /\.ts$/)]
    .map((f) => relative(root, f).split('\\').join('/'))
    .filter((f) => !ALLOWED.some((a) => f.startsWith(a)));
  it('scans the layers, optim, nlp, io and examples sources', () => {
    for (const dir of ['src/layers/', 'src/optim/', 'src/nlp/', 'src/io/', 'examples/']) expect(files.some((f) => f.startsWith(dir))).toBe(true);
  });
  it('no file above src/autograd/ops uses _fromHost, _fromStorage, _backend, _view or friends', () => {
    const hits = files.flatMap((f) => readFileSync(join(root, f), 'utf8').split('\n')
      .flatMap((line, i) => (INTERNAL.test(line.replace(/\/\/.*$/, '')) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(hits).toEqual([]);
  });
});

describe('line anchors in the docs point inside their files', () => {
  const docs = [join(root, 'README.md'), ...filesUnder(join(root, 'docs'), /\.md$/)];
  const anchors = docs.flatMap((doc) => [...readFileSync(doc, 'utf8').matchAll(/\]\(([^)#\s]+)#L(\d+)(?:-L?(\d+))?\)/g)]
    .map((m) => ({ doc: relative(root, doc), target: resolve(dirname(doc), m[1]), from: Number(m[2]), to: Number(m[3] ?? m[2]) })));
  it('finds the anchors', () => expect(anchors.length).toBeGreaterThan(20));
  it('each names an existing file and a line range inside it', () => {
    const bad = anchors.flatMap(({ doc, target, from, to }) => {
      let lines: number;
      try { lines = readFileSync(target, 'utf8').split('\n').length; } catch { return [`${doc}: ${relative(root, target)} does not exist`]; }
      return from >= 1 && from <= to && to <= lines ? [] : [`${doc}: ${relative(root, target)}#L${from}-L${to} is outside its ${lines} lines`];
    });
    expect(bad).toEqual([]);
  });
});
