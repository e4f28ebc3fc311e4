import { defineConfig } from 'vitest/config';

// chdb binds one data directory per process, so every test file runs in its own fork.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
