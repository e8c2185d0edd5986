import { describe, expect, it } from 'vitest';
import type { HttpEndpoint } from '../../lib/sd/http/http-endpoint.factory.js';
import type { ZkEndpointerConfig } from '../../lib/sd/zk-endpointer.js';
import { type InstanceSpec, useRegisteredHttpFleets } from '../support/registered-http-fleet.js';
import { waitFor } from '../support/wait-for.js';

type Config = Omit<ZkEndpointerConfig<HttpEndpoint>, 'factory' | 'logger'>;

/** Real HTTP instances (processes of their own) registered with weights and zones in ZooKeeper. */
describe('weights and zones, against real instances registered in ZooKeeper', () => {
  const startFleet = useRegisteredHttpFleets();

  async function fleet(specs: InstanceSpec[], config: Config = {}) {
    const started = await startFleet(specs, config);
    const tally = async (calls: number) => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < calls; i++) {
        const record = await started.call();
        expect(record.failed).toBe(false);
        const name = record.tried.at(-1)!;
        counts[name] = (counts[name] ?? 0) + 1;
      }
      return counts;
    };
    return { ...started, tally };
  }

  it('round robin gives each instance exactly its weight share (3, 1, 2 over 120 calls)', async () => {
    const { tally, endpointer } = await fleet([{ weight: 3 }, { weight: 1 }, { weight: 2 }]);
    expect(
      endpointer
        .instances()
        .map((instance) => instance.weight)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(await tally(120)).toEqual({ i0: 60, i1: 20, i2: 40 });
  });

  it('random follows the weights too (9 to 1, 400 calls)', async () => {
    const { tally } = await fleet([{ weight: 9 }, { weight: 1 }], { balancer: 'random' });
    const counts = await tally(400);
    // Expected 360 and 40; the bounds are over four standard deviations wide.
    expect(counts.i0).toBeGreaterThan(320);
    expect(counts.i1).toBeGreaterThan(10);
  });

  it('least loaded reads weights as capacity: 8 callers, 3 to 1, the heavy one takes most', async () => {
    const { call } = await fleet(
      [
        { weight: 3, delayMs: 20 },
        { weight: 1, delayMs: 20 },
      ],
      { balancer: 'leastLoaded' },
    );
    const counts: Record<string, number> = {};
    const caller = async () => {
      for (let i = 0; i < 40; i++) {
        const record = await call();
        expect(record.failed).toBe(false);
        counts[record.tried.at(-1)!] = (counts[record.tried.at(-1)!] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, caller));
    // Equal latency: by weight the heavy one holds 3 calls in flight for the other's 1.
    expect(counts.i0! / 320).toBeGreaterThan(0.6);
    expect(counts.i1! / 320).toBeGreaterThan(0.1);
  });

  it('key affinity gives each instance keys in proportion to its weight (3 to 1, 4,000 keys)', async () => {
    const { endpointer, instances } = await fleet([{ weight: 3 }, { weight: 1 }]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const url = endpointer.pickFor(`user-${i}`).url;
      const name = instances.find((instance) => instance.url === url)!.name;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    // Expected 3,000 and 1,000: the bounds are over five standard deviations wide.
    expect(counts.i0).toBeGreaterThan(2850);
    expect(counts.i0).toBeLessThan(3150);
  });

  it("keeps calls in the caller's zone, spills over when its instance freezes, and comes back", async () => {
    const { instances, endpointer, tally, call, logger } = await fleet(
      [{ zone: 'eu-1' }, { zone: 'eu-2' }, { zone: 'eu-2' }],
      { zone: 'eu-1', outlierDetection: { baseEjectionMs: 1000 } },
    );
    expect(await tally(10)).toEqual({ i0: 10 });
    expect(endpointer.zone()).toEqual({ zone: 'eu-1', healthy: 1, registered: 1, spilling: false });
    const local = instances[0]!;
    local.child.process.kill('SIGSTOP');
    // The first call waits on the frozen instance twice (two failures eject it), then its retry
    // goes to the other zone; every later call goes there directly.
    const during = [];
    for (let i = 0; i < 10; i++) during.push(await call());
    expect(during.filter((record) => record.failed)).toEqual([]);
    expect(during.slice(1).every((record) => !record.tried.includes('i0'))).toBe(true);
    expect(endpointer.zone()).toMatchObject({ healthy: 0, registered: 1, spilling: true });
    expect(logger.matching('calls spill over to every zone')).toHaveLength(1);
    local.child.process.kill('SIGCONT');
    // After its ejection, one probe call brings it back, and calls stay in the zone again.
    await waitFor(async () => (await call()).tried.includes('i0'), { timeoutMs: 10_000 });
    expect(await tally(10)).toEqual({ i0: 10 });
    expect(endpointer.zone()?.spilling).toBe(false);
    expect(logger.matching('calls stay in zone eu-1 again')).toHaveLength(1);
  });
});
