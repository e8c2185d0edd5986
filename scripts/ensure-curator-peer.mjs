#!/usr/bin/env node
// Run by `npm test` (pretest) and `.ci/run`: make sure the Curator interop tests
// (test/interop/curator-peer.test.ts) can compile and run their Java peer, and the wire fixture
// tests (test/client/protocol/wire-fixtures.test.ts) their generator, installing Debian's Curator
// and ZooKeeper jars and a JDK when we are root. Plain Node ESM without dependencies.
//
// - javac and every jar of test/interop/java/curator-peer.requirements.json found: done.
// - Else, as root with apt-get: apt-get update && apt-get install the missing packages (a failed
//   install fails, as the tests would).
// - Else: print the command to run; the Curator interop tests will say they are skipped, the wire
//   fixture tests fail (they skip nothing). Exit 0: the rest of the suite needs neither javac nor
//   these jars.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canAptInstall, isExecutable, onPath } from './apt-install.mjs';

const REQUIREMENTS = new URL(
  '../test/interop/java/curator-peer.requirements.json',
  import.meta.url,
);
const say = (line) => console.log(`ensure-curator-peer: ${line}`);

/** `$JAVA_HOME/bin/javac` when JAVA_HOME is set and has one, else the first javac on PATH. */
function findJavac() {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(join(home, 'bin', 'javac'))) return join(home, 'bin', 'javac');
  return onPath('javac');
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

  if (canAptInstall()) {
    say(`not found: ${missing}. Installing ${packages.join(' ')} with apt-get (running as root).`);
    return aptInstall(packages, say);
  }

  say(
    `not found: ${missing}. The Curator interop tests (a Java peer) will be skipped and the wire ` +
      'fixture tests (test/client/protocol) will fail. Install with:',
  );
  console.log(`\n    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`);
  return 0;
}

process.exitCode = main();
