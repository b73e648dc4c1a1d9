// smoke-node.mjs — runs test/browser/smoke.js in Node on the library's sources (through tsx),
// for the gpu.js modes Node has: headlessgl (under xvfb-run, see scripts/test-gl.sh), webasm, cpu.
//
//   node --import tsx test/browser/smoke-node.mjs [mode]     (default headlessgl; exit 1 on failure)

import { smoke } from './smoke.js';

const tl = await import('../../src/index.ts');
const mode = process.argv[2] ?? 'headlessgl';
const report = await smoke(tl, mode);
console.log(report.lines.join('\n'));
console.log(report.ok ? `smoke test on gpujs:${mode} passed` : `smoke test on gpujs:${mode} FAILED`);
process.exit(report.ok ? 0 : 1);
