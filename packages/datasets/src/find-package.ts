import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a package was found, and every place that was searched (for the not-found message). */
export interface PackageLookup {
  /** The package's directory, or null. */
  dir: string | null;
  /** The directories resolution started from, in order. */
  searched: string[];
}

/**
 * Finds an installed package the way Node's `require` would from each directory of `from` in
 * turn: the `node_modules` folder of that directory and of each ancestor. `NODE_PATH` and the
 * global folders are not consulted (package managers set `NODE_PATH` for their scripts), so the
 * answer depends only on the projects around `from`. `package.json` is looked up directly, so a
 * package whose `exports` hide it is found too.
 */
export function findPackage(name: string, from: readonly string[]): PackageLookup {
  const searched: string[] = [];
  for (const start of from) {
    const base = resolve(start);
    if (searched.includes(base)) continue;
    searched.push(base);
    for (let dir = base; ; dir = dirname(dir)) {
      // Like Node, never look in node_modules/node_modules.
      if (basename(dir) !== 'node_modules') {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) return { dir: candidate, searched };
      }
      if (dirname(dir) === dir) break;
    }
  }
  return { dir: null, searched };
}

/**
 * The directory of this package's own code. Resolving a data package from here finds it when it
 * is installed in the project that depends on `@lacuna/datasets`, wherever the process runs.
 * The CommonJS build gets `import.meta.url` from tsup's shim (built from `__filename`). Do not
 * use `__dirname` here: its ES-module shim would land in a chunk the browser entry shares.
 */
export function ownDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}
