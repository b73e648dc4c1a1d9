// flags.ts — the examples' command-line flags: `--name value`, else the fallback.

/** The value after `--name` on the command line, or `fallback` when the flag is absent. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
