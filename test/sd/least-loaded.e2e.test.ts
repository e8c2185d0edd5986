import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import type { BalancerName } from '../../lib/sd/zk-endpointer.js';
import { startRegisteredHttpFleet } from '../support/registered-http-fleet.js';

/** Real HTTP instances registered in a real ZooKeeper; one answers 50 ms later than the others. */
describe('the least-loaded balancer, against real instances', () => {
  let client: ZkClient;

  beforeAll(async () => {
    client = await ZkClient.connect({ servers: inject('zkConnect') });
  });
  afterAll(async () => {
    await client?.close();
  });

  /** 8 callers, 40 calls each: the share of calls whose first attempt went to the slow instance. */
  async function slowShare(balancer: BalancerName): Promise<number> {
    const fleet = await startRegisteredHttpFleet(client, [{}, {}, { delayMs: 50 }], { balancer });
    try {
      const slow = fleet.instances[2]!.name;
      const firsts: string[] = [];
      const caller = async () => {
        for (let i = 0; i < 40; i++) {
          const record = await fleet.call();
          expect(record.failed).toBe(false);
          firsts.push(record.tried[0]!);
        }
      };
      await Promise.all(Array.from({ length: 8 }, caller));
      return firsts.filter((name) => name === slow).length / firsts.length;
    } finally {
      await fleet.close();
    }
  }

  it('sends few calls to the slow instance, where round robin sends it a third', async () => {
    expect(await slowShare('roundRobin')).toBeCloseTo(1 / 3, 1);
    const share = await slowShare('leastLoaded');
    expect(share).toBeLessThan(0.1);
  });
});
