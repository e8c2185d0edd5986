import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Bare, BareZk } from '../support/bare-zk.js';
import type { ClientMemory, MemoryReading } from '../support/client-memory-process.js';
import { benchPath } from '../support/fleet.js';
import { bytes, count, medianP95, positiveRatio, ratio, table } from '../support/format.js';
import { connectClient, TRANSPORTS } from '../support/lib-parts.js';
import { nthOrder } from '../support/order.js';
import { median, type Summary, summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

/** Size of the node every request reads. */
const NODE_BYTES = 100;
/** Requests per batch with one in flight, and with `IN_FLIGHT` in flight. */
const SEQUENTIAL = 500;
const IN_FLIGHT = 100;
const CONCURRENT = 5_000;
/** Rounds of one batch of each kind per transport (after one unrecorded round). */
const ROUNDS = 10;
/** Connects per transport (after one unrecorded pair). */
const CONNECTS = 30;
/** Clients opened per fresh process, and fresh processes per transport. */
const CLIENTS = 50;
const MEMORY_PROCESSES = 3;

const memoryScript = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'support',
  'client-memory-process.js',
);

/** One batch of requests: the latency of each, and requests per second over the batch. */
interface Batch {
  latencies: number[];
  perSecond: number;
}

/** A transport's figures. */
interface TransportResult {
  sequential: { latency: Summary; perSecond: number };
  concurrent: { latency: Summary; perSecond: number };
  connect: Summary;
  memory: ClientMemory;
}

/**
 * Issue 23: the two transports of `ZkClient` side by side, the native binding the reference.
 * Requests (a `getData` of a 100-byte node, 1 and 100 in flight: latency and throughput), the
 * connect to a first session, and memory per client (in fresh processes). Every measurement
 * alternates the transports pair by pair, so the machine's noise falls on both alike.
 */
export const transport: BenchCase = {
  name: 'transport',
  title: '2d. Transports',
  async run({ zk, log }) {
    const servers = zk.connectString;
    const setup = await BareZk.connect(servers);
    const path = benchPath('transport');
    await setup.ensurePath(path);
    const node = `${path}/node`;
    await setup.create(node, Buffer.alloc(NODE_BYTES, 'x'), Bare.PERSISTENT);
    setup.close();
    const clients = new Map<ZkTransport, ZkClient>();
    for (const t of TRANSPORTS) clients.set(t, await connectClient(servers, t));
    const batches = new Map(
      TRANSPORTS.map((t) => [t, { sequential: [] as Batch[], concurrent: [] as Batch[] }]),
    );
    try {
      for (const client of clients.values()) {
        const { data } = await client.getData(node);
        if (data.length !== NODE_BYTES) throw new Error(`read ${data.length} bytes`);
      }
      for (let round = 0; round <= ROUNDS; round++) {
        log(`requests, round ${round + 1}/${ROUNDS + 1}${round === 0 ? ' (warm-up)' : ''}`);
        for (const t of nthOrder(TRANSPORTS, round)) {
          const batch = await sequential(clients.get(t)!, node, SEQUENTIAL);
          if (round > 0) batches.get(t)!.sequential.push(batch);
        }
        for (const t of nthOrder(TRANSPORTS, round + 1)) {
          const batch = await concurrent(clients.get(t)!, node, CONCURRENT, IN_FLIGHT);
          if (round > 0) batches.get(t)!.concurrent.push(batch);
        }
      }
    } finally {
      for (const client of clients.values()) await client.close();
    }
    log(`${CONNECTS} connects per transport`);
    const connects = new Map(TRANSPORTS.map((t) => [t, [] as number[]]));
    for (let i = 0; i <= CONNECTS; i++) {
      for (const t of nthOrder(TRANSPORTS, i)) {
        const ms = await connectOnce(servers, t);
        if (i > 0) connects.get(t)!.push(ms);
      }
    }
    log(`${CLIENTS} clients in each of ${MEMORY_PROCESSES} fresh processes per transport`);
    const memories = new Map(TRANSPORTS.map((t) => [t, [] as ClientMemory[]]));
    for (let i = 0; i < MEMORY_PROCESSES; i++) {
      for (const t of nthOrder(TRANSPORTS, i))
        memories.get(t)!.push(await clientMemory(servers, t));
    }
    const results = new Map<ZkTransport, TransportResult>();
    for (const t of TRANSPORTS) {
      const { sequential: seq, concurrent: con } = batches.get(t)!;
      results.set(t, {
        sequential: summarizeBatches(seq),
        concurrent: summarizeBatches(con),
        connect: summarize(connects.get(t)!),
        memory: medianMemory(memories.get(t)!),
      });
    }
    return report(results);
  },
};

/** `n` reads one after another. */
async function sequential(client: ZkClient, node: string, n: number): Promise<Batch> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const sent = performance.now();
    await client.getData(node);
    latencies.push(performance.now() - sent);
  }
  return { latencies, perSecond: n / ((performance.now() - started) / 1000) };
}

/** `n` reads, `inFlight` at a time: each of `inFlight` callers sends its next read on an answer. */
async function concurrent(
  client: ZkClient,
  node: string,
  n: number,
  inFlight: number,
): Promise<Batch> {
  const latencies: number[] = [];
  let sentCount = 0;
  const caller = async () => {
    while (sentCount < n) {
      sentCount++;
      const sent = performance.now();
      await client.getData(node);
      latencies.push(performance.now() - sent);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, caller));
  return { latencies, perSecond: n / ((performance.now() - started) / 1000) };
}

