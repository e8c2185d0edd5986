import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Files about the client, sessions, faults, resilience and interop: they run under each
 * transport. Everything else runs under the default (protocol) transport only.
 */
const BOTH_TRANSPORTS = [
  'test/client/*.test.ts',
  'test/resilience/**/*.test.ts',
  'test/interop/**/*.test.ts',
  'test/observability/**/*.test.ts',
  'test/sd/sd-faults.test.ts',
  'test/nest/zookeeper-down.e2e.test.ts',
  'test/health/health.e2e.test.ts',
];

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
      {
        find: /^nestjs-zk-discovery\/microservices$/,
        replacement: source('./lib/microservices/index.ts'),
      },
      { find: /^nestjs-zk-discovery\/fetch$/, replacement: source('./lib/fetch/index.ts') },
      { find: /^nestjs-zk-discovery\/grpc$/, replacement: source('./lib/grpc/index.ts') },
    ],
  },
  test: {
    // One shared ZooKeeper per project; tests get its connect string with inject('zkConnect').
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'protocol', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'native',
          include: BOTH_TRANSPORTS,
          // The transport's default for this process and every process a test starts.
          env: { ZK_DISCOVERY_TRANSPORT: 'native' },
        },
      },
    ],
  },
});
