import type { Options } from 'tsup';

/**
 * A package's tsup config: the workspace's settings, overridden by `own`. Typed as a plain object
 * on the way out: tsup only reads it, and naming tsup's type from here would tie each package's
 * declaration output to this folder's copy of tsup.
 */
export function packageConfig(own: Options): object;
