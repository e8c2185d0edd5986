/**
 * Issue 23, chaos: a seeded random schedule of faults, one at a time with recovery gaps, for
 * CHAOS_MINUTES (default 20) against a 3-node ensemble whose members the apps and consumers reach
 * through a FaultProxy each; 6 hello instances (child processes running the built sample) and 3
 * gateway apps (child processes, Nest, each an endpointer of the hello path), the first taking
 * 100 requests/s. Faults: kill a member and restart it (sometimes the leader, found with `srvr`),
 * partition a member (its proxy) then heal, wipe a member (stop, empty data, restart), pause an
 * instance (SIGSTOP, shorter or longer than its session, then SIGCONT), kill an instance
 * (SIGKILL, then a new one in its place). Checked all along:
 * 1. after each fault, every live instance registered exactly once and every consumer fresh with
 *    exactly them, within session timeout + 3 s;
 * 2. no consumer holds an instance gone (killed, or paused past its session) for longer than
 *    session timeout + 3 s;
 * 3. no call fails but those in flight to a killed or paused instance;
 * 4. no growth of processes, file descriptors, sockets or heap, start against end.
 * Opt-in (`npm run scenarios -- chaos`); the transport is whatever ZK_DISCOVERY_TRANSPORT says.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZkClient } from '../../lib/client/index.js';
import { FaultProxy, ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { FuzzRandom } from '../../test/support/protocol-fuzz.js';
import type { Bar, Scenario } from './scenario.js';
import {
  CHAOS_MINUTES_ENV,
  CHAOS_SEED_ENV,
  chaosMinutes,
  chaosSeed,
} from './support/chaos-settings.js';
import { type GatewayFailure, GatewayProcess } from './support/gateway-process.js';
import { HELLO_PATH, HelloProcess } from './support/hello-process.js';
import { failureLines, type LoadReport, SteadyLoad } from './support/load.js';
import { table, yesNo } from './support/markdown.js';
import { descendantCount, openFds } from './support/process-probe.js';
import { sameSet, settledSince, timeNotHolding } from './support/settle.js';
import { medianMax, mib, ms, msPrecise } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 8000;
/** The bars of invariants 1 and 2: the session timeout plus this. */
const SLACK_MS = 3000;
const BOUND_MS = SESSION_MS + SLACK_MS;
const MEMBERS = 3;
const APPS = 6;
const CONSUMERS = 3;
const REQUESTS_PER_SECOND = 100;
const DRAIN_MS = 200;
/** Load before the baseline sample, so that it is taken of warm processes. */
const WARMUP_MS = 10_000;
/** Idle time before each sample: longer than the HTTP keep-alive timeouts (4 s and 5 s). */
const IDLE_MS = 8000;
/** How long the converged state must hold to count. */
const QUIET_MS = 1000;
/** A recovery not converged by then is recorded as such, and the schedule goes on. */
const CONVERGE_CAP_MS = 4 * SESSION_MS;
const POLL_MS = 100;
/** The load's own deadline per call (the gateway's retry budget is 10 s). */
const CALL_TIMEOUT_MS = 15_000;
/** Heap used after GC may end at most this far above its start, per process. */
const HEAP_TOLERANCE_BYTES = 3 * 1024 ** 2;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

type FaultKind = 'member-kill' | 'member-partition' | 'member-wipe' | 'app-pause' | 'app-kill';

