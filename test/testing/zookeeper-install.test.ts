import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findJava,
  findZooKeeperInstall,
  ZooKeeperNotInstalledError,
} from '../../lib/testing/index.js';

describe('findZooKeeperInstall', () => {
  let root: string;
  let fakeJavaHome: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'zk-install-test-'));
    fakeJavaHome = join(root, 'jdk');
    await mkdir(join(fakeJavaHome, 'bin'), { recursive: true });
    await writeFile(join(fakeJavaHome, 'bin', 'java'), '#!/bin/sh\n');
    await chmod(join(fakeJavaHome, 'bin', 'java'), 0o755);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("finds Debian's jars with their log4j binding and netty-codec, and java on PATH", () => {
    const install = findZooKeeperInstall({ env: { PATH: process.env.PATH } });
    expect(install.classpath[0]).toBe('/usr/share/java/zookeeper.jar');
    expect(install.classpath).toContain('/usr/share/java/slf4j-log4j12.jar');
    // Left out of zookeeper.jar's manifest; the TLS port needs it.
    expect(install.classpath).toContain('/usr/share/java/netty-codec.jar');
    expect(install.classpath.some((entry) => entry.includes('*'))).toBe(false);
    expect(install.java).toMatch(/\/java$/);
  });

  it('prefers ZOOKEEPER_HOME with an Apache layout (lib/*.jar) and JAVA_HOME', async () => {
    const home = join(root, 'apache-zookeeper-3.8.4-bin');
    await mkdir(join(home, 'lib'), { recursive: true });
    await writeFile(join(home, 'lib', 'zookeeper-3.8.4.jar'), '');
    await writeFile(join(home, 'lib', 'logback-classic-1.2.13.jar'), '');
    const install = findZooKeeperInstall({
      env: { ZOOKEEPER_HOME: home, JAVA_HOME: fakeJavaHome },
    });
    expect(install.classpath).toEqual([join(home, 'lib', '*')]);
    expect(install.java).toBe(join(fakeJavaHome, 'bin', 'java'));
    expect(install.source).toContain(home);
  });

  it('accepts a 3.4-style ZOOKEEPER_HOME with zookeeper-x.y.z.jar at the top', async () => {
    const home = join(root, 'zookeeper-3.4.14');
    await mkdir(join(home, 'lib'), { recursive: true });
    await writeFile(join(home, 'zookeeper-3.4.14.jar'), '');
    await writeFile(join(home, 'lib', 'slf4j-api-1.7.25.jar'), '');
    const install = findZooKeeperInstall({
      env: { ZOOKEEPER_HOME: home, JAVA_HOME: fakeJavaHome },
    });
    expect(install.classpath).toEqual([join(home, 'zookeeper-3.4.14.jar'), join(home, 'lib', '*')]);
  });

  it('accepts the Debian layout as ZOOKEEPER_HOME', () => {
    const install = findZooKeeperInstall({
      env: { ZOOKEEPER_HOME: '/usr/share/zookeeper', JAVA_HOME: fakeJavaHome },
    });
    expect(install.classpath[0]).toBe('/usr/share/java/zookeeper.jar');
  });

  it('says what to install when there is no ZooKeeper', () => {
    const error = catchError(() =>
      findZooKeeperInstall({ env: { JAVA_HOME: fakeJavaHome }, debianJavaDir: join(root, 'none') }),
    );
    expect(error).toBeInstanceOf(ZooKeeperNotInstalledError);
    expect(error).toMatchObject({ missing: 'zookeeper' });
    expect(error.message).toContain('apt-get update && apt-get install -y zookeeper');
    expect(error.message).toContain('ZOOKEEPER_HOME');
  });

  it('names a ZOOKEEPER_HOME that holds no ZooKeeper', async () => {
    const home = join(root, 'empty-home');
    await mkdir(home, { recursive: true });
    const error = catchError(() =>
      findZooKeeperInstall({ env: { ZOOKEEPER_HOME: home, JAVA_HOME: fakeJavaHome } }),
    );
    expect(error.message).toContain(
      `ZOOKEEPER_HOME=${home} does not look like a ZooKeeper install`,
    );
  });

  it('says what to install when there is no java', () => {
    const error = catchError(() => findJava({ PATH: join(root, 'no-bin') }));
    expect(error).toMatchObject({ missing: 'java' });
    expect(error.message).toContain('apt-get install -y default-jre-headless');
    expect(catchError(() => findJava({ JAVA_HOME: root })).message).toContain(
      `JAVA_HOME=${root} has no executable bin/java`,
    );
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
