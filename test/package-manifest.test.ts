import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

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
    const outDir = join(root, '.build', 'package-check');
    rmSync(outDir, { recursive: true, force: true });
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        outDir,
      ],
      {
        cwd: root,
      },
    );
    const names = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const main = await import(${JSON.stringify(join(outDir, 'index.js'))});
         const testing = await import(${JSON.stringify(join(outDir, 'testing/index.js'))});
         console.log(JSON.stringify({ main: Object.keys(main), testing: Object.keys(testing) }));`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const exported = JSON.parse(names) as { main: string[]; testing: string[] };
    expect(exported.main).toEqual(
      expect.arrayContaining([
        'ZkDiscoveryModule',
        'InjectEndpointer',
        'ZkClient',
        'Registrar',
        'Instancer',
        'retry',
      ]),
    );
    expect(exported.testing).toEqual(
      expect.arrayContaining(['ZooKeeperServer', 'ZooKeeperEnsemble', 'FaultProxy']),
    );
    rmSync(outDir, { recursive: true, force: true });
  });
});
