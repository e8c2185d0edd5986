import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startChildScript } from './support/child-script.js';
import { packPackage } from './support/packed-package.js';
import { uniqueRoot } from './support/unique-root.js';

/** npm's own CLI, beside the node running the tests (as Node's installers lay it out). */
const npmCli = join(
  dirname(process.execPath),
  '..',
  'lib',
  'node_modules',
  'npm',
  'bin',
  'npm-cli.js',
);
/** The peers a Nest HTTP app installs beside the library (the README's install line). */
const PEERS = [
  '@nestjs/common@12',
  '@nestjs/core@12',
  '@nestjs/platform-express@12',
  'reflect-metadata',
  'rxjs',
];

describe('the packed tarball on a machine without a C/C++ toolchain', () => {
  const servers = inject('zkConnect');
  // Outside the repository: no node_modules of ours up the tree for Node to find.
  const workDir = mkdtempSync(join(tmpdir(), 'zk-no-toolchain-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('installs with --ignore-scripts and no compiler on PATH, then connects, registers and discovers on the default transport', async () => {
    const { tarball } = packPackage(workDir);
    const appDir = join(workDir, 'app');
    const bin = join(workDir, 'bin');
    mkdirSync(appDir, { recursive: true });
    mkdirSync(bin, { recursive: true });
    // PATH holds node and nothing else: no g++, make, python3 or cc for any build to find.
    symlinkSync(process.execPath, join(bin, 'node'));
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ private: true, type: 'commonjs' }),
    );
    const env = { PATH: bin, HOME: process.env.HOME ?? workDir };
    for (const tool of ['g++', 'gcc', 'cc', 'make', 'python3']) {
      expect(() => execFileSync('sh', ['-c', `command -v ${tool}`], { env }), tool).toThrow();
    }
    // A real install: from npm's cache where it holds the packages, else from the registry.
    execFileSync(
      process.execPath,
      [
        npmCli,
        'install',
        tarball,
        ...PEERS,
        '--ignore-scripts',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      { cwd: appDir, env, stdio: 'pipe' },
    );
    expect(existsSync(join(appDir, 'node_modules', 'nestjs-zk-discovery', 'dist'))).toBe(true);

    copyFileSync(
      join(import.meta.dirname, 'support', 'packed-apps', 'no-toolchain-app.cjs'),
      join(appDir, 'app.cjs'),
    );
    const name = uniqueRoot('no-toolchain').replaceAll('/', '');
    const app = startChildScript(join(appDir, 'app.cjs'), [name, servers], {
      cwd: appDir,
      env: { PATH: bin, ZK_DISCOVERY_TRANSPORT: '' },
    });
    const code = await app.exited(30_000);
    expect({ code, stderr: app.stderr.join('\n') }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(app.stdout.at(-1)!) as {
      transport: string;
      node: string;
      url: string;
      discovered: string[];
      nativeInstalled: boolean;
    };
    expect(result.transport).toBe('protocol');
    expect(result.nativeInstalled).toBe(false);
    expect(result.node.startsWith(`/services/no-toolchain/${name}/_c_`)).toBe(true);
    expect(result.discovered).toEqual([result.url]);
  });
});
