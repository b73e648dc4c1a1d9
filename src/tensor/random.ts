// random.ts — the one global random generator (seedrandom's ARC4) behind every random op,
// initializer, dropout mask and token masking. manualSeed(n) makes all of them reproducible:
// the same seed gives bit-identical tensors on the same backend, because every random number is
// drawn here on the host in a fixed order and then uploaded.
// Reference: torch.manual_seed; Box-Muller transform for normals.

import seedrandom from 'seedrandom';

let prng: seedrandom.PRNG = seedrandom(String(Date.now()));

/** Seeds the global generator. */
export function manualSeed(seed: number | string): void {
  prng = seedrandom(String(seed));
}

/** A uniform double in [0, 1) with 53 random bits. */
export function random(): number {
  return prng.double();
}

/** A uniform integer in [low, high). */
export function randomInt(low: number, high: number): number {
  return low + Math.floor(prng.double() * (high - low));
}

/** Fills `out` with N(0, 1) samples by the Box-Muller transform (pairs of uniforms). */
export function fillNormal(out: { length: number; [i: number]: number }): void {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - prng.double(); // (0, 1]: log never sees 0
    const u2 = prng.double();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
}

/** Fills `out` with U(0, 1) samples. */
export function fillUniform(out: { length: number; [i: number]: number }): void {
  for (let i = 0; i < out.length; i++) out[i] = prng.double();
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(prng.double() * (i + 1));
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
