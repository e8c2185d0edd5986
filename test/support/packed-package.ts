import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { compileLib, repoRoot } from './compiled-lib.js';

/** The packages an app of ours needs beside the library (peers, and the library's dependencies). */
const LINKED = [
  '@nestjs',
  '@grpc',
  '@types',
  'reflect-metadata',
  'rxjs',
  'zookeeper',
  'commander',
  'prom-client',
];

/** The packed tarball: its path and the files in it. */
export interface PackedPackage {
  tarball: string;
  files: string[];
}

/**
 * Packs the library as `npm publish` would (`npm pack` of package.json, README, bin and a fresh
 * build of lib/ into dist/) into `workDir`, emptied first.
 */
export function packPackage(workDir: string): PackedPackage {
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
  return {
    tarball: join(workDir, packed!.filename),
    files: packed!.files.map((file) => file.path),
  };
}

/**
 * Packs the library (`packPackage`) and installs the tarball into `<appDir>/node_modules`, the way
 * npm lays it out, with the peers and dependencies linked from this repository's node_modules (no
 * network, no second native build). Returns the tarball's file list.
 */
export function installPackedPackage(workDir: string, appDir: string): string[] {
  const { tarball, files } = packPackage(workDir);
  const modules = join(appDir, 'node_modules');
  const target = join(modules, 'nestjs-zk-discovery');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  for (const name of LINKED) symlinkSync(join(repoRoot, 'node_modules', name), join(modules, name));
  return files;
}
