import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`../src/${p}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  // examples import the package by name, as a user would; tests run them against the sources
  resolve: { alias: [{ find: /^vkms-ts\/testing$/, replacement: src('testing/index.ts') }, { find: /^vkms-ts$/, replacement: src('index.ts') }] },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 20000,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'test/tsconfig.json' },
  },
});
