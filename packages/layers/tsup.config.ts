import { readFileSync } from 'node:fs';
import { packageConfig } from '@lacuna/tsup-config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default packageConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  // The version goes into the Module brands; `shims` gives the CJS build an import.meta.url.
  define: { __LACUNA_LAYERS_VERSION__: JSON.stringify(version) },
  shims: true,
});
