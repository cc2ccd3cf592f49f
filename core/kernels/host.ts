/**
 * What the kernels read from the host, without importing anything Node-only, so a browser bundle
 * of the library sees no Node import: an environment variable, and a Node built-in module found
 * through `process.getBuiltinModule`. Both are undefined in a browser.
 */

type Host = {
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
};

/** The environment variable `name`, or undefined when it is unset, empty or there is no environment. */
export function env(name: string): string | undefined {
  const v = (globalThis as Host).process?.env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Node's built-in module `id` (`'node:os'`), or undefined outside Node. */
export function nodeBuiltin<T>(id: string): T | undefined {
  return (globalThis as Host).process?.getBuiltinModule?.(id) as T | undefined;
}
