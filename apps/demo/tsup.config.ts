import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts', 'src/live-worker.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  platform: 'node',
});
