import { readFileSync } from 'node:fs';
import { packageConfig } from '@lacuna/tsup-config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default packageConfig({
  entry: ['src/index.ts', 'src/node.ts'],
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
