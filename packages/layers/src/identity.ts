import { createBrand, type PackageCopy } from '@lacuna/tensor';

// Replaced at build time by tsup's `define` with package.json's version; tests run from source.
declare const __LACUNA_LAYERS_VERSION__: string | undefined;

function loadedFrom(): string {
  try {
    return String(import.meta.url);
  } catch {
    return 'unknown location';
  }
}

// This copy of @lacuna/layers: an ESM import and a CJS require of the package are two copies, and
// a module made by one must pass `instanceof Module` in the other (a CJS-built Linear inside an
// ESM Sequential, an ESM Dropout found by a CJS mcPredict).
const THIS_COPY: PackageCopy = Object.freeze({
  name: '@lacuna/layers',
  version:
    typeof __LACUNA_LAYERS_VERSION__ === 'string' ? __LACUNA_LAYERS_VERSION__ : '0.0.0-source',
  path: loadedFrom(),
});

/** Brand of {@link Module} across copies of this version. @internal */
export const MODULE_BRAND = createBrand('layers.Module', 'Module', THIS_COPY);
/** Brand of {@link DropoutLayer} across copies of this version. @internal */
export const DROPOUT_LAYER_BRAND = createBrand('layers.DropoutLayer', 'DropoutLayer', THIS_COPY);
