/**
 * What ZkClients of one transport cost a process, measured in a fresh one (started by the
 * transport benchmark, `node --expose-gc client-memory-process.js <servers> <transport> <count>`,
 * with an IPC channel): the first client (which also loads the transport's code: the native
 * binding's shared library, or the protocol client's modules), then `count` more, each connected
 * to its own session. Readings after a full GC; the answer is sent over IPC.
 */
import type { ZkClient } from '../../lib/client/zk-client.js';
import { collectGarbage } from './heap.js';
import { connectClient } from './lib-parts.js';

/** Bytes of the V8 heap in use, of memory outside it V8 knows of, and of the process (RSS). */
export interface MemoryReading {
  heapUsed: number;
  external: number;
  rss: number;
}

/** The answer: what the first client added, and what each further client added (mean). */
export interface ClientMemory {
  first: MemoryReading;
  perClient: MemoryReading;
}

async function reading(): Promise<MemoryReading> {
  await collectGarbage();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, rss };
}

function perEach(after: MemoryReading, before: MemoryReading, count: number): MemoryReading {
  return {
    heapUsed: (after.heapUsed - before.heapUsed) / count,
    external: (after.external - before.external) / count,
    rss: (after.rss - before.rss) / count,
  };
}

async function main(): Promise<void> {
  const [servers, transport, countArg] = process.argv.slice(2);
  const count = Number(countArg);
  if (!servers || (transport !== 'native' && transport !== 'protocol') || !(count > 0)) {
    throw new Error('usage: client-memory-process.js <servers> <native|protocol> <count>');
  }
  if (!process.send) throw new Error('client-memory-process.js must be forked with IPC');
  const clients: ZkClient[] = [];
  const start = await reading();
  clients.push(await connectClient(servers, transport));
  const afterFirst = await reading();
  for (let i = 0; i < count; i++) clients.push(await connectClient(servers, transport));
  const afterAll = await reading();
  const answer: ClientMemory = {
    first: perEach(afterFirst, start, 1),
    perClient: perEach(afterAll, afterFirst, count),
  };
  await Promise.all(clients.map((client) => client.close()));
  process.send(answer, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
