// node_builtin.ts — reaches a Node built-in module (v8, vm, os, worker_threads) at run time
// through process.getBuiltinModule, which browsers lack (null there). Never an import, so the
// main entry bundles for the browser without a Node built-in (test/bundle.test.ts).

type GetBuiltin = (id: string) => unknown;

const getBuiltin = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process?.getBuiltinModule;

/** Whether this is Node (with process.getBuiltinModule, Node ≥ 20.16). */
export const isNode = typeof getBuiltin === 'function';

/** Node's built-in module `name` ('v8', 'os', ...), or null outside Node. */
export function nodeBuiltin<T>(name: string): T | null {
  return isNode ? (getBuiltin!(`node:${name}`) as T) : null;
}
