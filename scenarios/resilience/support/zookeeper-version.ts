import type { ZooKeeperServer } from '../../../lib/testing/index.js';

/** The release in the server's `Zookeeper version:` line from `srvr` (e.g. `3.8.0`). */
export async function zookeeperVersion(server: ZooKeeperServer): Promise<string> {
  const text = await server.fourLetter('srvr');
  const version = /Zookeeper version:\s*(\d+\.\d+\.\d+)/.exec(text)?.[1];
  return version ?? 'unknown';
}