/** How often each kind is drawn, relative to the others. */
const WEIGHTS: readonly (readonly [FaultKind, number])[] = [
  ['member-kill', 2],
  ['member-partition', 2],
  ['member-wipe', 1],
  ['app-pause', 2],
  ['app-kill', 1],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

/** One fault as the seed draws it. */
interface PlannedFault {
  kind: FaultKind;
  /** The member (member faults) or the instance slot (app faults). */
  target: number;
  /** Member faults: hit the leader, whichever member leads then, instead of `target`. */
  leader: boolean;
  /** app-pause: longer than the session timeout (the session expires), else shorter. */
  long: boolean;
  /** How long the fault lasts: down, partitioned, paused, or dead before its replacement. */
  holdMs: number;
  /** Quiet time after the recovery, before the next fault. */
  gapMs: number;
}

/** The draws of one fault, always in the same order: a seed replays the same schedule. */
function drawFault(random: FuzzRandom): PlannedFault {
  const between = (low: number, high: number) => low + random.below(high - low + 1);
  const kind = weightedPick(random.below(TOTAL_WEIGHT));
  const onMember = kind.startsWith('member');
  const target = random.below(onMember ? MEMBERS : APPS);
  const leader = random.chance(40) && onMember;
  const long = random.chance(50) && kind === 'app-pause';
  const holds: Record<FaultKind, () => number> = {
    'member-kill': () => between(2000, 12_000),
    'member-partition': () => between(2000, 2 * SESSION_MS),
    'member-wipe': () => between(1000, 5000),
    'app-pause': () =>
      long ? between(SESSION_MS + 4000, SESSION_MS + 8000) : between(1500, SESSION_MS * 0.6),
    'app-kill': () => between(1000, 4000),
  };
  return { kind, target, leader, long, holdMs: holds[kind](), gapMs: between(3000, 8000) };
}

/** The kind whose share of the weights holds `roll` (in [0, TOTAL_WEIGHT)). */
function weightedPick(roll: number): FaultKind {
  for (const [kind, weight] of WEIGHTS) {
    if (roll < weight) return kind;
    roll -= weight;
  }
  throw new RangeError(`roll ${roll} beyond the weights`);
}

/** One fault as it ran. */
interface FaultRun {
  n: number;
  kind: FaultKind;
  /** What was done, e.g. `kill member 2 (leader)`. */
  label: string;
  startedAt: number;
  /** The fault over: member serving again, partition healed, SIGCONT, replacement listening. */
  endedAt: number;
  /** Fault over → every live instance registered once, every consumer fresh with them (NaN: not within the cap). */
  convergedMs: number;
  /** Time out of the converged state during the gap before the next fault (0 expected). */
  brokenMs: number;
  /** Calls sent from its start to the next fault's, and how many failed. */
  calls: { sent: number; failed: number };
}

/** An instance gone: killed, or paused past its session timeout. */
interface Gone {
  fault: number;
  app: string;
  url: string;
  at: number;
  how: 'killed' | 'paused';
}

/** When an instance could not answer: paused (until SIGCONT) or killed (for good). */
interface Down {
  app: string;
  url: string;
  from: number;
  to: number;
  how: 'killed' | 'paused';
}

/** A call of the load that failed. */
interface FailedCall {
  at: number;
  endAt: number;
  error: string;
  /** The instances the gateway's attempts went to. */
  tried: string[];
  /** The killed or paused instance it was in flight to, if any. */
  cause?: string;
}

/** One process's figures at a sample. */
interface ProcessSample {
  name: string;
  pid: number;
  fds: number;
  sockets: number;
  heapUsed: number;
}

interface Sample {
  at: number;
  processes: number;
  samples: ProcessSample[];
}

/** An instance slot: the process now in it, its name, and how many times it was replaced. */
interface Slot {
  name: string;
  process: HelloProcess;
  replaced: number;
}

export const chaosScenario: Scenario = {
  name: 'chaos',
  summary:
    'opt-in: CHAOS_MINUTES (20) of seeded random faults (CHAOS_SEED) on an ensemble, 6 apps, 3 consumers, 100 req/s',
  async run(log) {
    const minutes = chaosMinutes();
    const seed = chaosSeed();
    const random = new FuzzRandom(seed);
    log(`seed ${seed} (${CHAOS_SEED_ENV}=${seed} replays the schedule), ${minutes} min of faults`);
    const ensemble = await ZooKeeperEnsemble.start(MEMBERS);
    const slots: Slot[] = [];
    const consumers: GatewayProcess[] = [];
    let proxies: FaultProxy[] = [];
    let observer: ZkClient | undefined;
    let load: SteadyLoad | undefined;
    try {
      proxies = await FaultProxy.forEach(ensemble.servers);
      const servers = proxies.map((proxy) => proxy.connectString).join(',');
      // The observer reads the tree from the members directly, past the proxies.
      observer = await ZkClient.connect({
        servers: ensemble.connectString,
        sessionTimeoutMs: SESSION_MS,
        logger: quiet,
      });
      const reader = observer;
      const startApp = () =>
        HelloProcess.start({
          servers,
          port: 0,
          sessionTimeoutMs: SESSION_MS,
          drainDelayMs: DRAIN_MS,
          heapProbe: true,
        });
      const started = await Promise.all(Array.from({ length: APPS }, startApp));
      slots.push(
        ...started.map((hello, i) => ({ name: `app ${i + 1}`, process: hello, replaced: 0 })),
      );
      consumers.push(
        ...(await Promise.all(
          Array.from({ length: CONSUMERS }, () => GatewayProcess.start(servers, SESSION_MS)),
        )),
      );
      const transport = transportOf(observer, consumers);
      log(`transport ${transport}; ${APPS} instances and ${CONSUMERS} consumers started`);

      const liveUrls = () => slots.map((slot) => slot.process.url);
      const registeredUrls = async () => {
        const children = await reader.getChildren(HELLO_PATH);
        return Promise.all(
          children.map(async (child) =>
            (await reader.getData(`${HELLO_PATH}/${child}`)).data.toString(),
          ),
        );
      };
      // Every live instance registered exactly once (and nothing else), every consumer fresh
      // and listing exactly them.
      const converged = async () =>
        consumers.every((consumer) => {
          const view = consumer.view;
          return view !== undefined && !view.stale && sameSet(view.urls, liveUrls());
        }) && sameSet(await registeredUrls(), liveUrls());
      const convergence = () =>
        settledSince(converged, {
          quietMs: QUIET_MS,
          timeoutMs: CONVERGE_CAP_MS,
          intervalMs: POLL_MS,
        });
      if ((await convergence()) === undefined) {
        throw new Error('the instances and consumers did not converge before the first fault');
      }

      const failedCalls: FailedCall[] = [];
      const gateway = consumers[0]!;
      const call = async (): Promise<string> => {
        const at = performance.now();
        let failure: GatewayFailure;
        try {
          const response = await fetch(`${gateway.url}/hello`, {
            signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
          });
          const body = (await response.json()) as { instance?: string } & Partial<GatewayFailure>;
          if (response.ok && body.instance) return body.instance;
          failure = {
            error: `${response.status} ${body.error ?? JSON.stringify(body)}`,
            tried: body.tried ?? [],
          };
        } catch (error) {
          failure = { error: error instanceof Error ? error.message : String(error), tried: [] };
        }
        failedCalls.push({ at, endAt: performance.now(), ...failure });
        // One entry per kind of failure in the load's report, not one per port.
        throw new Error(failure.error.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://<instance>'));
      };

      // Warm up, then the baseline: every process idle past the keep-alive timeouts.
      load = new SteadyLoad(call, REQUESTS_PER_SECOND);
      load.start();
      await delay(WARMUP_MS);
      const warmup = await load.stop();
      load = undefined;
      failedCalls.length = 0;
      await delay(IDLE_MS);
      const baseline = await sampleProcesses(slots, consumers);
      log(
        `warm-up ${warmup.sent} calls (${warmup.failed} failed); baseline: ${baseline.processes} processes`,
      );

      const downs: Down[] = [];
      const gones: Gone[] = [];
      const faults: FaultRun[] = [];
      load = new SteadyLoad(call, REQUESTS_PER_SECOND);
      const runStartedAt = performance.now();
      load.start();
      const deadline = runStartedAt + minutes * 60_000;
      while (performance.now() < deadline) {
        const planned = drawFault(random);
        const n = faults.length + 1;
        const cast = { ensemble, proxies, slots, startApp, downs, gones };
        const { label, startedAt, endedAt } = await inflict(planned, n, cast).catch(
          (error: unknown) => {
            const why = error instanceof Error ? error.message : String(error);
            throw new Error(`chaos fault #${n} (${planned.kind}, seed ${seed}) failed: ${why}`, {
              cause: error,
            });
          },
        );
        const convergedAt = await convergence();
        const fault: FaultRun = {
          n,
          kind: planned.kind,
          label,
          startedAt,
          endedAt,
          convergedMs: convergedAt === undefined ? Number.NaN : convergedAt - endedAt,
          brokenMs: 0,
          calls: { sent: 0, failed: 0 },
        };
        faults.push(fault);
        // The recovery gap: nothing happens, so the converged state must hold all through it.
        fault.brokenMs = await timeNotHolding(converged, {
          durationMs: planned.gapMs,
          intervalMs: POLL_MS,
        });
        log(
          `#${n} at ${seconds(startedAt - runStartedAt)}: ${label}; converged ${ms(fault.convergedMs)} after it ended${fault.brokenMs > 0 ? `, then out of it for ${ms(fault.brokenMs)}` : ''}`,
        );
      }
      const report = await load.stop();
      faults.forEach((fault, i) => {
        fault.calls = load!.between(fault.startedAt, faults[i + 1]?.startedAt);
      });
      load = undefined;
      const runEndedAt = performance.now();
      await delay(IDLE_MS);
      const end = await sampleProcesses(slots, consumers);
      log(`done: ${faults.length} faults, ${report.sent} calls, ${report.failed} failed`);

      for (const failure of failedCalls) failure.cause = causeOf(failure, downs);
      const drops = dropsOf(gones, consumers);
      return {
        title: `Chaos: ${minutes} min of seeded random faults (transport ${transport}, seed ${seed})`,
        zookeeperVersion: await zookeeperVersion(ensemble.servers[0]!),
        ...describe({
          minutes,
          seed,
          transport,
          faults,
          drops,
          failedCalls,
          report,
          baseline,
          end,
          slots,
          runStartedAt,
          runMs: runEndedAt - runStartedAt,
        }),
      };
    } finally {
      await load?.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      // No orphans, paused ones included (SIGKILL ends a stopped process too).
      await Promise.all(slots.map((slot) => slot.process.kill().catch(() => undefined)));
      await observer?.close();
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await ensemble.stop();
    }
  },
};

/** What a fault acts on, and where it records who went down. */
interface Cast {
  ensemble: ZooKeeperEnsemble;
  proxies: readonly FaultProxy[];
  slots: Slot[];
  startApp(): Promise<HelloProcess>;
  downs: Down[];
  gones: Gone[];
}

/** Runs one fault to its end (the recovery is awaited by the caller). */
async function inflict(
  planned: PlannedFault,
  n: number,
  cast: Cast,
): Promise<{ label: string; startedAt: number; endedAt: number }> {
  const { ensemble, proxies, slots, downs, gones } = cast;
  const hold = ms(planned.holdMs);
  if (planned.kind.startsWith('member')) {
    // Every member serving before one is hit: the faults never overlap.
    const leader = await ensemble.waitForQuorum();
    const member = planned.leader ? leader : planned.target;
    // The clients on it (the observer goes past the proxies): those the fault moves.
    const clients = proxies[member]!.connectionCount;
    const role = `${member === leader ? 'leader' : 'follower'}, ${clients} clients on it`;
    const startedAt = performance.now();
    let label: string;
    if (planned.kind === 'member-kill') {
      await ensemble.kill(member);
      await delay(planned.holdMs);
      await ensemble.restart(member);
      label = `kill member ${member} (${role}), restart after ${hold}`;
    } else if (planned.kind === 'member-partition') {
      proxies[member]!.partition();
      await delay(planned.holdMs);
      proxies[member]!.heal();
      label = `partition member ${member} (${role}) for ${hold}`;
    } else {
      const server = ensemble.servers[member]!;
      await server.stop({ keepData: true });
      await delay(planned.holdMs);
      await server.restart({ emptyData: true });
      label = `wipe member ${member} (${role}): stop, ${hold} down, restart with no data`;
    }
    return { label, startedAt, endedAt: performance.now() };
  }
  const slot = slots[planned.target]!;
  const { url } = slot.process;
  const startedAt = performance.now();
  if (planned.kind === 'app-pause') {
    slot.process.pause();
    await delay(planned.holdMs);
    slot.process.resume();
    const endedAt = performance.now();
    downs.push({ app: slot.name, url, from: startedAt, to: endedAt, how: 'paused' });
    if (planned.long) gones.push({ fault: n, app: slot.name, url, at: startedAt, how: 'paused' });
    const past = planned.long ? 'past' : 'within';
    return { label: `pause ${slot.name} for ${hold} (${past} its session)`, startedAt, endedAt };
  }
  await slot.process.kill();
  downs.push({ app: slot.name, url, from: startedAt, to: Number.POSITIVE_INFINITY, how: 'killed' });
  gones.push({ fault: n, app: slot.name, url, at: startedAt, how: 'killed' });
  await delay(planned.holdMs);
  slot.process = await cast.startApp();
  slot.replaced++;
  return {
    label: `kill ${slot.name} (SIGKILL), a new one after ${hold}`,
    startedAt,
    endedAt: performance.now(),
  };
}

/** The killed or paused instance a failed call was in flight to, if any. */
function causeOf(failure: FailedCall, downs: readonly Down[]): string | undefined {
  for (const url of failure.tried) {
    const down = downs.find((d) => d.url === url && d.from <= failure.endAt && d.to >= failure.at);
    if (down) return `${down.how} ${down.app}`;
  }
  return undefined;
}

/** One consumer's hold on a gone instance. */
interface Drop {
  gone: Gone;
  consumer: number;
  /** Gone → the consumer's first snapshot without its nodes (0: it did not list it; NaN: never). */
  heldMs: number;
}

function dropsOf(gones: readonly Gone[], consumers: readonly GatewayProcess[]): Drop[] {
  return gones.flatMap((gone) =>
    consumers.map((consumer, i) => {
      const before = consumer.timeline.latestAt(gone.at);
      const held = before ? before.ids.filter((_, j) => before.urls[j] === gone.url) : [];
      if (held.length === 0) return { gone, consumer: i, heldMs: 0 };
      const dropped = consumer.timeline.seen.find(
        (view) => view.at > gone.at && !view.ids.some((id) => held.includes(id)),
      );
      return { gone, consumer: i, heldMs: dropped ? dropped.at - gone.at : Number.NaN };
    }),
  );
}

/** Processes under this one, and each instance's and consumer's descriptors and heap. */
async function sampleProcesses(
  slots: readonly Slot[],
  consumers: readonly GatewayProcess[],
): Promise<Sample> {
  const samples: ProcessSample[] = [];
  // One at a time: each probe runs full GCs.
  for (const slot of slots) {
    const heapUsed = await slot.process.heapUsed();
    samples.push({
      name: slot.name,
      pid: slot.process.pid,
      ...openFds(slot.process.pid),
      heapUsed,
    });
  }
  for (const [i, consumer] of consumers.entries()) {
    const heapUsed = await consumer.heapUsed();
    samples.push({ name: consumerName(i), pid: consumer.pid, ...openFds(consumer.pid), heapUsed });
  }
  return { at: performance.now(), processes: descendantCount(), samples };
}

function consumerName(i: number): string {
  return i === 0 ? 'consumer 1 (gateway)' : `consumer ${i + 1}`;
}

/** The transport every client used, or each one's if they differ. */
function transportOf(observer: ZkClient, consumers: readonly GatewayProcess[]): string {
  const all = new Set([observer.transport, ...consumers.map((consumer) => consumer.transport)]);
  return [...all].join(' and ');
}

function seconds(value: number): string {
  return `${(value / 1000).toFixed(1)} s`;
}

interface Outcome {
  minutes: number;
  seed: number;
  transport: string;
  faults: readonly FaultRun[];
  drops: readonly Drop[];
  failedCalls: readonly FailedCall[];
  report: LoadReport;
  baseline: Sample;
  end: Sample;
  slots: readonly Slot[];
  runStartedAt: number;
  runMs: number;
}

function describe(o: Outcome): { bars: Bar[]; markdown: string } {
  const { faults, drops, failedCalls, report, baseline, end } = o;
  // 1. Recovery after each fault.
  const recovered = faults.filter((f) => f.convergedMs <= BOUND_MS);
  const broken = faults.filter((f) => f.brokenMs > 0);
  const converged = spread(faults.map((f) => f.convergedMs));
  const slowest = worstOf(faults, (f) => f.convergedMs);
  // 2. Gone instances dropped.
  const dropped = drops.filter((d) => d.heldMs <= BOUND_MS);
  const held = spread(drops.map((d) => d.heldMs));
  const longestHold = worstOf(drops, (d) => d.heldMs);
  // 3. Failed calls, attributed.
  const unexplained = failedCalls.filter((f) => f.cause === undefined);
  const causes = countBy(failedCalls.filter((f) => f.cause).map((f) => f.cause!));
  // 4. Growth, start against end, per instance slot and consumer.
  const rows = baseline.samples.map((start, i) => ({ start, end: end.samples[i]! }));
  const grown = rows.filter((r) => r.end.fds > r.start.fds || r.end.sockets > r.start.sockets);
  const heapGrowth = rows.map((r) => r.end.heapUsed - r.start.heapUsed);
  const heapGrown = rows.filter((_, i) => !(heapGrowth[i]! <= HEAP_TOLERANCE_BYTES));
  const maxHeapGrowth = Math.max(...heapGrowth);
  const byKind = countBy(faults.map((f) => f.kind));
  const bars: Bar[] = [
    {
      claim: `chaos: after each fault every live instance is registered exactly once and every consumer fresh with exactly them within the session timeout + ${ms(SLACK_MS)} (${ms(BOUND_MS)}), and so until the next fault`,
      met: faults.length > 0 && recovered.length === faults.length && broken.length === 0,
      measured: `${recovered.length}/${faults.length} faults; fault over → converged ${converged} (median / max)${slowest ? `, slowest #${slowest.n} ${slowest.kind}` : ''}; out of it before the next fault after ${broken.length}${broken.length > 0 ? ` (${broken.map((f) => `#${f.n} ${ms(f.brokenMs)}`).join(', ')})` : ''}`,
    },
    {
      claim: `chaos: no consumer holds an instance gone (killed, or paused past its session) longer than ${ms(BOUND_MS)}`,
      met: dropped.length === drops.length,
      measured:
        drops.length === 0
          ? 'no instance was killed or paused past its session'
          : `${dropped.length}/${drops.length} (gone instance × consumer) dropped in time; held ${held} (median / max)${longestHold && !(longestHold.heldMs <= BOUND_MS) ? `, worst ${consumerName(longestHold.consumer)} on #${longestHold.gone.fault}` : ''}`,
    },
    {
      claim: 'chaos: no call fails but those in flight to a killed or paused instance',
      met: unexplained.length === 0,
      measured: `${failedCalls.length} failed of ${report.sent}: ${failedCalls.length - unexplained.length} in flight to a killed or paused instance${causes.size > 0 ? ` (${[...causes].map(([cause, count]) => `${count} ${cause}`).join(', ')})` : ''}, ${unexplained.length} otherwise`,
    },
    {
      claim: `chaos: no growth of processes, file descriptors or sockets (start against end, each after ${ms(IDLE_MS)} idle)`,
      met: end.processes <= baseline.processes && grown.length === 0,
      measured: `processes ${baseline.processes}→${end.processes}; fds ${range(rows.map((r) => r.start.fds))}→${range(rows.map((r) => r.end.fds))}, sockets ${range(rows.map((r) => r.start.sockets))}→${range(rows.map((r) => r.end.sockets))} per process; grown in ${grown.length}/${rows.length}${grown.length > 0 ? ` (${grown.map((r) => r.start.name).join(', ')})` : ''}`,
    },
    {
      claim: `chaos: no heap growth (heapUsed after GC, start against end, within ${mib(HEAP_TOLERANCE_BYTES)} per process)`,
      met: heapGrown.length === 0,
      measured: `largest change ${mib(maxHeapGrowth, true)}; beyond the tolerance in ${heapGrown.length}/${rows.length}${heapGrown.length > 0 ? ` (${heapGrown.map((r) => r.start.name).join(', ')})` : ''}`,
    },
  ];
  const dropsByGone = new Map<Gone, Drop[]>();
  for (const drop of drops)
    dropsByGone.set(drop.gone, [...(dropsByGone.get(drop.gone) ?? []), drop]);
  const since = (at: number) => seconds(at - o.runStartedAt);
  const markdown = [
    `Transport **${o.transport}** (\`ZK_DISCOVERY_TRANSPORT\`, inherited by every process), seed **${o.seed}** (\`${CHAOS_SEED_ENV}=${o.seed} ${CHAOS_MINUTES_ENV}=${o.minutes} npm run scenarios -- chaos\` draws the same faults in the same order; how many fit in the time varies with the recoveries), ${o.minutes} min of faults (${seconds(o.runMs)} with the last recovery).`,
    '',
    `A 3-node ensemble on loopback (tickTime 200 ms) with a FaultProxy in front of each member; ${APPS} hello instances (child processes running the built sample \`sample/01-hello-service\`, Express) and ${CONSUMERS} consumers (child processes, each a Nest app whose \`@InjectEndpointer\` follows \`${HELLO_PATH}\` and whose \`GET /hello\` forwards to an instance: roundRobin, retry 3 attempts in 10 s, HTTP timeout 5 s) reach ZooKeeper through the proxies only; every session timeout ${ms(SESSION_MS)}. The first consumer is the gateway: ${REQUESTS_PER_SECOND} requests/s in an open loop from the scenario process, throughout. Each consumer reports every snapshot its endpointer takes; an observer client reads the tree from the members directly. Faults come one at a time, drawn by the seed (weights: member kill 2, member partition 2, member wipe 1, instance pause 2, instance kill 1): kill a member (SIGKILL; 40% of member faults aim at whichever member leads, found with \`srvr\`) and restart it after 2–12 s; partition a member at its proxy for 2–${seconds(2 * SESSION_MS)}, then heal; wipe a member (stop, 1–5 s down, restart with its database removed: it syncs from the leader); pause an instance (SIGSTOP) for 1.5–${seconds(0.6 * SESSION_MS)} (within its session) or ${seconds(SESSION_MS + 4000)}–${seconds(SESSION_MS + 8000)} (past it: the session expires), then SIGCONT; kill an instance (SIGKILL) and start a new one in its place after 1–4 s. After each fault the run waits until every live instance is registered exactly once (the observer's read of the tree) and every consumer is fresh and lists exactly them, for ${ms(QUIET_MS)} (at most ${ms(CONVERGE_CAP_MS)}), then 3–8 s more before the next fault, checking every ${ms(POLL_MS)} that it stays so (a single failed check is not counted: the observer's read may hiccup).`,
    '',
    `Bars 1 and 2 use the session timeout + ${ms(SLACK_MS)} (${ms(BOUND_MS)}): 1 from the end of each fault (member serving again, partition healed, SIGCONT, the new instance listening); 2 from the SIGKILL or the SIGSTOP of an instance paused past its session, to each consumer's first snapshot without its node. Bar 3 counts a failed call as explained when one of the instances the gateway's attempts went to was paused or killed while the call was in flight. Bars 4 and 5 compare, per instance slot and consumer, the figures after ${seconds(WARMUP_MS)} of warm-up load and ${seconds(IDLE_MS)} idle (longer than the keep-alive timeouts) with those after the last fault and as long idle: the processes under the scenario (\`/proc\`: the ZooKeeper JVMs and the lib/testing watchdog of each, the instances, the consumers), each process's open file descriptors and sockets (\`/proc/<pid>/fd\`) and its \`heapUsed\` after full GCs (asked over IPC). An instance killed by the schedule is compared through the one that replaced it.`,
    '',
    table(
      ['figure', 'value'],
      [
        ['faults', `${faults.length}: ${[...byKind].map(([k, c]) => `${c} ${k}`).join(', ')}`],
        ['calls sent / failed', `${report.sent} / ${report.failed}`],
        ['rate', `${report.rate.toFixed(1)}/s`],
        [
          'latency p50 / p99 / max',
          `${msPrecise(report.latency.median)} / ${msPrecise(report.latency.p99)} / ${msPrecise(report.latency.max)}`,
        ],
        ['answered by', `${report.answeredBy.size} processes`],
        ['fault over → converged, median / max', converged],
        ['gone instance dropped by a consumer, median / max', drops.length > 0 ? held : 'n/a'],
        ['processes under the scenario, start → end', `${baseline.processes} → ${end.processes}`],
      ],
    ),
    '',
    '### Faults',
    '',
    table(
      [
        '#',
        'at',
        'fault',
        'over → converged',
        'within bar',
        'then out of it',
        'calls sent / failed (to the next fault)',
      ],
      faults.map((f) => [
        f.n,
        since(f.startedAt),
        f.label,
        ms(f.convergedMs),
        yesNo(f.convergedMs <= BOUND_MS),
        f.brokenMs > 0 ? `**${ms(f.brokenMs)}**` : '0',
        `${f.calls.sent} / ${f.calls.failed}`,
      ]),
    ),
    '',
    '### Gone instances and each consumer',
    '',
    dropsByGone.size === 0
      ? 'No instance was killed or paused past its session.'
      : table(
          [
            'fault',
            'instance',
            'how',
            ...Array.from({ length: CONSUMERS }, (_, i) => consumerName(i)),
          ],
          [...dropsByGone].map(([gone, list]) => [
            `#${gone.fault}`,
            gone.app,
            gone.how,
            ...list.map((d) => `${ms(d.heldMs)}${d.heldMs <= BOUND_MS ? '' : ' **late**'}`),
          ]),
        ),
    '',
    '### Failed calls',
    '',
    failedCalls.length === 0
      ? 'None.'
      : table(
          ['at', 'latency', 'cause', 'tried', 'error'],
          failedCalls
            .slice(0, 50)
            .map((f) => [
              since(f.at),
              ms(f.endAt - f.at),
              f.cause ?? '**none found**',
              f.tried.length,
              f.error.slice(0, 160).replaceAll('|', '/'),
            ]),
        ),
    failedCalls.length > 50 ? `\n(first 50 of ${failedCalls.length})` : '',
    '',
    `Failures by message: ${failureLines(report)}.`,
    '',
    '### Processes, start → end',
    '',
    table(
      ['process', 'pid', 'fds', 'sockets', 'heap used after GC', 'change'],
      rows.map((r, i) => [
        r.start.name,
        r.start.pid === r.end.pid
          ? r.start.pid
          : `${r.start.pid} → ${r.end.pid} (replaced ${o.slots[i]?.replaced ?? 0}×)`,
        `${r.start.fds} → ${r.end.fds}`,
        `${r.start.sockets} → ${r.end.sockets}`,
        `${mib(r.start.heapUsed)} → ${mib(r.end.heapUsed)}`,
        mib(heapGrowth[i]!, true),
      ]),
    ),
  ].join('\n');
  return { bars, markdown };
}

/** `median / max` of the finite values, and how many never happened (NaN). */
function spread(values: readonly number[]): string {
  const never = values.filter((value) => Number.isNaN(value)).length;
  const text = medianMax(values.filter((value) => !Number.isNaN(value)));
  return never > 0 ? `${text}, ${never} never` : text;
}

/** The item of largest `value`, NaN (never) counting as the largest. */
function worstOf<T>(items: readonly T[], value: (item: T) => number): T | undefined {
  const key = (item: T) => (Number.isNaN(value(item)) ? Number.POSITIVE_INFINITY : value(item));
  return items.reduce<T | undefined>(
    (worst, item) => (worst === undefined || key(item) > key(worst) ? item : worst),
    undefined,
  );
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** `12` or `11–14`. */
function range(values: readonly number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? String(low) : `${low}–${high}`;
}
