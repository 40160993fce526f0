import type { UserConfig } from 'vitest/config';

/** The settings every package's vitest.config.ts starts from. */
export declare const base: UserConfig;
