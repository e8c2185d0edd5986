import { performance } from 'node:perf_hooks';
import { Bare, type BareCalls, BareZk } from '../support/bare-zk.js';
import { benchPath, registerFleet } from '../support/fleet.js';
import { bytes, count, medianP95, ms, table } from '../support/format.js';
import { delta, meanReadLatency, mntr } from '../support/mntr.js';
import { median, type Summary, summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const SIZES: readonly { size: number; reps: number }[] = [
  { size: 1, reps: 300 },
  { size: 100, reps: 300 },
  { size: 1_000, reps: 200 },
  { size: 10_000, reps: 60 },
];
const ISSUE_CALLS = 20_000;

type Read = (done: () => void) => void;
/** Runs before each timed read, untimed (e.g. a change to the list, so the server's cache misses). */
type Prepare = () => Promise<void>;

/** Round trip and main-thread time of one kind of read, and the server's view of it. */
interface ReadProfile {
  rtt: Summary;
  /** Event-loop active time per read: the C client's reads and parsing, the conversion to JS. */
  mainThread: number;
  /** The server's mean latency of these reads (mntr), ms. */
  server: number;
  /** mntr's get_children response cache hits during the reads. */
  cacheHits: number;
}

/**
 * Issue 7, item 2's question: where the floor's growth goes. The same children list read with
 * `get_children` and `get_children2`, against one `get` of a node holding as many bytes as the
 * list takes on the wire; each read timed end to end, by the event loop's active time (all the
 * client's work: the binding drives the single-threaded C client from libuv) and by the server.
 */
export const floor: BenchCase = {
  name: 'floor',
  title: '2b. Where the floor grows',
  async run({ zk, log }) {
    const filler = await BareZk.connect(zk.connectString);
    const reader = await BareZk.connect(zk.connectString);
    const rows: string[][] = [];
    const decomposition: string[][] = [];
    try {
      for (const { size, reps } of SIZES) {
        log(`${size} children, ${reps} reads of each kind`);
        const path = benchPath(`floor-${size}`);
        const names = await registerFleet(filler, path, size);
        const wireBytes = 4 + names.reduce((sum, name) => sum + 4 + Buffer.byteLength(name), 0);
        const blobPath = `${path}-blob`;
        await filler.create(blobPath, Buffer.alloc(wireBytes, 'x'), Bare.PERSISTENT);
        const zkNative = reader.native;
        const children: Read = (done) =>
          zkNative.a_get_children(path, false, (rc) => check(rc, done));
        const children2: Read = (done) =>
          zkNative.a_get_children2(path, false, (rc) => check(rc, done));
        const blob: Read = (done) => zkNative.a_get(blobPath, false, (rc) => check(rc, done));
        // A sibling created and deleted: the list is the same but its version (pzxid) moved on,
        // as after a registration, so the server's serialized-response cache cannot answer.
        const change: Prepare = async () => {
          await filler.delete(await filler.create(`${path}-x`, '', Bare.PERSISTENT));
          await filler.create(`${path}/x`, '', Bare.PERSISTENT);
          await filler.delete(`${path}/x`);
        };
        const a = await profile(zk, children, reps);
        const b = await profile(zk, children2, reps);
        const d = await profile(zk, children2, reps, change);
        const c = await profile(zk, blob, reps);
        rows.push([
          count(size),
          bytes(wireBytes),
          medianP95(a.rtt),
          medianP95(b.rtt),
          `${b.cacheHits}/${reps}`,
          medianP95(d.rtt),
          `${d.cacheHits}/${reps}`,
          medianP95(c.rtt),
        ]);
        for (const [label, read] of [
          ['get_children', a],
          ['get_children2 (cached answer)', b],
          ['get_children2 after a change', d],
          ['get, same bytes', c],
        ] as const) {
          decomposition.push([
            count(size),
            label,
            ms(read.rtt.median),
            ms(read.server),
            ms(read.mainThread),
            ms(read.rtt.median - read.server - read.mainThread),
          ]);
        }
      }
      log('cost of the wrapper class per call');
      const wrapper = await issueCost(reader.calls, ISSUE_CALLS);
      const direct = await issueCost(reader.native, ISSUE_CALLS);
      return [
        'Round trips of one read, sequential, on an otherwise idle session (median / p95, ms).',
        '"get, same bytes" reads one node whose data is as large as the children list on the wire.',
        '',
        table(
          [
            'children',
            'list on the wire',
            'get_children',
            'get_children2',
            'cache hits',
            'get_children2 after a change',
            'cache hits',
            'get, same bytes',
          ],
          rows,
        ),
        '',
        "Where a read goes (ms): the round trip (median); the server's own latency (mean of `mntr`",
        "`zk_sum_readlatency / zk_cnt_readlatency`: from the request's arrival until its answer is",
        "built, before it is serialized); the client's main-thread time (median event-loop active",
        "time during the read: socket reads, the C client's parsing, the conversion of every name to",
        "a JS string); the rest (the answer's serialization in the server, kernel, loopback,",
        'scheduling).',
        '',
        table(
          ['children', 'read', 'round trip', 'server', 'client main thread', 'rest'],
          decomposition,
        ),
        '',
        `The package's wrapper class formats every call's arguments with \`util.inspect\` for its`,
        'logger, logger or not. Synchronous cost of issuing one `a_get`',
        `(${count(ISSUE_CALLS)} calls): through the wrapper ${us(wrapper)}, on its \`native\``,
        `object ${us(direct)}: ${us(wrapper - direct)} per call spent formatting.`,
      ].join('\n');
    } finally {
      reader.close();
      filler.close();
    }
  },
};

function check(rc: number, done: () => void): void {
  if (rc !== Bare.OK) throw new Error(`read failed with code ${rc}`);
  done();
}

async function profile(
  zk: Parameters<typeof mntr>[0],
  read: Read,
  reps: number,
  prepare?: Prepare,
): Promise<ReadProfile> {
  for (let i = 0; i < 20; i++) await once(read);
  const rtts: number[] = [];
  const active: number[] = [];
  let server = 0;
  let serverReads = 0;
  let cacheHits = 0;
  // Reads are counted by the server between two mntr readings; with a prepare step, its own
  // requests are read-free (creates and deletes), so only the timed reads are counted.
  const before = await mntr(zk);
  for (let i = 0; i < reps; i++) {
    if (prepare) await prepare();
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    const finished = await once(read);
    active.push(performance.eventLoopUtilization(elu).active);
    rtts.push(finished - started);
  }
  const after = await mntr(zk);
  server = meanReadLatency(before, after);
  serverReads = delta(before, after, 'zk_cnt_readlatency');
  cacheHits = delta(before, after, 'zk_response_packet_get_children_cache_hits');
  if (serverReads !== reps) throw new Error(`the server counted ${serverReads} reads, not ${reps}`);
  return { rtt: summarize(rtts), mainThread: median(active), server, cacheHits };
}

/** Resolves with the time the read's callback ran. */
function once(read: Read): Promise<number> {
  return new Promise((resolve) => read(() => resolve(performance.now())));
}

/** Mean synchronous time to issue one `a_get` (the answers are awaited outside the timing), ms. */
async function issueCost(zk: BareCalls, calls: number): Promise<number> {
  const run = async () => {
    let pending = calls;
    let finish!: () => void;
    const all = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      zk.a_get('/bench', false, () => {
        if (--pending === 0) finish();
      });
    }
    const elapsed = performance.now() - started;
    await all;
    return elapsed / calls;
  };
  await run();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(await run());
  return median(samples);
}

function us(valueMs: number): string {
  return `${(valueMs * 1000).toFixed(1)} µs`;
}
