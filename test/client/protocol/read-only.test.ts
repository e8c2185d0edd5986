import { afterEach, describe, expect, it } from 'vitest';
import { ZkClient } from '../../../lib/client/index.js';
import { JuteReader } from '../../../lib/client/protocol/jute-reader.js';
import { JuteWriter } from '../../../lib/client/protocol/jute-writer.js';
import { waitFor } from '../../support/wait-for.js';
import { FakeZooKeeper } from './fake-zookeeper.js';

const quiet = { log: () => {}, warn: () => {}, error: () => {} };

/** A server cut off from its quorum answers a session with `readOnly` set. */
function readOnlyConnectResponse(): Buffer {
  return new JuteWriter(64)
    .int(0)
    .int(4_000)
    .long(0x42n)
    .buffer(Buffer.alloc(16, 1))
    .bool(true)
    .frame();
}

/** The `readOnly` flag of a ConnectRequest frame (its last byte, after the length). */
function asksReadOnly(frame: Buffer): boolean {
  const reader = new JuteReader(frame.subarray(4));
  reader.int();
  reader.long();
  reader.int();
  reader.bigLong();
  reader.buffer();
  return reader.bool();
}

describe('read-only servers', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(allowReadOnly: boolean) {
    const fake = await FakeZooKeeper.start();
    cleanups.push(() => fake.stop());
    const { host, port } = fake.address;
    const client = new ZkClient({ servers: `${host}:${port}`, allowReadOnly, logger: quiet });
    cleanups.push(() => client.close());
    client.start();
    return { fake, client };
  }

  it('are refused unless asked for: the client moves on and has no session', async () => {
    const { fake, client } = await start(false);
    const first = await fake.nextConnection();
    expect(asksReadOnly(await first.nextFrame())).toBe(false);
    first.send(readOnlyConnectResponse());
    // It hangs up and tries again (the next server; here the same one).
    const second = await fake.nextConnection();
    expect(asksReadOnly(await second.nextFrame())).toBe(false);
    expect(client.state).toBe('connecting');
    expect(client.sessionId).toBeUndefined();
  });

  it('serve a client that asks for them (allowReadOnly)', async () => {
    const { fake, client } = await start(true);
    const connection = await fake.nextConnection();
    expect(asksReadOnly(await connection.nextFrame())).toBe(true);
    connection.send(readOnlyConnectResponse());
    await waitFor(() => client.state === 'connected');
    expect(client.sessionId).toBe('42');
  });
});
