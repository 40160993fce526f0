import { base } from '@lacuna/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

export default mergeConfig(base, defineConfig({ test: { testTimeout: 120_000 } }));
