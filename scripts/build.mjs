// build.mjs — builds dist/esm (ES modules) and dist/cjs (CommonJS), both with .d.ts types,
// using the TypeScript compiler, after compiling the wasm kernels (scripts/build-wasm.mjs writes
// dist/wasm/ and src/backend/wasm/binary.gen.ts). dist/cjs gets a package.json marking it CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { stdio: 'inherit' });
for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
}
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');
writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');
console.log('built dist/esm and dist/cjs');
