#!/usr/bin/env node
// Run by `npm test` (pretest) and `.ci/run`: make sure the Curator interop tests
// (test/interop/curator-peer.test.ts) can compile and run their Java peer, installing Debian's
// Curator jars and a JDK when we are root. Plain Node ESM without dependencies.
//
// - javac and every jar of test/interop/java/curator-peer.requirements.json found: done.
// - Else, as root with apt-get: apt-get update && apt-get install the missing packages (a failed
//   install fails, as the tests would).
// - Else: print the command to run; the Curator interop tests will say they are skipped. Exit 0:
//   the rest of the suite does not need Java's Curator.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const REQUIREMENTS = new URL(
  '../test/interop/java/curator-peer.requirements.json',
  import.meta.url,
);
const say = (line) => console.log(`ensure-curator-peer: ${line}`);

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `$JAVA_HOME/bin/javac` when JAVA_HOME is set and has one, else the first javac on PATH. */
function findJavac() {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(join(home, 'bin', 'javac'))) return join(home, 'bin', 'javac');
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'javac'))) return join(dir, 'javac');
  }
  return undefined;
}

function main() {
  const requirements = JSON.parse(readFileSync(REQUIREMENTS, 'utf8'));
  const missingJars = Object.keys(requirements.jars).filter(
    (jar) => !existsSync(join(requirements.javaDir, jar)),
  );
  const javac = findJavac();
  if (javac && missingJars.length === 0) {
    say(`javac (${javac}) and Curator's jars (${requirements.javaDir}) found.`);
    return 0;
  }

  const packages = [...new Set(missingJars.map((jar) => requirements.jars[jar]))];
  if (!javac) packages.push(requirements.jdkPackage);
  const missing = [...missingJars, ...(javac ? [] : ['javac'])].join(', ');

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasAptGet = (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && isExecutable(join(dir, 'apt-get')));
  if (isRoot && hasAptGet) {
    say(`not found: ${missing}. Installing ${packages.join(' ')} with apt-get (running as root).`);
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

  say(
    `not found: ${missing}. The Curator interop tests (a Java peer) will be skipped. Install with:`,
  );
  console.log(`\n    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`);
  return 0;
}

process.exitCode = main();
