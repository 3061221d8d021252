import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one real Redis; each uses its own key prefix.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
