// bundle.test.ts — the main entry stays light and browser-clean. src/index.ts is bundled for the
// browser (vite's build API, rolldown underneath; minified, in memory) and the chunks the entry
// loads statically must (a) import no Node built-in (node:*, fs, worker_threads, ...), directly
// or as a string a dynamic import could take, and (b) hold none of gpu.js nor the gpujs backend,
// which `loadBackend('gpujs')` imports on demand as a chunk of its own, nor Graphviz (only
// tensorloom/node's renderSvg loads @viz-js/viz). The sizes are printed.

import { mkdtempSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../..');

interface Chunk { fileName: string; code: string; isEntry: boolean; imports: string[]; dynamicImports: string[]; moduleIds: string[] }

const isBuiltin = (id: string): boolean => id.startsWith('node:') || builtinModules.includes(id.split('/')[0]);

describe('browser bundle of the main entry', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'tensorloom-bundle-'));
  /** every Node built-in some module asked for, as "importer -> id" */
  const builtinImports: string[] = [];
  let chunks: Chunk[] = [];
  let main: Chunk[] = [];

  beforeAll(async () => {
    const { build } = await import('vite');
    const out = await build({
      root,
      configFile: false,
      logLevel: 'silent',
      // the browser conditions pick gpu.js's browser build, as a bundler for a web page does
      resolve: { conditions: ['browser', 'module', 'import', 'default'], mainFields: ['browser', 'module', 'main'] },
      plugins: [{
        name: 'record-node-builtins',
        enforce: 'pre',
        async resolveId(id: string, importer?: string) {
          if (!isBuiltin(id)) return null;
          // a package's own "browser": { "crypto": false } maps it to an empty module: fine
          const r = await this.resolve(id, importer, { skipSelf: true });
          if (r?.id === '__vite-browser-external') return r;
          builtinImports.push(`${importer ? relative(root, importer) : '?'} -> ${id}`);
          return { id, external: true };
        },
      }],
      build: {
        outDir,
        write: false,
        minify: true,
        target: 'es2022',
        lib: { entry: resolve(root, 'src/index.ts'), formats: ['es'], fileName: () => 'tensorloom.js' },
      },
    });
    const outputs = (Array.isArray(out) ? out : [out]) as unknown as { output: (Chunk & { type: string })[] }[];
    chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
    // the entry and every chunk it imports statically: what `import 'tensorloom'` loads
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const seen = new Set<string>();
    const queue = chunks.filter((c) => c.isEntry).map((c) => c.fileName);
    while (queue.length) {
      const f = queue.pop()!;
      if (seen.has(f) || !byName.has(f)) continue;
      seen.add(f);
      queue.push(...byName.get(f)!.imports);
    }
    main = [...seen].map((f) => byName.get(f)!);
    const size = (cs: Chunk[]): string => {
      const code = cs.map((c) => c.code).join('\n');
      return `${(Buffer.byteLength(code) / 1024).toFixed(1)} KiB minified, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzip`;
    };
    const lazy = chunks.filter((c) => !seen.has(c.fileName));
    console.log(`bundle: main entry ${size(main)} (${main.length} chunks); loaded on demand ${size(lazy)} (${lazy.map((c) => c.fileName).join(', ')})`);
  }, 60_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('imports no Node built-in module', () => {
    expect(main.length).toBeGreaterThan(0);
    // static or literal dynamic imports (rolldown resolved them through the plugin above) ...
    expect(builtinImports).toEqual([]);
    // ... and no 'node:...' string that a computed import() could load
    const named = main.flatMap((c) => [...c.code.matchAll(/["'`](node:[\w/]+)["'`]/g)].map((m) => `${c.fileName}: ${m[1]}`));
    expect(named).toEqual([]);
  });

  it('leaves gpu.js and the gpujs backend out of the main entry, in a chunk loaded on demand', () => {
    const inMain = main.flatMap((c) => c.moduleIds).map((id) => relative(root, id));
    expect(inMain.filter((id) => id.includes('node_modules/gpu.js/') || id.startsWith('src/backend/gpujs/'))).toEqual([]);
    expect(inMain).toContain('src/backend/registry.ts');
    // the lazy chunk exists and the entry reaches it through loadBackend's import()
    const lazy = chunks.filter((c) => c.moduleIds.some((id) => id.includes('node_modules/gpu.js/')));
    expect(lazy.length).toBe(1);
    expect(lazy[0].moduleIds.map((id) => relative(root, id))).toContain('src/backend/gpujs/index.ts');
    expect(main.some((c) => c.dynamicImports.includes(lazy[0].fileName))).toBe(true);
  });

  it('holds no Graphviz: toDot is in the main entry, renderSvg (@viz-js/viz) only in tensorloom/node', () => {
    const all = chunks.flatMap((c) => c.moduleIds).map((id) => relative(root, id));
    expect(all.filter((id) => id.includes('@viz-js'))).toEqual([]);
    expect(main.flatMap((c) => c.moduleIds).map((id) => relative(root, id))).toContain('src/viz/dot.ts');
  });
});
