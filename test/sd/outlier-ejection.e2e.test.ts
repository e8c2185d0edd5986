import { describe, expect, it } from 'vitest';
import type { OutlierDetectionOptions } from '../../lib/sd/lb/outlier-detection.options.js';
import { useRegisteredHttpFleets } from '../support/registered-http-fleet.js';
import { waitFor } from '../support/wait-for.js';

/** Real HTTP instances (processes of their own), registered in a real ZooKeeper. */
describe('outlier ejection, against real instances registered in ZooKeeper', () => {
  const startFleet = useRegisteredHttpFleets();

  async function fleet(statuses: number[], outlierDetection?: OutlierDetectionOptions) {
    return startFleet(
      statuses.map((status) => ({ status })),
      { outlierDetection },
    );
  }

  it('a frozen instance (SIGSTOP, session alive): at most 2 of 60 sequential calls wait on it, none fails', async () => {
    const { instances, endpointer, logger, call } = await fleet([200, 200, 200]);
    const frozen = instances[1]!;
    frozen.child.process.kill('SIGSTOP');
    const calls = [];
    for (let i = 0; i < 60; i++) calls.push(await call());
    expect(calls.filter((c) => c.failed)).toEqual([]);
    expect(calls.filter((c) => c.tried.includes(frozen.name)).length).toBeLessThanOrEqual(2);
    expect(endpointer.ejected().map((e) => e.instance.url)).toEqual([frozen.url]);
    expect(endpointer.instances()).toHaveLength(3);
    expect(
      logger.matching(`(${frozen.url}) ejected for 10000 ms after 2 failed calls`),
    ).toHaveLength(1);
  });

  it('after its ejection, one probe call brings a resumed instance back', async () => {
    const { instances, endpointer, logger, call } = await fleet([200, 200, 200], {
      baseEjectionMs: 500,
    });
    const frozen = instances[0]!;
    frozen.child.process.kill('SIGSTOP');
    await waitFor(async () => (await call()) && endpointer.ejected().length === 1);
    frozen.child.process.kill('SIGCONT');
    await waitFor(async () => (await call()) && endpointer.ejected().length === 0);
    expect(logger.matching(`(${frozen.url}) is back: its probe call succeeded`)).toHaveLength(1);
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await call());
    expect(after.flatMap((c) => c.tried)).toContain(frozen.name);
  });

  it('a killed instance (refused connections) and a 5xx one are ejected; a 4xx one never is', async () => {
    const { instances, endpointer, call } = await fleet([200, 503, 404, 200]);
    const killed = instances[3]!;
    killed.child.process.kill('SIGKILL');
    await killed.child.exited(5_000);
    for (let i = 0; i < 24; i++) await call();
    const ejected = endpointer.ejected().map((e) => e.instance.url);
    // The share limit (half of 4) allows both.
    expect(ejected.sort()).toEqual([instances[1]!.url, killed.url].sort());
  });
});
