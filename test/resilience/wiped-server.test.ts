import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { type DiscoveryFleet, startDiscoveryFleet } from '../support/discovery-fleet.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SERVICE_SESSION_MS = 4_000;
const CONSUMER_SESSION_MS = 6_000;

describe('a ZooKeeper that comes back with an empty data dir (rebuilt, or restored from an old backup)', () => {
  let server: ZooKeeperServer;
  let fleet: DiscoveryFleet;

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    fleet = await startDiscoveryFleet({
      servers: server.connectString,
      root: uniqueRoot('wiped'),
      names: ['W1', 'W2'],
      serviceSessionMs: SERVICE_SESSION_MS,
      consumerSessionMs: CONSUMER_SESSION_MS,
    });
    await waitFor(fleet.converged);
  });
  afterAll(async () => {
    await fleet?.close();
    await server?.stop();
  });

  it('every app is registered again and every consumer fresh within the session timeout plus a few seconds', async () => {
    const oldSessions = fleet.clients.map((client) => client.sessionId);

    await server.kill();
    // The server refuses every client that has seen a newer transaction than its own: none of
    // the apps' native handles can get back by themselves.
    await server.restart({ emptyData: true });
    await waitFor(fleet.converged, { timeoutMs: CONSUMER_SESSION_MS + 4_000 });

    fleet.clients.forEach((client, i) => {
      expect(client.sessionId).not.toBe(oldSessions[i]);
    });
    expect(await fleet.call()).toMatch(/^W[12]$/);
  });
});
