import { base } from '@lacuna/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      testTimeout: 120_000,
      // `all --quick` runs once for every file that checks its reports (all-quick.setup.ts).
      globalSetup: ['test/all-quick.setup.ts'],
      hookTimeout: 600_000,
    },
  }),
);
