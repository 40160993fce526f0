import { packageConfig } from '@lacuna/tsup-config';

export default packageConfig({ entry: ['src/index.ts'] });
