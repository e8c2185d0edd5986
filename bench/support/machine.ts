import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { findJava } from '../../lib/testing/index.js';

/** What the figures were measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  v8: string;
  java: string;
  /** The npm `zookeeper` package and the C client it bundles. */
  binding: string;
}

const require = createRequire(import.meta.url);

/** Reads the machine, the runtimes and the bundled C client's version. */
export function describeMachine(): MachineInfo {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${type()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    java: javaVersion(),
    binding: bindingVersion(),
  };
}

/** `java -version` writes to stderr. */
function javaVersion(): string {
  const result = spawnSync(findJava(), ['-version'], { encoding: 'utf8' });
  return `${result.stderr ?? ''}${result.stdout ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}

function bindingVersion(): string {
  const root = dirname(require.resolve('zookeeper/package.json'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const header = readFileSync(
    join(root, 'deps/zookeeper-client-c/include/zookeeper_version.h'),
    'utf8',
  );
  const cVersion = /ZOO_VERSION\s+"([^"]+)"/.exec(header)?.[1] ?? 'unknown';
  return `zookeeper ${pkg.version} (C client ${cVersion}, single-threaded build driven by libuv)`;
}
