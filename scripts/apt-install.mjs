// What the setup scripts (ensure-zookeeper, ensure-curator-peer) share: finding executables, and
// installing Debian packages with apt-get when we are root. Plain Node ESM without dependencies:
// it runs before anything is built.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** True for an executable regular file. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first `command` on PATH, or undefined. */
export function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

/** True when this process may install packages: root, with apt-get on PATH. */
export function canAptInstall() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && onPath('apt-get') !== undefined;
}

/**
 * `apt-get update`, then `apt-get install -y --no-install-recommends <packages>`, each echoed
 * through `say`. Returns the exit code: 0 once both succeeded.
 */
export function aptInstall(packages, say) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    say(`$ apt-get ${args.join(' ')}`);
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.error) {
      say(`could not run apt-get: ${result.error.message}`);
      return 1;
    }
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}
