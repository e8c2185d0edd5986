import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAndCloseSession } from '../../lib/client/serving-probe.js';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';

describe('ZooKeeperEnsemble of 3', () => {
  let ensemble: ZooKeeperEnsemble;
  beforeAll(async () => {
    ensemble = await ZooKeeperEnsemble.start(3);
  });
  afterAll(() => ensemble?.stop());

  it('starts three loopback members that elect exactly one leader', async () => {
    expect(ensemble.servers).toHaveLength(3);
    expect(ensemble.connectString).toBe(
      ensemble.servers.map((s) => `127.0.0.1:${s.port}`).join(','),
    );
    const modes = await ensemble.modes();
    expect(modes.filter((mode) => mode === 'leader')).toHaveLength(1);
    expect(modes.filter((mode) => mode === 'follower')).toHaveLength(2);
    expect(await ensemble.leaderIndex()).toBe(modes.indexOf('leader'));
  });

  it('commits a transaction through any member', async () => {
    const follower = ensemble.servers[(await ensemble.leaderIndex()) === 0 ? 1 : 0]!;
    const before = (await follower.srvr()).zxid!;
    await openAndCloseSession(follower);
    expect((await follower.srvr()).zxid!).toBeGreaterThan(before);
  });

  it('elects a new leader among the other two when the leader is killed; restart() rejoins', async () => {
    const oldLeader = await ensemble.leaderIndex();
    await ensemble.kill(oldLeader);
    expect(ensemble.servers[oldLeader]!.running).toBe(false);

    const newLeader = await ensemble.waitForLeader({ timeoutMs: 20_000 });
    expect(newLeader).not.toBe(oldLeader);

    await ensemble.restart(oldLeader);
    expect(await ensemble.servers[oldLeader]!.mode()).toBe('follower');
    expect(await ensemble.waitForQuorum()).toBe(newLeader);
  });
});
