import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // Class names survive minification-free bundling too: errors print `LacunaError`, not `_LacunaError`.
  keepNames: true,
  // seedrandom's Alea is CommonJS: bundled in, so the ESM build loads in a browser from plain
  // files or a CDN (no bare CommonJS import left for the page to resolve).
  noExternal: ['seedrandom'],
  banner: {
    js: '/*! @lacuna/tensor bundles Alea from seedrandom 3.0.5, MIT, Copyright (C) 2010 by Johannes Baagøe: see THIRD_PARTY_NOTICES.md */',
  },
  // The version goes into the identity brands; `shims` gives the CJS build an import.meta.url
  // (the copy's path in version-conflict errors).
  define: { __LACUNA_TENSOR_VERSION__: JSON.stringify(version) },
  shims: true,
});
