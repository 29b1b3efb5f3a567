import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'renderer/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['main/cli/testing/bundle-setup.mjs']
  }
})
