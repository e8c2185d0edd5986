import { setTimeout as delay } from 'node:timers/promises';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { FaultProxy } from '../../lib/testing/index.js';
import { BareZk } from '../support/bare-zk.js';
import { ConsumerFleet } from '../support/consumer-fleet.js';
import { benchPath, registerFleet } from '../support/fleet.js';
import { bytes, count, medianP95, ms, ratio, table, verdict } from '../support/format.js';
import { libraryLabel, TRANSPORTS } from '../support/lib-parts.js';
import { delta, mntr } from '../support/mntr.js';
import { Registrant } from '../support/registrant.js';
import { smoke } from '../support/smoke.js';
import { median, summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const INSTANCES = smoke(5_000, 200);
const PROCESSES = smoke(4, 2);
const PER_PROCESS = smoke(25, 3);
const CONSUMERS = PROCESSES * PER_PROCESS;
/** Registrations per transport, each followed by its deregistration. */
const TRIALS = smoke(8, 2);
const WARMUP = 1;
/** Issue 24: server bytes per change at least this many times lower on the persistent watch. */
const BYTES_GOAL = 100;
/** The proxy has forwarded at most this much in a window: the change's traffic is over. */
const QUIET_BYTES = 1024;
const QUIET_WINDOW_MS = 50;

type Direction = 'register' | 'deregister';

/** One change, as every consumer saw it. */
interface Change {
  /** From the change's resolution in the registering app: the last consumer, the median one. */
  last: number;
  median: number;
  /** The same from the call. */
  lastFromCall: number;
  /** Bytes the proxy forwarded from the server to the consumers, and to the server. */
  fromServer: number;
  toServer: number;
  /** ZooKeeper requests all consumers sent. */
  requests: number;
  /** Packets the server sent (mntr `zk_packets_sent`, every session). */
  packets: number;
}

/** One transport's run: its startup and its changes. */
interface TransportRun {
  startupMs: number;
  startupFromServer: number;
  changes: Record<Direction, Change[]>;
}

/**
 * Issue 24, item 5: many consumers at scale. 100 consumers (4 processes × 25 `ZkClient`s, each
 * with its own session and a `ZkEndpointer`) watch one service of 5,000 instances, behind the
 * testing kit's `FaultProxy`, which counts the bytes it forwards. One instance registers, then
 * deregisters (the registering app in a process of its own, on the consumers' transport, straight
 * to the server); per change: the bytes and packets the server sends, the consumers' requests, and
 * the time until the last consumer holds the change. The library on the native transport (one-shot
 * watches: every change makes every consumer read the whole list), then on the protocol transport
 * (one persistent recursive watch), on the same fleet of 5,000.
 */
export const scale: BenchCase = {
  name: 'scale',
  title: '6b. Many consumers at scale',
  async run({ zk, log }) {
    const proxy = await FaultProxy.start({ host: zk.host, port: zk.port });
    const filler = await BareZk.connect(zk.connectString);
    const registrant = await Registrant.start(zk.connectString);
    const path = benchPath('scale');
    const runs = new Map<ZkTransport, TransportRun>();
    try {
      log(`registering ${count(INSTANCES)} instances`);
      await registerFleet(filler, path, INSTANCES);
      for (const transport of TRANSPORTS) {
        log(`${transport}: ${PROCESSES} processes × ${PER_PROCESS} consumers reading the fleet`);
        const bytesBefore = proxy.forwardedBytes.fromTarget;
        const started = performance.now();
        const fleets = await Promise.all(
          Array.from({ length: PROCESSES }, () =>
            ConsumerFleet.start(proxy.connectString, transport, path, PER_PROCESS, INSTANCES),
          ),
        );
        const run: TransportRun = {
          startupMs: performance.now() - started,
          startupFromServer: proxy.forwardedBytes.fromTarget - bytesBefore,
          changes: { register: [], deregister: [] },
        };
        try {
          await quiet(proxy);
          log(`${transport}: ${TRIALS} registrations and deregistrations (after ${WARMUP})`);
          for (let trial = 0; trial < WARMUP + TRIALS; trial++) {
            const data = `http://127.0.0.1:${10_000 + trial}`;
            let node = '';
            const register = await measure(zk, proxy, fleets, async () => {
              const registered = await registrant.register(transport, path, data);
              node = registered.node;
              return { ...registered, id: node.slice(path.length + 1), present: true };
            });
            const id = node.slice(path.length + 1);
            const deregister = await measure(zk, proxy, fleets, async () => ({
              ...(await registrant.deregister(node)),
              id,
              present: false,
            }));
            if (trial < WARMUP) continue;
            run.changes.register.push(register);
            run.changes.deregister.push(deregister);
          }
        } finally {
          await Promise.all(fleets.map((fleet) => fleet.stop()));
        }
        runs.set(transport, run);
      }
    } finally {
      await registrant.close();
      filler.close();
      await proxy.close();
    }
    return report(runs);
  },
};

/** Makes one change and measures it once the consumers hold it and the traffic is over. */
async function measure(
  zk: Parameters<typeof mntr>[0],
  proxy: FaultProxy,
  fleets: readonly ConsumerFleet[],
  change: () => Promise<{ called: number; resolved: number; id: string; present: boolean }>,
): Promise<Change> {
  const requests = async () =>
    (await Promise.all(fleets.map((fleet) => fleet.requests()))).reduce((a, b) => a + b, 0);
  const requestsBefore = await requests();
  const before = await mntr(zk);
  const bytesBefore = proxy.forwardedBytes;
  const { called, resolved, id, present } = await change();
  const times = (await Promise.all(fleets.map((fleet) => fleet.when(id, present)))).flat();
  await quiet(proxy);
  const bytesAfter = proxy.forwardedBytes;
  const after = await mntr(zk);
  const sorted = times.sort((a, b) => a - b);
  const last = sorted[sorted.length - 1]!;
  return {
    last: last - resolved,
    median: sorted[Math.floor(sorted.length / 2)]! - resolved,
    lastFromCall: last - called,
    fromServer: bytesAfter.fromTarget - bytesBefore.fromTarget,
    toServer: bytesAfter.toTarget - bytesBefore.toTarget,
    requests: (await requests()) - requestsBefore,
    packets: delta(before, after, 'zk_packets_sent'),
  };
}

/**
 * Waits until the proxy forwards next to nothing (pings) in two windows in a row: the change's
 * traffic is over (a consumer of one-shot watches drops a leaving instance on its own
 * `NodeDeleted`, before its list read).
 */
async function quiet(proxy: FaultProxy): Promise<void> {
  const total = () => proxy.forwardedBytes.fromTarget + proxy.forwardedBytes.toTarget;
  let last = total();
  let quietWindows = 0;
  while (quietWindows < 2) {
    await delay(QUIET_WINDOW_MS);
    const now = total();
    quietWindows = now - last <= QUIET_BYTES ? quietWindows + 1 : 0;
    last = now;
  }
}

function report(runs: ReadonlyMap<ZkTransport, TransportRun>): string {
  const [reference, ...others] = TRANSPORTS;
  const rows: string[][] = [];
  const medianOf = (changes: readonly Change[], pick: (change: Change) => number) =>
    median(changes.map(pick));
  for (const direction of ['register', 'deregister'] as const) {
    for (const transport of TRANSPORTS) {
      const changes = runs.get(transport)!.changes[direction];
      const fromServer = medianOf(changes, (c) => c.fromServer);
      rows.push([
        direction,
        libraryLabel(transport),
        medianP95(summarize(changes.map((c) => c.last))),
        ms(medianOf(changes, (c) => c.median)),
        ms(medianOf(changes, (c) => c.lastFromCall)),
        bytes(fromServer),
        bytes(fromServer / CONSUMERS),
        bytes(medianOf(changes, (c) => c.toServer)),
        count(medianOf(changes, (c) => c.requests)),
        count(medianOf(changes, (c) => c.packets)),
      ]);
    }
  }
  const referenceRun = runs.get(reference!)!;
  const goals = others.flatMap((transport) =>
    (['register', 'deregister'] as const).map((direction) => {
      const ours = median(runs.get(transport)!.changes[direction].map((c) => c.fromServer));
      const before = median(referenceRun.changes[direction].map((c) => c.fromServer));
      const lower = before / ours;
      return (
        `${direction}: ${bytes(before)} on ${reference}, ${bytes(ours)} on ${transport}, ` +
        `${ratio(lower)} lower (goal ≥ ${BYTES_GOAL}×: ${verdict(lower >= BYTES_GOAL)})`
      );
    }),
  );
  const startup = TRANSPORTS.map((transport) => {
    const run = runs.get(transport)!;
    return (
      `${transport} ${(run.startupMs / 1000).toFixed(1)} s, ` +
      `${bytes(run.startupFromServer / CONSUMERS)} from the server per consumer`
    );
  }).join('; ');
  return [
    `${CONSUMERS} consumers (${PROCESSES} processes × ${PER_PROCESS} \`ZkClient\`s, each with its ` +
      `own session and a \`ZkEndpointer\` on the path) watch one service of ` +
      `${count(INSTANCES)} instances through the testing kit's \`FaultProxy\` (which counts the ` +
      'bytes it forwards each way); the registering app (a process of its own, `Registrar` on ' +
      "the consumers' transport) talks to the server directly. The library on each transport " +
      `in turn, on the same fleet: ${TRIALS} registrations, each followed by its ` +
      `deregistration (after ${WARMUP} unrecorded). Times from the change's resolution in the ` +
      'registering app (the last consumer also from the call); traffic counted from the change ' +
      'until the proxy goes quiet, medians over the changes.',
    '',
    table(
      [
        'change',
        'consumers',
        'last consumer holds it, p50 / p95 (ms)',
        'median consumer, p50 (ms)',
        'last consumer from the call, p50 (ms)',
        'bytes from the server, all consumers',
        'per consumer',
        'bytes to the server',
        'requests sent by the consumers',
        'packets the server sent (`mntr`, every session)',
      ],
      rows,
    ),
    '',
    `Server bytes per change, ${others.join(', ')} against ${reference}: ${goals.join('; ')}.`,
    '',
    `Startup (every consumer holding all ${count(INSTANCES)}, the processes started at once): ` +
      `${startup}.`,
  ].join('\n');
}