/** Latency over every batch's requests; requests/s the median of the batches'. */
function summarizeBatches(batches: readonly Batch[]): { latency: Summary; perSecond: number } {
  return {
    latency: summarize(batches.flatMap((batch) => batch.latencies)),
    perSecond: median(batches.map((batch) => batch.perSecond)),
  };
}

/** From `ZkClient.connect()` to its first session (the promise resolving); then closes it. */
async function connectOnce(servers: string, t: ZkTransport): Promise<number> {
  const started = performance.now();
  const client = await connectClient(servers, t);
  const elapsed = performance.now() - started;
  await client.close();
  return elapsed;
}

/** Runs client-memory-process.js once for `t`. */
function clientMemory(servers: string, t: ZkTransport): Promise<ClientMemory> {
  const child = fork(memoryScript, [servers, t, String(CLIENTS)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let answer: ClientMemory | undefined;
    child.once('message', (message: ClientMemory) => {
      answer = message;
    });
    child.once('exit', (code) =>
      answer ? resolve(answer) : reject(new Error(`client-memory-process exited (${code})`)),
    );
  });
}

/** Each figure's median over the processes. */
function medianMemory(runs: readonly ClientMemory[]): ClientMemory {
  const of = (pick: (run: ClientMemory) => MemoryReading): MemoryReading => ({
    heapUsed: median(runs.map((run) => pick(run).heapUsed)),
    external: median(runs.map((run) => pick(run).external)),
    rss: median(runs.map((run) => pick(run).rss)),
  });
  return { first: of((run) => run.first), perClient: of((run) => run.perClient) };
}

function report(results: ReadonlyMap<ZkTransport, TransportResult>): string {
  const [reference, ...others] = TRANSPORTS;
  const rows: string[][] = [];
  /** One metric: each transport's cell, then each other transport's ratio to the reference. */
  const metric = (
    label: string,
    cell: (result: TransportResult) => string,
    value: (result: TransportResult) => number,
  ) => {
    const base = value(results.get(reference!)!);
    rows.push([
      label,
      ...TRANSPORTS.map((t) => cell(results.get(t)!)),
      ...others.map((t) => positiveRatio(value(results.get(t)!), base)),
    ]);
  };
  const read = `\`getData\` of a ${NODE_BYTES}-byte node`;
  metric(
    `${read}, 1 in flight: latency p50 / p95 (ms)`,
    (r) => medianP95(r.sequential.latency),
    (r) => r.sequential.latency.median,
  );
  metric(
    `${read}, 1 in flight: requests/s`,
    (r) => count(r.sequential.perSecond),
    (r) => r.sequential.perSecond,
  );
  metric(
    `${read}, ${IN_FLIGHT} in flight: latency p50 / p95 (ms)`,
    (r) => medianP95(r.concurrent.latency),
    (r) => r.concurrent.latency.median,
  );
  metric(
    `${read}, ${IN_FLIGHT} in flight: requests/s`,
    (r) => count(r.concurrent.perSecond),
    (r) => r.concurrent.perSecond,
  );
  metric(
    'connect to the first session: p50 / p95 (ms)',
    (r) => medianP95(r.connect),
    (r) => r.connect.median,
  );
  for (const [label, key] of [
    ['heap', 'heapUsed'],
    ['external', 'external'],
    ['RSS', 'rss'],
  ] as const) {
    metric(
      `${label} per client (${CLIENTS} more in a fresh process)`,
      (r) => bytes(r.memory.perClient[key]),
      (r) => r.memory.perClient[key],
    );
  }
  for (const [label, key] of [
    ['heap', 'heapUsed'],
    ['RSS', 'rss'],
  ] as const) {
    metric(
      `${label} of the first client (loading the transport)`,
      (r) => bytes(r.memory.first[key]),
      (r) => r.memory.first[key],
    );
  }
  return [
    `\`ZkClient\` on each transport against this benchmark's server, the transports alternating ` +
      `pair by pair (each round, and each connect, takes the next order). Requests: a ` +
      `\`getData\` of a ${NODE_BYTES}-byte node through the client (its promise and deadline ` +
      `included), ${count(SEQUENTIAL)} one after another and ${count(CONCURRENT)} with ` +
      `${IN_FLIGHT} in flight (${IN_FLIGHT} callers, each sending its next read when its last ` +
      `was answered), per transport per round, ${ROUNDS} rounds after one unrecorded; latency ` +
      `over all the rounds' requests, requests/s the median of the rounds'. Connect: from ` +
      `\`ZkClient.connect()\` to its first session, ${CONNECTS} per transport (after one ` +
      `unrecorded pair), each client closed before the next. Memory: ${MEMORY_PROCESSES} fresh ` +
      `processes per transport (\`--expose-gc\`), each opening one client, then ${CLIENTS} more, ` +
      'each on its own session; readings after a full GC; per client the growth over the ' +
      `${CLIENTS} divided by ${CLIENTS}, the first client's growth on its own (it loads the ` +
      "transport: the native binding's shared library, or the protocol client's modules); " +
      'medians of the processes.',
    '',
    table(['metric', ...TRANSPORTS, ...others.map((t) => `${t}/${reference}`)], rows),
    '',
    `A ratio above ${ratio(1)} means ${others.join(', ')} has more of it than ${reference}: ` +
      'slower for times, more memory, and faster for requests/s.',
  ].join('\n');
}
