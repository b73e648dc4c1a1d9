// package.test.ts — the published package as a user gets it: `npm pack` the repo, install the
// tarball into a fresh project, and run ESM and CommonJS consumers (test/fixtures/package/) of
// both entries, `tensorloom` and `tensorloom/node`, plus a tsc pass over typed consumers.
// This checks the `exports` map, the dist/ layout and the tarball's file list, not the math.
// Needs dist/ (npm test builds it first; built here if missing) and npm with registry or cache
// access for the dependencies (ndarray, seedrandom).

import { execFileSync } from 'node:child_process';
import { builtinModules, createRequire } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test/fixtures/package');
const TIMEOUT = 180_000;

/** Runs a command and returns its stdout; on failure the error carries stdout and stderr. */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: process.platform === 'win32',
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    });
  } catch (e) {
    const err = e as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** Runs a consumer script with node in the temporary project and parses the JSON it prints. */
function runScript(project: string, file: string): Record<string, unknown> {
  const out = run(process.execPath, [file], project).trim();
  return JSON.parse(out.split('\n').pop()!) as Record<string, unknown>;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let tmp = '';
let project = '';
let packed: PackResult;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/esm/src/index.js')) || !existsSync(join(ROOT, 'dist/cjs/src/index.js'))) {
    run(process.execPath, ['scripts/build.mjs'], ROOT);
  }
  tmp = mkdtempSync(join(tmpdir(), 'tensorloom-pack-'));
  const packOut = run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT);
  // npm prints the JSON array last (lifecycle output, if any, comes first)
  packed = (JSON.parse(packOut.slice(packOut.indexOf('['))) as PackResult[])[0];

  project = join(tmp, 'consumer');
  mkdirSync(project);
  run('npm', ['init', '-y'], project);
  // --ignore-scripts: this checks our package's files, not native builds; gpu.js's optional
  // headless-gl would otherwise try to compile ANGLE from source (many minutes) where X headers exist
  run('npm', ['install', join(tmp, packed.filename), '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], project);
  for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(project, f.replace(/\.txt$/, '')));
  writeFileSync(join(project, 'bytes.bin'), Uint8Array.from([1, 2, 3, 250]));
}, TIMEOUT);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm package', () => {
  it('tarball holds both builds with their types and module-type markers', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([
      'package.json',
      'dist/esm/src/index.js',
      'dist/esm/src/index.d.ts',
      'dist/esm/src/node.js',
      'dist/esm/src/node.d.ts',
      'dist/esm/package.json',
      'dist/cjs/src/index.js',
      'dist/cjs/src/index.d.ts',
      'dist/cjs/src/node.js',
      'dist/cjs/src/node.d.ts',
      'dist/cjs/package.json',
    ]));
    // no sources, tests or benchmarks ship
    expect(paths.filter((p) => /^(src|test|bench|examples)\//.test(p))).toEqual([]);
  });

  it('ESM: import from "tensorloom" computes gradients', () => {
    const out = runScript(project, 'esm.mjs');
    expect(out.y).toBe(14);
    expect(out.dx).toEqual([2, 4, 6]);
    expect(out.dw).toEqual([[7, 11], [9, 13]]);
    expect(out.resolved).toMatch(/node_modules\/tensorloom\/dist\/esm\/src\/index\.js$/);
  });

  it('CommonJS: require("tensorloom") computes gradients', () => {
    const out = runScript(project, 'cjs.cjs');
    expect(out.y).toBe(14);
    expect(out.dx).toEqual([2, 4, 6]);
    expect(out.dw).toEqual([[7, 11], [9, 13]]);
    expect(out.resolved).toMatch(/node_modules[\\/]tensorloom[\\/]dist[\\/]cjs[\\/]src[\\/]index\.js$/);
  });

  it('tensorloom/node resolves through import and through require', () => {
    const esm = runScript(project, 'node-esm.mjs');
    const cjs = runScript(project, 'node-cjs.cjs');
    expect(esm.bytes).toEqual([1, 2, 3, 250]);
    expect(cjs.bytes).toEqual([1, 2, 3, 250]);
    expect(esm.exports).toContain('readBytes');
    expect(cjs.exports).toEqual(esm.exports);
    expect(esm.resolved).toMatch(/node_modules\/tensorloom\/dist\/esm\/src\/node\.js$/);
    expect(cjs.resolved).toMatch(/node_modules[\\/]tensorloom[\\/]dist[\\/]cjs[\\/]src[\\/]node\.js$/);
    expect(cjs.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('the main entry imports no Node built-in module (browser-safe)', () => {
    // walk the installed ESM build's import graph from index.js
    const pkgDir = join(project, 'node_modules/tensorloom/dist/esm/src');
    const seen = new Set<string>();
    const external = new Set<string>();
    const queue = [join(pkgDir, 'index.js')];
    const spec = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(spec)) {
        if (m[1].startsWith('.')) queue.push(resolve(dirname(file), m[1]));
        else external.add(m[1]);
      }
    }
    const builtins = [...external].filter((s) => s.startsWith('node:') || builtinModules.includes(s.split('/')[0]));
    expect(seen.size).toBeGreaterThan(5);
    expect(builtins).toEqual([]);
  });

  it('types resolve for import and require consumers (tsc, NodeNext)', () => {
    const require = createRequire(import.meta.url);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
        // tensorloom/node's types reference @types/node, which a Node project has anyway
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['consumer.mts', 'consumer.cts'],
    }));
    const tsc = require.resolve('typescript/bin/tsc');
    const out = run(process.execPath, [tsc, '-p', 'tsconfig.json', '--traceResolution'], project);
    // each entry's types come from the matching build
    expect(out).toMatch(/'tensorloom' was successfully resolved to '[^']*dist\/esm\/src\/index\.d\.ts'/);
    expect(out).toMatch(/'tensorloom' was successfully resolved to '[^']*dist\/cjs\/src\/index\.d\.ts'/);
    expect(out).toMatch(/'tensorloom\/node' was successfully resolved to '[^']*dist\/esm\/src\/node\.d\.ts'/);
    expect(out).toMatch(/'tensorloom\/node' was successfully resolved to '[^']*dist\/cjs\/src\/node\.d\.ts'/);
  }, TIMEOUT);
});
