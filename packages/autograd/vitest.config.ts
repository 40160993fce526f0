import { base } from '@lacuna/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(
  base,
  defineConfig({
    // --expose-gc lets the memory test collect garbage before it reads the heap.
    test: { execArgv: ['--expose-gc'] },
  }),
);
