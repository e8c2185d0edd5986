import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The samples import the package by name, as a user's app does; under test that name is the
    // source in lib/ (outside the tests, Node resolves it to the built dist/ through the package's
    // exports; tsconfig.json's `paths` give the type checker the same mapping).
    alias: [
      { find: /^nestjs-zk-discovery$/, replacement: source('./lib/index.ts') },
      { find: /^nestjs-zk-discovery\/core$/, replacement: source('./lib/core/index.ts') },
      { find: /^nestjs-zk-discovery\/testing$/, replacement: source('./lib/testing/index.ts') },
      { find: /^nestjs-zk-discovery\/health$/, replacement: source('./lib/nest/health/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One shared ZooKeeper for the run; tests get its connect string with inject('zkConnect').
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
