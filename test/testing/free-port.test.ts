import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts } from '../../lib/testing/index.js';

describe('freePort', () => {
  it('returns a loopback port that can be bound at once', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('freePorts(n) returns n distinct ports', async () => {
    const ports = await freePorts(9);
    expect(new Set(ports).size).toBe(9);
  });
});
