import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildJava } from '../../support/java-build.js';

/**
 * Compiles java/WireFixtures.java (once: see `buildJava`) and runs it: each case's whole frame
 * (length included), as ZooKeeper's own Java classes write it.
 * @throws Error naming what is missing to build it (and `node scripts/ensure-curator-peer.mjs`),
 * or what javac or java said.
 */
export function generateWireFixtures(): ReadonlyMap<string, Buffer> {
  const build = buildJava({
    name: 'wire-fixtures',
    sources: join(import.meta.dirname, 'java'),
    mainClass: 'WireFixtures',
  });
  const result = spawnSync(build.java, ['-cp', build.classpath, 'WireFixtures'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `WireFixtures failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`,
    );
  }
  const cases = JSON.parse(result.stdout) as Record<string, string>;
  return new Map(Object.entries(cases).map(([name, hex]) => [name, Buffer.from(hex, 'hex')]));
}
