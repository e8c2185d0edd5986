import { createServer } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { openAndCloseSession } from '../../lib/client/serving-probe.js';
import { serverAddresses } from '../../lib/client/zk-server-address.js';
import { freePort } from '../../lib/testing/index.js';

describe('the serving probe (a new session asked for by hand)', () => {
  it('reads the servers of a connect string, IPv6 and chroot included', () => {
    expect(serverAddresses('10.0.0.1:2181,[::1]:2182,zk.local:2183/app')).toEqual([
      { host: '10.0.0.1', port: 2181 },
      { host: '::1', port: 2182 },
      { host: 'zk.local', port: 2183 },
    ]);
  });

  it('gets a session id from a serving server', async () => {
    const [server] = serverAddresses(inject('zkConnect'));
    expect(await openAndCloseSession(server!)).toBeGreaterThan(0n);
  });

  it('rejects when nothing listens, and when a server accepts but never answers', async () => {
    await expect(
      openAndCloseSession({ host: '127.0.0.1', port: await freePort() }),
    ).rejects.toThrow(/ECONNREFUSED/);
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      await expect(openAndCloseSession({ host: '127.0.0.1', port }, 300)).rejects.toThrow(
        /no answer from 127\.0\.0\.1:\d+ within 300 ms/,
      );
    } finally {
      silent.close();
    }
  });
});
