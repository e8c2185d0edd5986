import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstancerSnapshot } from '../../lib/index.js';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { SteadyLoad } from '../../scenarios/resilience/support/load.js';
import { type DiscoveryFleet, startDiscoveryFleet } from '../support/discovery-fleet.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 12_000;

describe('a 3-node ensemble losing servers, its quorum, all of it, and restarted member by member', () => {
  let ensemble: ZooKeeperEnsemble;
  let fleet: DiscoveryFleet;
  /** New sessions of every app (the first ones not counted). */
  let newSessions = 0;
  const endpointCount = () => fleet.consumer.endpointer.endpoints().length;

  beforeAll(async () => {
    ensemble = await ZooKeeperEnsemble.start(3);
    fleet = await startDiscoveryFleet({
      servers: ensemble.connectString,
      root: uniqueRoot('ensemble'),
      names: ['E1', 'E2'],
      serviceSessionMs: SESSION_MS,
      consumerSessionMs: SESSION_MS,
    });
    for (const client of fleet.clients) client.subscribeSessions(() => newSessions++);
    await waitFor(fleet.converged, { timeoutMs: SESSION_MS });
  });
  afterAll(async () => {
    await fleet?.close();
    await ensemble?.stop();
  });

  it('endpointers never empty while a quorum exists, serve stale instances without one, converge after', async () => {
    const snapshots: InstancerSnapshot[] = [];
    const unsubscribeSnapshots = fleet.consumer.endpointer.subscribe((snapshot) =>
      snapshots.push(snapshot),
    );
    // A session that expires (a quorum loss longer than the session, on a loaded machine) makes
    // its app register again: delete the old node, then create the new one (never two at once),
    // so the count dips to 1 for a moment. Without an expiry it must never move.
    const sessionsBefore = newSessions;
    let smallest = endpointCount();
    const unsubscribeCount = fleet.consumer.endpointer.subscribe(() => {
      smallest = Math.min(smallest, endpointCount());
    });
    expect(smallest).toBe(2);

    // 1. Kill the server the consumer is connected to: it moves to another one, same session.
    const consumerClient = fleet.clients[0]!;
    const consumerSession = consumerClient.sessionId!;
    const first = await ensemble.serverIndexOfSession(consumerSession);
    await ensemble.kill(first);
    await waitFor(() => consumerClient.state === 'connected', { timeoutMs: SESSION_MS });
    expect(fleet.consumer.endpointer.endpoints()).toHaveLength(2);
    await fleet.call();

    // 2. Kill a second one: no quorum. Consumers keep calling their last known instances.
    const second = [0, 1, 2].find((i) => i !== first)!;
    await ensemble.kill(second);
    await waitFor(() => fleet.consumer.endpointer.snapshot?.stale === true, {
      timeoutMs: SESSION_MS,
    });
    expect(fleet.consumer.endpointer.endpoints()).toHaveLength(2);
    expect(await fleet.call()).toMatch(/^E[12]$/);

    // 3. Restore: everything converges, fresh, with both instances.
    await ensemble.restart(first, second);
    await waitFor(fleet.converged, { timeoutMs: SESSION_MS * 2 });
    unsubscribeCount();
    unsubscribeSnapshots();
    expect(smallest).toBeGreaterThanOrEqual(1);
    if (newSessions === sessionsBefore) expect(smallest).toBe(2);
    expect(snapshots.some((snapshot) => snapshot.stale)).toBe(true);
  });

  it('a rolling restart of the members one by one under load: no failed call, no new session, never fewer than two endpoints', async () => {
    const sessionsBefore = newSessions;
    let smallest = endpointCount();
    const unsubscribe = fleet.consumer.endpointer.subscribe(() => {
      smallest = Math.min(smallest, endpointCount());
    });
    const load = new SteadyLoad(fleet.call, 50);
    load.start();
    try {
      for (const member of [0, 1, 2]) {
        await ensemble.kill(member);
        // Whoever was connected to it has moved to another member, in the same session.
        await waitFor(() => fleet.clients.every((client) => client.state === 'connected'), {
          timeoutMs: SESSION_MS,
        });
        await ensemble.restart(member);
        await ensemble.waitForQuorum();
      }
      await waitFor(fleet.converged, { timeoutMs: SESSION_MS });
    } finally {
      unsubscribe();
    }
    const report = await load.stop();
    expect(report.sent).toBeGreaterThan(0);
    expect([...report.failures.keys()]).toEqual([]);
    expect(newSessions - sessionsBefore).toBe(0);
    expect(smallest).toBe(2);
  });

  it('the whole ensemble killed and restarted together: every app back, registered, consumers fresh', async () => {
    await ensemble.kill(0, 1, 2);
    await waitFor(() => fleet.consumer.endpointer.snapshot?.stale === true, {
      timeoutMs: SESSION_MS,
    });
    // Calls still go to the last known instances: they are up, only ZooKeeper is down.
    expect(await fleet.call()).toMatch(/^E[12]$/);
    await ensemble.restart(0, 1, 2);
    await waitFor(fleet.converged, { timeoutMs: SESSION_MS * 2 });
    expect(await fleet.call()).toMatch(/^E[12]$/);
  });
});
