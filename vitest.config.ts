import { defineConfig } from 'vitest/config';

// chdb binds one data directory per process, so every test file runs in its own fork. Browser
// tests (Playwright driving Debian's Chromium against the built console) are a project of their
// own: `npx vitest run --project unit` skips them, `--project browser` runs only them.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/browser/**'] } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 } },
    ],
  },
});
