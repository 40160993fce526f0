import { packageConfig } from '@lacuna/tsup-config';

export default packageConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  platform: 'node',
  // The node entry resolves data packages from its own location (import.meta.url); the shim
  // gives the CommonJS build the same URL from __filename.
  shims: true,
});
