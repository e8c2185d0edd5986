import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '../../scripts/ensure-zookeeper.mjs');

/** Runs the script with `env` only (never in a way that would reach apt-get). */
function run(env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('scripts/ensure-zookeeper.mjs', () => {
  it('does nothing when ZK_TEST_CONNECT names an external ZooKeeper', () => {
    const { status, output } = run({ ZK_TEST_CONNECT: 'zk1:2181' });
    expect(status).toBe(0);
    expect(output).toContain('external ZooKeeper named by ZK_TEST_CONNECT=zk1:2181');
  });

  it('exits 0 in one line when ZooKeeper and java are present', () => {
    const { status, output } = run({ PATH: process.env.PATH });
    expect(status).toBe(0);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toContain('/usr/share/java/zookeeper.jar');
  });

  it('refuses, without installing anything, a ZOOKEEPER_HOME that holds no ZooKeeper', async () => {
    const home = await mkdtemp(join(tmpdir(), 'zk-empty-home-'));
    try {
      const { status, output } = run({ PATH: process.env.PATH, ZOOKEEPER_HOME: home });
      expect(status).toBe(1);
      expect(output).toContain(`ZOOKEEPER_HOME=${home} holds no zookeeper*.jar`);
      expect(output).not.toContain('apt-get');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
