import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Class names survive bundling: errors print `LacunaError`, not `_LacunaError`.
  keepNames: true,
  platform: 'node',
  // The node entry resolves data packages from its own location (import.meta.url); the shim
  // gives the CommonJS build the same URL from __filename.
  shims: true,
});
