// Shared vitest settings. Tests sit next to the code they test (src/**/*.test.ts).
import { defineConfig } from 'vitest/config';

/** The settings every package's vitest.config.ts starts from. */
export const base = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Two cores here: forks isolate native state and keep memory tests honest.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
