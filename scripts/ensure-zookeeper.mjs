#!/usr/bin/env node
// The one setup step shared by `npm test` (pretest), `npm run demo` (predemo) and `.ci/run`:
// make sure the tests can start a real ZooKeeper, installing Debian's package when we are root.
// Plain Node ESM without dependencies: it runs before anything is built.
//
// - ZK_TEST_CONNECT set: an external server or ensemble is used; nothing to do.
// - ZooKeeper jars (ZOOKEEPER_HOME, else /usr/share/java/zookeeper.jar) and java found: done.
// - Else, as root with apt-get: apt-get update && apt-get install the missing packages.
// - Else: print the command to run and exit 1.
// Keep the lookup in step with lib/testing/zookeeper-install.ts.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { aptInstall, canAptInstall, isExecutable, onPath } from './apt-install.mjs';

const DEBIAN_JAR = '/usr/share/java/zookeeper.jar';
const say = (line) => console.log(`ensure-zookeeper: ${line}`);

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `{ found, where }`, or `{ found: false, problem }` when ZOOKEEPER_HOME is set but wrong. */
function findZooKeeper() {
  const home = process.env.ZOOKEEPER_HOME;
  if (!home) {
    return existsSync(DEBIAN_JAR) ? { found: true, where: DEBIAN_JAR } : { found: false };
  }
  const dir = resolve(home);
  if (!isDirectory(dir)) {
    return { found: false, problem: `ZOOKEEPER_HOME=${home} is not a directory` };
  }
  if (
    existsSync(join(dir, 'zookeeper.jar')) ||
    existsSync(join(dirname(dir), 'java', 'zookeeper.jar'))
  ) {
    return { found: true, where: `ZOOKEEPER_HOME=${home}` };
  }
  const jars = (d) => (isDirectory(d) ? readdirSync(d).filter((n) => n.endsWith('.jar')) : []);
  if ([...jars(dir), ...jars(join(dir, 'lib'))].some((name) => name.startsWith('zookeeper'))) {
    return { found: true, where: `ZOOKEEPER_HOME=${home}` };
  }
  return {
    found: false,
    problem: `ZOOKEEPER_HOME=${home} holds no zookeeper*.jar (neither in it nor in its lib/)`,
  };
}

/** `{ found, where }`, or `{ found: false, problem }` when JAVA_HOME is set but wrong. */
function findJava() {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) {
    const java = join(javaHome, 'bin', 'java');
    return isExecutable(java)
      ? { found: true, where: java }
      : { found: false, problem: `JAVA_HOME=${javaHome} has no executable bin/java` };
  }
  const java = onPath('java');
  return java ? { found: true, where: java } : { found: false };
}

function main() {
  const external = process.env.ZK_TEST_CONNECT?.trim();
  if (external) {
    say(`using the external ZooKeeper named by ZK_TEST_CONNECT=${external}; nothing to install.`);
    return 0;
  }

  const zookeeper = findZooKeeper();
  const java = findJava();
  if (zookeeper.found && java.found) {
    say(`ZooKeeper (${zookeeper.where}) and java (${java.where}) found.`);
    return 0;
  }

  // A wrong explicit setting is not fixed by installing a package: the kit would still use it.
  const problems = [zookeeper.problem, java.problem].filter(Boolean);
  if (problems.length > 0) {
    for (const problem of problems) say(problem);
    say('fix or unset it, then run this again (node scripts/ensure-zookeeper.mjs).');
    return 1;
  }

  const packages = [];
  if (!zookeeper.found) packages.push('zookeeper');
  if (!java.found) packages.push('default-jre-headless');
  const missing = [!zookeeper.found && 'ZooKeeper', !java.found && 'a Java runtime']
    .filter(Boolean)
    .join(' and ');

  if (canAptInstall()) {
    say(`not found: ${missing}. Installing ${packages.join(' ')} with apt-get (running as root).`);
    return aptInstall(packages, say);
  }

  say(`not found: ${missing}. The tests start a real ZooKeeper server (Java). Install with:`);
  console.log(`\n    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\n`);
  if (!zookeeper.found) {
    say(
      'or set ZOOKEEPER_HOME to an Apache ZooKeeper binary install (apache-zookeeper-x.y.z-bin),',
    );
  }
  say('or set ZK_TEST_CONNECT to the connect string of an existing ZooKeeper to test against.');
  return 1;
}

process.exitCode = main();
