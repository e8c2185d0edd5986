/**
 * Consumers of one service in a process of their own, as a fleet of apps would be: `count`
 * `ZkClient`s on one transport, each with its own session and a `ZkEndpointer` on the path (what
 * `@InjectEndpointer(path)` gives). Started by consumer-fleet.ts, driven over IPC.
 * `node consumer-fleet-process.js <servers> <transport> <path> <count> <expected>`
 */
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import type { ConsumerFleetAnswer, ConsumerFleetRequest } from './consumer-fleet-messages.js';
import { connectClient, type WatchedEndpointer, watchEndpointer } from './lib-parts.js';
import { toMonotonic } from './monotonic.js';

/** Consumers making their first read at once (each reads every instance's data). */
const STARTING_AT_ONCE = 5;
const START_TIMEOUT_MS = 240_000;

async function main(): Promise<void> {
  const [servers, transport, path, countArg, expectedArg] = process.argv.slice(2);
  if (!servers || !transport || !path || !process.send) {
    throw new Error(
      'usage: forked, consumer-fleet-process.js <servers> <transport> <path> <n> <m>',
    );
  }
  const count = Number(countArg);
  const expected = Number(expectedArg);
  const consumers: { client: ZkClient; watched: WatchedEndpointer }[] = [];
  let next = 0;
  const starter = async () => {
    while (next < count) {
      next++;
      const client = await connectClient(servers, transport as ZkTransport);
      const watched = await watchEndpointer(client, path, expected, START_TIMEOUT_MS);
      consumers.push({ client, watched });
    }
  };
  await Promise.all(Array.from({ length: Math.min(STARTING_AT_ONCE, count) }, starter));
  const send = (answer: ConsumerFleetAnswer) => process.send?.(answer);
  const requests = () => consumers.reduce((sum, c) => sum + c.client.requestCounts.total, 0);
  process.on('message', (message: ConsumerFleetRequest | 'stop') => {
    if (message === 'stop') {
      void stop(consumers);
      return;
    }
    if (message.op === 'requests') {
      send({ type: 'requests', seq: message.seq, requests: requests() });
      return;
    }
    Promise.all(consumers.map((c) => c.watched.arrivals.when(message.id, message.present))).then(
      (times) => send({ type: 'when', seq: message.seq, times: times.map(toMonotonic) }),
      (error: unknown) => send({ type: 'error', seq: message.seq, error: String(error) }),
    );
  });
  process.on('disconnect', () => void stop(consumers));
  send({ type: 'ready' });
}

async function stop(consumers: { client: ZkClient; watched: WatchedEndpointer }[]) {
  await Promise.all(
    consumers.map(async ({ client, watched }) => {
      await watched.endpointer.close();
      await client.close();
    }),
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
