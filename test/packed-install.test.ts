import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePorts } from '../lib/testing/index.js';
import { type ChildScript, startChildScript } from './support/child-script.js';
import { repoRoot } from './support/compiled-lib.js';
import { installPackedPackage } from './support/packed-package.js';
import { uniqueRoot } from './support/unique-root.js';
import { waitFor } from './support/wait-for.js';

const workDir = join(repoRoot, '.build', 'packed-install');
const appDir = join(workDir, 'app');
const appsSource = join(import.meta.dirname, 'support', 'packed-apps');

interface AppResult {
  node: string;
  url: string;
  data: string;
  health: { status: number; zookeeper: string | undefined };
  testingEntry: string;
}

describe('the packed tarball, installed into a CommonJS app and an ES module app', () => {
  const servers = inject('zkConnect');
  let files: string[];

  beforeAll(() => {
    files = installPackedPackage(workDir, appDir);
  });

  it('ships dist, bin and README only, and every entry loads and registers from both module systems', async () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/zk-discovery.js']),
    );
    expect(files.every((file) => /^(package\.json|README\.md|bin\/|dist\/)/.test(file))).toBe(true);
    // `nest new` makes a CommonJS package; `"type": "module"` makes an ESM one.
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ type: 'commonjs', private: true }),
    );
    for (const file of ['registering-app.cjs', 'cjs-app.cjs', 'esm-app.mjs']) {
      copyFileSync(join(appsSource, file), join(appDir, file));
    }
    const name = uniqueRoot('packed').replaceAll('/', '');
    const apps = [
      { script: 'cjs-app.cjs', service: `${name}-cjs` },
      { script: 'esm-app.mjs', service: `${name}-esm` },
    ];
    const results = await Promise.all(
      apps.map(async ({ script, service }) => {
        const app = startChildScript(join(appDir, script), [service, servers]);
        const code = await app.exited(30_000);
        expect({ script, code, stderr: app.stderr.join('\n') }).toEqual({
          script,
          code: 0,
          stderr: '',
        });
        return JSON.parse(app.stdout.at(-1)!) as AppResult;
      }),
    );
    for (const [index, { service }] of apps.entries()) {
      const result = results[index]!;
      expect(result.node.startsWith(`/services/packed/${service}/`)).toBe(true);
      expect(result.data).toBe(result.url);
      expect(result.health).toEqual({ status: 200, zookeeper: 'up' });
      expect(result.testingEntry).toBe('function');
    }
  });

  it('every entry of the exports map loads with require() and with import', async () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const entries = Object.keys(manifest.exports)
      .filter((entry) => entry !== './package.json')
      .map((entry) => `nestjs-zk-discovery${entry.slice(1)}`);
    expect(entries).toEqual(
      expect.arrayContaining([
        'nestjs-zk-discovery',
        'nestjs-zk-discovery/microservices',
        'nestjs-zk-discovery/fetch',
        'nestjs-zk-discovery/grpc',
      ]),
    );
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ type: 'commonjs', private: true }),
    );
    for (const script of ['entries-app.cjs', 'entries-app.mjs']) {
      copyFileSync(join(appsSource, script), join(appDir, script));
      const app = startChildScript(join(appDir, script), [JSON.stringify(entries)]);
      expect({ script, code: await app.exited(30_000), stderr: app.stderr.join('\n') }).toEqual({
        script,
        code: 0,
        stderr: '',
      });
      const loaded = JSON.parse(app.stdout.at(-1)!) as Record<string, number>;
      expect(Object.keys(loaded)).toEqual(entries);
      for (const entry of entries) expect(loaded[entry], `${script}: ${entry}`).toBeGreaterThan(0);
    }
  });

  it('the README shows the quick-start files exactly as they are', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const file of QUICK_START_FILES) {
      const source = readFileSync(join(repoRoot, 'sample', '00-quick-start', file), 'utf8');
      expect(readme, `README.md quotes sample/00-quick-start/${file}`).toContain(
        `\`${file}\`:\n\n\`\`\`ts\n${source}\`\`\``,
      );
    }
  });

  it("the README's install line names every package the quick start needs", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const installLine = /^npm install (.+)$/m.exec(readme)?.[1]?.split(/\s+/) ?? [];
    const imported = new Set<string>();
    for (const file of QUICK_START_FILES) {
      const source = readFileSync(join(repoRoot, 'sample', '00-quick-start', file), 'utf8');
      for (const [, name] of source.matchAll(/from '((?:@[^/']+\/)?[^/'.][^/']*)/g)) {
        if (!name!.startsWith('node:')) imported.add(name!);
      }
    }
    // NestFactory.create() loads the HTTP platform, and rxjs is Nest's peer: neither is imported.
    for (const name of [...imported, '@nestjs/platform-express', 'rxjs']) {
      expect(installLine, `the README's install line installs ${name}`).toContain(name);
    }
  });

  it("the README's quick start compiles against the package's types and runs: two instances and a gateway", async () => {
    const started: ChildScript[] = [];
    try {
      const project = join(workDir, 'quick-start');
      mkdirSync(join(project, 'src'), { recursive: true });
      symlinkSync(join(appDir, 'node_modules'), join(project, 'node_modules'));
      // What `nest new` sets up: a CommonJS package, decorators with metadata, strict.
      writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true }));
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(QUICK_START_TSCONFIG));
      for (const file of QUICK_START_FILES) {
        copyFileSync(join(repoRoot, 'sample', '00-quick-start', file), join(project, 'src', file));
      }
      execFileSync(process.execPath, [
        join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '-p',
        project,
      ]);

      const [zkPort, servicePort1, servicePort2, gatewayPort] = await freePorts(4);
      const start = (file: string, env: Record<string, string>) => {
        const child = startChildScript(join(project, 'dist', file), [], { env, cwd: project });
        started.push(child);
        return child;
      };
      const zookeeper = start('zookeeper.js', { ZK_PORT: String(zkPort) });
      await zookeeper.line(
        new RegExp(`^ZooKeeper on 127\\.0\\.0\\.1:${zkPort}; Ctrl-C stops it$`),
        30_000,
      );
      const env = (port: number | undefined) => ({
        ZK_SERVERS: `127.0.0.1:${zkPort}`,
        PORT: String(port),
      });
      const services = [
        start('service.js', env(servicePort1)),
        start('service.js', env(servicePort2)),
      ];
      for (const service of services)
        await service.line(/^registered \/services\/hello\/abc\/_c_/, 20_000);
      const gateway = start('gateway.js', env(gatewayPort));
      await gateway.line(/^gateway on http:\/\/127\.0\.0\.1:\d+\/hello$/, 20_000);

      const hello = async () => {
        const response = await fetch(`http://127.0.0.1:${gatewayPort}/hello`);
        return { status: response.status, body: (await response.json()) as { pid?: number } };
      };
      const pids = new Set<number | undefined>();
      for (let i = 0; i < 4; i++) {
        const answer = await hello();
        expect(answer.status).toBe(200);
        pids.add(answer.body.pid);
      }
      expect(pids).toEqual(new Set(services.map((service) => service.process.pid)));

      // SIGTERM: the instance deregisters, and every later call goes to the other one.
      // Nest closes the app, then raises the signal again: the process ends by SIGTERM.
      services[0]!.process.kill('SIGTERM');
      expect(await services[0]!.exited(10_000)).toBe('SIGTERM');
      for (let i = 0; i < 4; i++) {
        expect(await hello()).toEqual({
          status: 200,
          body: { message: 'hello', pid: services[1]!.process.pid },
        });
      }
      services[1]!.process.kill('SIGTERM');
      expect(await services[1]!.exited(10_000)).toBe('SIGTERM');
      await waitFor(async () => (await hello()).status === 503, { timeoutMs: 10_000 });
      gateway.process.kill('SIGTERM');
      expect(await gateway.exited(10_000)).toBe('SIGTERM');
      // Ctrl-C stops the ZooKeeper (and its JVM) and the script exits cleanly.
      zookeeper.process.kill('SIGINT');
      expect(await zookeeper.exited(20_000)).toBe(0);
    } finally {
      for (const child of started) child.kill();
    }
  });
});

const QUICK_START_FILES = ['service.ts', 'gateway.ts', 'zookeeper.ts'];

const QUICK_START_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'ES2023',
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    strict: true,
    types: ['node'],
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};
