import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a package was found, and every place that was searched (for the not-found message). */
export interface PackageLookup {
  /** The package's directory, or null. */
  dir: string | null;
  /** The directories resolution started from, in order. */
  searched: string[];
}

/**
 * Finds an installed package the way Node's `require.resolve` would from each directory of
 * `from` in turn (each directory's `node_modules` chain, `NODE_PATH`, the global folders),
 * returning the first hit. `package.json` is looked up directly, so packages whose `exports`
 * hide it are found too.
 */
export function findPackage(name: string, from: readonly string[]): PackageLookup {
  const searched: string[] = [];
  for (const start of from) {
    const base = resolve(start);
    if (searched.includes(base)) continue;
    searched.push(base);
    const paths = createRequire(join(base, 'noop.js')).resolve.paths(name) ?? [];
    for (const p of paths) {
      const candidate = join(p, name);
      if (existsSync(join(candidate, 'package.json'))) return { dir: candidate, searched };
    }
  }
  return { dir: null, searched };
}

/**
 * The directory of this package's own code. Resolving a data package from here finds it when it
 * is installed in the project that depends on `@lacuna/datasets`, wherever the process runs.
 * (The CommonJS build gets `import.meta.url` from tsup's shims.)
 */
export function ownDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}
