// Shared tsup settings: every published package builds the same way (ESM + CJS with types and
// source maps, ES2022), and says only what is its own (entries, platform, version define, ...).
import { defineConfig } from 'tsup';

/**
 * A package's tsup config: the workspace's settings, overridden by `own`.
 * @param {import('tsup').Options} own - Entries and whatever differs for this package.
 */
export function packageConfig(own) {
  return defineConfig({
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    // Class names survive bundling: errors print `LacunaError`, not `_LacunaError`.
    keepNames: true,
    ...own,
  });
}
