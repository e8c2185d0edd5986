import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compileLib, repoRoot } from './compiled-lib.js';

/** The packages an app of ours needs beside the library (peers, and the library's dependencies). */
const LINKED = [
  '@nestjs',
  '@types',
  'reflect-metadata',
  'rxjs',
  'zookeeper',
  'commander',
  'prom-client',
];

/**
 * Packs the library as `npm publish` would (`npm pack` of package.json, README, bin and a fresh
 * build of lib/ into dist/) and installs the tarball into `<appDir>/node_modules`, the way npm
 * lays it out, with the peers and dependencies linked from this repository's node_modules (no
 * network, no second native build). Returns the tarball's file list.
 */
export function installPackedPackage(workDir: string, appDir: string): string[] {
  const stage = join(workDir, 'stage');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(stage, 'package.json'));
  cpSync(join(repoRoot, 'README.md'), join(stage, 'README.md'));
  cpSync(join(repoRoot, 'bin'), join(stage, 'bin'), { recursive: true });
  compileLib(join(stage, 'dist'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], {
      cwd: stage,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const modules = join(appDir, 'node_modules');
  const target = join(modules, 'nestjs-zk-discovery');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', [
    '-xzf',
    join(workDir, packed!.filename),
    '-C',
    target,
    '--strip-components=1',
  ]);
  for (const name of LINKED) symlinkSync(join(repoRoot, 'node_modules', name), join(modules, name));
  return packed!.files.map((file) => file.path);
}
