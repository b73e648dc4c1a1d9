// normalize.ts — Unicode NFC and NFD in time linear in the text. String.prototype.normalize
// puts each run of combining marks in canonical order (by combining class, ccc) with an insertion
// sort: quadratic on a long run whose classes alternate ('a' + '\u0301\u0316'.repeat(n)). Here long
// runs are first put in canonical order by a stable counting sort on ccc ranks, so normalize()
// finds them sorted. Reference: Unicode Standard Annex #15 §§1.3, 13 (canonical ordering).

/** 32 marks in a row (every character with ccc > 0 is a mark): where a run sorted here starts. */
const LONG_RUN_START = /\p{M}{32}/gu;
const MARK = /^\p{M}$/u;

/** `text.normalize('NFC')`, in linear time. */
export function nfc(text: string): string {
  return sortLongMarkRuns(text).normalize('NFC');
}

/** `text.normalize('NFD')`, in linear time. */
export function nfd(text: string): string {
  return sortLongMarkRuns(text).normalize('NFD');
}

/**
 * `text` with each run of 32 or more marks decomposed and in canonical order (canonically
 * equivalent). The run is found with a fixed count and extended one mark at a time:
 * /\p{M}{32,}/ would overflow the regexp backtracking stack on a run of millions.
 */
function sortLongMarkRuns(text: string): string {
  LONG_RUN_START.lastIndex = 0;
  if (text.length < 32 || !LONG_RUN_START.test(text)) return text;
  const parts: string[] = [];
  let done = 0;
  LONG_RUN_START.lastIndex = 0;
  for (let m = LONG_RUN_START.exec(text); m !== null; m = LONG_RUN_START.exec(text)) {
    const cps: number[] = [];
    let end = m.index, decomposed = false;
    for (let cp = text.codePointAt(end)!; end < text.length && isMark(cp); cp = text.codePointAt(end)!) {
      end += cp > 0xffff ? 2 : 1;
      const d = decomposition(cp);
      if (d === null) cps.push(cp);
      else for (const c of d) cps.push(c);
      decomposed ||= d !== null;
    }
    const sorted = canonicalOrder(cps);
    parts.push(text.slice(done, m.index), sorted || decomposed ? fromCodePoints(cps) : text.slice(m.index, end));
    done = LONG_RUN_START.lastIndex = end;
  }
  parts.push(text.slice(done));
  return parts.join('');
}

/**
 * Sorts each stretch of non-starters of `cps` in place (the stretches split at marks with ccc 0)
 * stably by ccc, with a counting sort on the ranks of the distinct classes in the run. Returns
 * whether anything moved.
 */
function canonicalOrder(cps: number[]): boolean {
  const ranks = classRanks(cps);
  const rank = Int32Array.from(cps, (c) => ranks.get(c) ?? -1); // -1: a starter
  const count = new Int32Array(ranks.size + 1);
  let stretch: Int32Array | null = null;
  let moved = false;
  for (let i = 0; i < cps.length;) {
    let j = i + 1, sorted = true;
    for (; j < cps.length && rank[j] >= 0 && rank[i] >= 0; j++) if (rank[j] < rank[j - 1]) sorted = false;
    if (!sorted) {
      moved = true;
      count.fill(0);
      for (let k = i; k < j; k++) count[rank[k] + 1]++;
      for (let r = 1; r < count.length; r++) count[r] += count[r - 1];
      stretch ??= new Int32Array(cps.length);
      for (let k = i; k < j; k++) stretch[count[rank[k]]++] = cps[k];
      for (let k = i; k < j; k++) cps[k] = stretch[k - i];
    }
    i = j;
  }
  return moved;
}

/** The non-starters of `cps`, each mapped to the rank of its ccc among theirs (equal ccc, equal rank). */
function classRanks(cps: number[]): Map<number, number> {
  const distinct = [...new Set(cps)].filter(isNonStarter).sort((a, b) => (sortsAfter(a, b) ? 1 : sortsAfter(b, a) ? -1 : 0));
  const rank = new Map<number, number>();
  distinct.forEach((c, k) => rank.set(c, k === 0 ? 0 : rank.get(distinct[k - 1])! + (sortsAfter(c, distinct[k - 1]) ? 1 : 0)));
  return rank;
}

/**
 * Whether ccc(x) > ccc(y) > 0 for two code points that are their own NFD: exactly then NFD
 * swaps them. (normalize() is the only source of ccc values a JS engine exposes.)
 */
function sortsAfter(x: number, y: number): boolean {
  const xs = String.fromCodePoint(x), ys = String.fromCodePoint(y);
  return (xs + ys).normalize('NFD') === ys + xs;
}

const nonStarter = new Map<number, boolean>();
/** ccc(c) > 0: c moves before U+0301 (ccc 230), or U+0334 (ccc 1, the smallest) moves before c. */
function isNonStarter(c: number): boolean {
  let r = nonStarter.get(c);
  if (r === undefined) nonStarter.set(c, (r = sortsAfter(0x301, c) || sortsAfter(c, 0x334)));
  return r;
}

const mark = new Map<number, boolean>();
function isMark(cp: number): boolean {
  if (cp < 0x300) return false; // the first mark is U+0300
  let r = mark.get(cp);
  if (r === undefined) mark.set(cp, (r = MARK.test(String.fromCodePoint(cp))));
  return r;
}

const decompositions = new Map<number, number[] | null>();
/** The code points of cp's NFD, or null when that is cp itself. */
function decomposition(cp: number): number[] | null {
  let d = decompositions.get(cp);
  if (d === undefined) {
    const s = String.fromCodePoint(cp);
    const n = s.normalize('NFD');
    decompositions.set(cp, (d = n === s ? null : Array.from(n, (c) => c.codePointAt(0)!)));
  }
  return d;
}

function fromCodePoints(cps: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cps.length; i += 4096) parts.push(String.fromCodePoint(...cps.slice(i, i + 4096)));
  return parts.join('');
}
