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
  // Class names survive bundling: errors print `SafetensorsError`, not `_SafetensorsError`.
  keepNames: true,
  platform: 'neutral',
  // The version goes into the Module brands; `shims` gives the CJS build an import.meta.url.
  define: { __LACUNA_LAYERS_VERSION__: JSON.stringify(version) },
  shims: true,
});
