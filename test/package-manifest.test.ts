import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileLib } from './support/compiled-lib.js';

const FORBID_NEST = join(import.meta.dirname, 'support', 'children', 'forbid-nest.mjs');
const HIDE_OPTIONAL_PEERS = join(
  import.meta.dirname,
  'support',
  'children',
  'hide-optional-peers.mjs',
);

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  type: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  files: string[];
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('package manifest', () => {
  it('declares every package imported from lib/ as a dependency or peer dependency', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules);
    const undeclared: string[] = [];
    for (const file of sourceFiles(join(root, 'lib'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = packageName(specifier);
        if (!declared.has(name)) undeclared.push(`${relative(root, file)} imports ${name}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('declares the optional integrations (terminus, prom-client, microservices, grpc-js) as optional peers, installed for dev', () => {
    const dev = (manifest as { devDependencies?: Record<string, string> }).devDependencies ?? {};
    for (const name of [
      '@nestjs/terminus',
      'prom-client',
      '@nestjs/microservices',
      '@grpc/grpc-js',
    ]) {
      expect(manifest.peerDependencies?.[name], name).toBeDefined();
      expect(manifest.peerDependenciesMeta?.[name], name).toEqual({ optional: true });
      expect(dev[name], name).toBeDefined();
    }
    expect(manifest.exports['./health']).toEqual({
      types: './dist/nest/health/index.d.ts',
      default: './dist/nest/health/index.js',
    });
    expect(manifest.exports['./microservices']).toEqual({
      types: './dist/microservices/index.d.ts',
      default: './dist/microservices/index.js',
    });
    expect(manifest.exports['./grpc']).toEqual({
      types: './dist/grpc/index.d.ts',
      default: './dist/grpc/index.js',
    });
  });

  it('is ESM with an exports map giving types and default for every entry', () => {
    expect(manifest.type).toBe('module');
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (entry === './package.json') continue;
      expect(target, entry).toMatchObject({
        types: expect.stringMatching(/\.d\.ts$/),
        default: expect.stringMatching(/\.js$/),
      });
    }
  });

  it('the built package imports cleanly through its exports map', () => {
    const outDir = compileLib(join(root, '.build', 'package-check'));
    const names = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const main = await import(${JSON.stringify(join(outDir, 'index.js'))});
         const testing = await import(${JSON.stringify(join(outDir, 'testing/index.js'))});
         const health = await import(${JSON.stringify(join(outDir, 'nest/health/index.js'))});
         console.log(JSON.stringify({ main: Object.keys(main), testing: Object.keys(testing), health: Object.keys(health) }));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const exported = JSON.parse(names) as { main: string[]; testing: string[]; health: string[] };
    expect(exported.health).toContain('ZkHealthIndicator');
    // Without the optional peers the main entry still imports, and the health subpath says what
    // to install.
    const withoutPeers = execFileSync(
      process.execPath,
      [
        '--import',
        HIDE_OPTIONAL_PEERS,
        '--input-type=module',
        '-e',
        `const main = await import(${JSON.stringify(join(outDir, 'index.js'))});
         console.log(typeof main.ZkDiscoveryModule);
         await import(${JSON.stringify(join(outDir, 'nest/health/index.js'))}).then(
           () => console.log('imported'),
           (error) => console.log(error.message),
         );`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(withoutPeers).toMatch(/^function\n.*npm install @nestjs\/terminus\n$/);
    // The microservices subpath loads @nestjs/microservices, and says so when it is missing.
    const microservices = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const entry = await import(${JSON.stringify(join(outDir, 'microservices/index.js'))});
         console.log(typeof entry.ZkClientProxy, typeof entry.ZkClientsModule);`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(microservices).toBe('function function\n');
    const withoutMicroservices = execFileSync(
      process.execPath,
      [
        '--import',
        HIDE_OPTIONAL_PEERS,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(join(outDir, 'microservices/index.js'))}).then(
           () => console.log('imported'),
           (error) => console.log(error.message),
         );`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(withoutMicroservices).toBe(
      'nestjs-zk-discovery/microservices needs the package @nestjs/microservices, which is not ' +
        'installed. Install it beside nestjs-zk-discovery: npm install @nestjs/microservices\n',
    );
    // The grpc subpath loads @grpc/grpc-js (and registers the zk: scheme), and says so when it
    // is missing; the other entries never load it.
    const grpcEntry = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const main = await import(${JSON.stringify(join(outDir, 'index.js'))});
         const { createRequire } = await import('node:module');
         const cache = createRequire(import.meta.url).cache;
         const before = Object.keys(cache).some((path) => path.includes('@grpc'));
         const entry = await import(${JSON.stringify(join(outDir, 'grpc/index.js'))});
         console.log(before, typeof entry.registerZkResolver, typeof entry.ZkGrpcModule);`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(grpcEntry).toBe('false function function\n');
    const withoutGrpc = execFileSync(
      process.execPath,
      [
        '--import',
        HIDE_OPTIONAL_PEERS,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(join(outDir, 'grpc/index.js'))}).then(
           () => console.log('imported'),
           (error) => console.log(error.message),
         );`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(withoutGrpc).toBe(
      'nestjs-zk-discovery/grpc needs the package @grpc/grpc-js, which is not installed. ' +
        'Install it beside nestjs-zk-discovery: npm install @grpc/grpc-js\n',
    );
    // Metrics on without prom-client: startup fails saying what to install.
    const withoutPromClient = execFileSync(
      process.execPath,
      [
        '--import',
        HIDE_OPTIONAL_PEERS,
        '--input-type=module',
        '-e',
        `import 'reflect-metadata';
         import { Module } from '@nestjs/common';
         import { NestFactory } from '@nestjs/core';
         const { ZkDiscoveryModule } = await import(${JSON.stringify(join(outDir, 'index.js'))});
         class AppModule {}
         Module({ imports: [ZkDiscoveryModule.forRoot({ servers: '127.0.0.1:1', metrics: true, logger: false })] })(AppModule);
         const failure = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false })
           .then(() => 'started', (error) => error.message);
         console.log(failure);
         process.exit(0);`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(withoutPromClient).toMatch(/needs the package prom-client.*npm install prom-client/);
    expect(exported.main).toEqual(
      expect.arrayContaining([
        'ZkDiscoveryModule',
        'InjectEndpointer',
        'ZkClient',
        'ZkEndpointer',
        'httpEndpointFactory',
        'RetryError',
      ]),
    );
    // The core's own parts are in /core; the root keeps to what a Nest app writes.
    expect(exported.main).not.toContain('Registrar');
    expect(exported.testing).toEqual(
      expect.arrayContaining(['ZooKeeperServer', 'ZooKeeperEnsemble', 'FaultProxy']),
    );
    rmSync(outDir, { recursive: true, force: true });
  });

  it('the core entry gives the client and the discovery core, and loads no Nest package nor rxjs', () => {
    const outDir = compileLib(join(root, '.build', 'package-core-check'));
    const importWithoutNest = (entry: string) =>
      execFileSync(
        process.execPath,
        [
          '--import',
          FORBID_NEST,
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(join(outDir, entry))}).then(
             (module) => console.log(JSON.stringify(Object.keys(module))),
             (error) => console.log(JSON.stringify({ error: error.message })),
           );`,
        ],
        { cwd: root, encoding: 'utf8' },
      );
    const core = JSON.parse(importWithoutNest('core/index.js')) as string[];
    expect(core).toEqual(
      expect.arrayContaining([
        'ZkClient',
        'Registrar',
        'Instancer',
        'Endpointer',
        'ZkEndpointer',
        'roundRobin',
        'random',
        'retry',
        'exponentialBackoff',
        'httpEndpointFactory',
        'instanceDecoder',
        'silentLogger',
      ]),
    );
    expect(core).not.toContain('ZkDiscoveryModule');
    // The control: the main entry does load Nest, and the hook says so.
    expect(JSON.parse(importWithoutNest('index.js'))).toEqual({
      error: expect.stringMatching(/^Nest loaded: @nestjs\//),
    });
    expect(manifest.exports['./core']).toEqual({
      types: './dist/core/index.d.ts',
      default: './dist/core/index.js',
    });
  });

  it('the fetch entry gives the undici dispatcher, and loads no Nest package nor rxjs', () => {
    const outDir = compileLib(join(root, '.build', 'package-fetch-check'));
    const names = execFileSync(
      process.execPath,
      [
        '--import',
        FORBID_NEST,
        '--input-type=module',
        '-e',
        `const entry = await import(${JSON.stringify(join(outDir, 'fetch/index.js'))});
         console.log(JSON.stringify(Object.keys(entry)));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(JSON.parse(names)).toEqual(expect.arrayContaining(['ZkDispatcher', 'ZkRouting']));
    expect(manifest.exports['./fetch']).toEqual({
      types: './dist/fetch/index.d.ts',
      default: './dist/fetch/index.js',
    });
    rmSync(outDir, { recursive: true, force: true });
  });

  /** Imports the built core in a process whose zookeeper package is broken as `mode` says. */
  function askForNative(mode: 'no-build' | 'not-installed') {
    const outDir = compileLib(join(root, '.build', 'package-native-check'));
    const output = execFileSync(
      process.execPath,
      [
        join(import.meta.dirname, 'support', 'children', 'no-native-build.mjs'),
        join(outDir, 'core/index.js'),
        mode,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    return JSON.parse(output) as { loadsOnImport: number; message: string | null };
  }

  it('the zookeeper package is loaded only when the native transport is chosen; missing, it names the install command', () => {
    const { loadsOnImport, message } = askForNative('not-installed');
    expect(loadsOnImport).toBe(0);
    expect(message).toMatch(
      /^transport: 'native' needs the `zookeeper` package, which is not installed/,
    );
    expect(message).toContain('`npm install zookeeper`');
    expect(message).toContain("transport: 'protocol'");
  });

  it('a missing native build of zookeeper is reported with the command that builds it', () => {
    const { loadsOnImport, message } = askForNative('no-build');
    expect(loadsOnImport).toBe(0);
    expect(message).toMatch(
      /^The zookeeper package's native client is not built \(No native build was found for platform=/,
    );
    expect(message).toContain('Build it with `npm rebuild zookeeper`');
    expect(message).toContain('`npm install-scripts approve zookeeper` after installing');
  });
});
