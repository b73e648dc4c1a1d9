// profile.ts — runs one case in one column in a loop, for a profiler to look at:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts matmul-512 [tensorloom] [seconds]
// then open the .cpuprofile in Chrome DevTools (or sum self time per function). Builds the case
// the way run.ts does (bench/libraries.ts), without the other columns or the timing harness.

import { CASES } from './cases/index.js';
import { LIBRARIES } from './libraries.js';

const [name, libName = 'tensorloom', seconds = '5'] = process.argv.slice(2);
const c = CASES.find((k) => k.name === name);
const lib = LIBRARIES.find((l) => l.name === libName);
if (!c || !lib) {
  console.error(`usage: bench/profile.ts <case> [lib] [seconds]\ncases: ${CASES.map((k) => k.name).join(', ')}\nlibs: ${LIBRARIES.map((l) => l.name).join(', ')}`);
  process.exit(1);
}
await lib.activate();
const runner = lib.prepare(c);
if (!runner) throw new Error(`${name} has no ${lib.family} version`);
const t0 = performance.now();
let calls = 0;
while (performance.now() - t0 < Number(seconds) * 1e3) {
  runner.run();
  calls++;
}
runner.dispose?.();
console.log(`${name} on ${lib.name}: ${calls} calls, ${((performance.now() - t0) / calls).toFixed(3)} ms per call`);
