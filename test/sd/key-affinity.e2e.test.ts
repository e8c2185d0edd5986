import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import type { HttpEndpoint } from '../../lib/sd/http/http-endpoint.factory.js';
import { startRegisteredHttpFleet } from '../support/registered-http-fleet.js';

/** Real HTTP instances registered in a real ZooKeeper, called with keys. */
describe('key affinity, against real instances', () => {
  let client: ZkClient;

  beforeAll(async () => {
    client = await ZkClient.connect({ servers: inject('zkConnect') });
  });
  afterAll(async () => {
    await client?.close();
  });

  it("keyed calls stay on the key's instance; when it freezes they go to the next best and stay there", async () => {
    const fleet = await startRegisteredHttpFleet(client, [{}, {}, {}, {}]);
    try {
      const { endpointer } = fleet;
      const nameOf = (endpoint: HttpEndpoint) =>
        fleet.instances.find((instance) => instance.url === endpoint.url)!.name;
      const keyed = async (key: string) => {
        const answer = await endpointer.call(
          (endpoint) => endpoint.json<{ name: string }>('/whoami'),
          {
            key,
          },
        );
        return answer.name;
      };
      const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const home = new Map(keys.map((key) => [key, nameOf(endpointer.pickFor(key))]));
      for (const key of keys) expect(await keyed(key)).toBe(home.get(key));
      expect(new Set(home.values()).size).toBe(4);

      const frozen = fleet.instances[0]!;
      frozen.child.process.kill('SIGSTOP');
      const moved = keys.filter((key) => home.get(key) === frozen.name);
      const after = new Map<string, string>();
      for (const key of moved) after.set(key, await keyed(key));
      for (const key of moved) expect(after.get(key)).not.toBe(frozen.name);
      expect(endpointer.ejected().map((e) => e.instance.url)).toEqual([frozen.url]);
      // The others never moved, and the moved ones stay where they went.
      for (const key of keys.filter((k) => !moved.includes(k)))
        expect(await keyed(key)).toBe(home.get(key));
      for (const key of moved) expect(await keyed(key)).toBe(after.get(key));
    } finally {
      await fleet.close();
    }
  });
});
