/**
 * Issue item 3: a 3-node ensemble, two service apps and a consumer app under a steady load. Each
 * round kills the member the consumer is connected to, then a second one (quorum lost), then
 * restores both. Measured per round: the fewest endpoints the consumer held while a quorum
 * existed, how long it served stale instances during the quorum loss, and how long everything
 * took to converge once the quorum was back.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { getZkClientToken, type ZkClient } from '../../lib/index.js';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';
import {
  type ServiceApp,
  startConsumerApp,
  startServiceApp,
} from '../../test/support/nest-apps.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { captureLogger, type LoggedLine } from './support/capture-logger.js';
import { type RequestRecord, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { sameSet, settle } from './support/settle.js';
import { ms, summarize } from './support/stats.js';
import { SnapshotTimeline } from './support/timeline.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 8000;
const ROUNDS = 3;
const REQUESTS_PER_SECOND = 50;
/** How long each degraded state is held under load before the next step. */
const HOLD_ONE_DOWN_MS = 2000;
const HOLD_NO_QUORUM_MS = 5000;
/** How long the converged state must hold to count. */
const QUIET_MS = 1500;

type Consumer = Awaited<ReturnType<typeof startConsumerApp>>;

/** The endpoint count after each snapshot the consumer took. */
interface Count {
  at: number;
  endpoints: number;
  stale: boolean;
}

interface Round {
  startedAt: number;
  /** Kill of the consumer's member → the consumer connected again, same session. */
  movedMs: number;
  secondKilledAt: number;
  /** Second kill → consumer snapshot stale. */
  staleAfterMs: number;
  /** First stale snapshot → first fresh one after the quorum returned. */
  staleMs: number;
  /** `restart()` of the first member, until it served: the quorum is back. */
  quorumMs: number;
  quorumAt: number;
  freshMs: number;
  /** Quorum back → the consumer's last change before everything held still (NaN: never). */
  convergedMs: number;
  /** Quorum back → the third member serving too. */
  thirdBackMs: number;
  endedAt: number;
  newServiceSessions: number;
  consumerNewSession: boolean;
}

export const ensembleScenario: Scenario = {
  name: 'ensemble',
  summary: '#3 a 3-node ensemble: kill the connected server, then a second one, then restore',
  async run(log) {
    const ensemble = await ZooKeeperEnsemble.start(3);
    const services: ServiceApp[] = [];
    let consumer: Consumer | undefined;
    let load: SteadyLoad | undefined;
    try {
      const root = uniqueRoot('ensemble');
      const lines: LoggedLine[] = [];
      for (const name of ['E1', 'E2']) {
        services.push(
          await startServiceApp({
            servers: ensemble.connectString,
            path: root,
            name: 'svc',
            instanceName: name,
            module: { sessionTimeoutMs: SESSION_MS, logger: captureLogger(lines, `${name}: `) },
          }),
        );
      }
      consumer = await startConsumerApp(ensemble.connectString, `${root}/svc`, {
        sessionTimeoutMs: SESSION_MS,
        logger: captureLogger(lines, 'consumer: '),
      });
      const endpointer = consumer.endpointer;
      await waitFor(() => endpointer.endpoints().length === 2);
      const rig: Rig = {
        ensemble,
        services,
        consumer,
        client: consumer.app.get<ZkClient>(getZkClientToken()),
        timeline: new SnapshotTimeline(endpointer),
        counts: [],
      };
      const unsubscribeCounts = endpointer.subscribe((snapshot) =>
        rig.counts.push({
          at: performance.now(),
          endpoints: endpointer.endpoints().length,
          stale: snapshot.stale,
        }),
      );
      load = new SteadyLoad(
        async () => (await endpointer.call((e) => e.json<{ name: string }>('/whoami'))).name,
        REQUESTS_PER_SECOND,
      );
      const startedAt = performance.now();
      load.start();
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const round = await runRound(rig, log);
        rounds.push(round);
        log(
          `round ${i + 1}: stale ${ms(round.staleMs)}, converged ${ms(round.convergedMs)} after the quorum was back`,
        );
      }
      const report = await load.stop();
      const requests = load.records;
      load = undefined;
      unsubscribeCounts();
      rig.timeline.close();
      return {
        title: '3. Ensemble: one member down, quorum lost, restored',
        zookeeperVersion: await zookeeperVersion(ensemble.servers[0]!),
        ...describe(rig, rounds, requests, lines, startedAt, report.latency),
      };
    } finally {
      await load?.stop();
      await consumer?.app.close();
      for (const service of services) await service.app.close();
      await ensemble.stop();
    }
  },
};

interface Rig {
  ensemble: ZooKeeperEnsemble;
  services: ServiceApp[];
  consumer: Consumer;
  client: ZkClient;
  timeline: SnapshotTimeline;
  counts: Count[];
}

async function runRound(rig: Rig, log: (line: string) => void): Promise<Round> {
  const { ensemble, services, consumer, client, timeline } = rig;
  const endpointer = consumer.endpointer;
  const startedAt = performance.now();
  const serviceSessions = services.map((s) => s.discovery.client.sessionId);
  const consumerSession = client.sessionId!;
  await delay(1000);

  // 1. The consumer's member crashes: the consumer moves to another one within its session.
  const first = await ensemble.serverIndexOfSession(consumerSession);
  const firstKilledAt = performance.now();
  await ensemble.kill(first);
  await waitFor(() => client.state === 'connected' && client.sessionId === consumerSession, {
    timeoutMs: SESSION_MS,
    intervalMs: 5,
  });
  const movedMs = performance.now() - firstKilledAt;
  await delay(HOLD_ONE_DOWN_MS);

  // 2. A second member crashes: no quorum. The consumer serves its last known instances.
  const second = [0, 1, 2].find((i) => i !== first)!;
  const secondKilledAt = performance.now();
  await ensemble.kill(second);
  await waitFor(() => endpointer.snapshot?.stale === true, {
    timeoutMs: SESSION_MS,
    intervalMs: 5,
  });
  const staleAt =
    timeline.firstSince(0, (s) => s.stale && s.at >= secondKilledAt)?.at ?? Number.NaN;
  log(`killed members ${first} and ${second}; stale after ${ms(staleAt - secondKilledAt)}`);
  await delay(HOLD_NO_QUORUM_MS);

  // 3. Restore: the first restart brings the quorum back, the second the third member.
  const restoreAt = performance.now();
  await ensemble.restart(first);
  const quorumAt = performance.now();
  const thirdBack = ensemble.restart(second).then(() => performance.now());
  // Converged: every client connected, every app registered, the consumer fresh and listing
  // exactly the apps' current nodes, all of it holding for a quiet period. The time is that of
  // the consumer's last change before it.
  const converged = () =>
    endpointer.snapshot?.stale === false &&
    client.state === 'connected' &&
    services.every(
      (s) =>
        s.discovery.client.state === 'connected' && s.discovery.registrationState === 'registered',
    ) &&
    sameSet(
      endpointer.instances().map((i) => i.path),
      services.map((s) => s.discovery.registeredNode),
    );
  const didConverge = await settle(converged, { quietMs: QUIET_MS, timeoutMs: SESSION_MS * 4 });
  const lastChange = Math.max(timeline.seen.at(-1)!.at, quorumAt);
  const thirdBackAt = await thirdBack;
  const freshAt = timeline.firstSince(0, (s) => !s.stale && s.at >= quorumAt)?.at ?? Number.NaN;
  return {
    startedAt,
    movedMs,
    secondKilledAt,
    staleAfterMs: staleAt - secondKilledAt,
    staleMs: freshAt - staleAt,
    quorumMs: quorumAt - restoreAt,
    quorumAt,
    freshMs: freshAt - quorumAt,
    convergedMs: didConverge ? lastChange - quorumAt : Number.NaN,
    thirdBackMs: thirdBackAt - quorumAt,
    endedAt: performance.now(),
    newServiceSessions: services.filter(
      (s, i) => s.discovery.client.sessionId !== serviceSessions[i],
    ).length,
    consumerNewSession: client.sessionId !== consumerSession,
  };
}

/** Counts with a quorum (before the second kill, or after the quorum returned) of one round. */
function quorumCounts(counts: readonly Count[], round: Round, withQuorum: boolean): Count[] {
  return counts.filter(
    (c) =>
      c.at >= round.startedAt &&
      c.at < round.endedAt &&
      (c.at < round.secondKilledAt || c.at >= round.quorumAt) === withQuorum,
  );
}

/** Milliseconds spent below `full` endpoints while a quorum existed in the round. */
function belowFullMs(counts: readonly Count[], round: Round, full: number): number {
  let total = 0;
  counts.forEach((c, i) => {
    if (c.at < round.startedAt || c.at >= round.endedAt || c.endpoints >= full) return;
    if (c.at >= round.secondKilledAt && c.at < round.quorumAt) return;
    total += (counts[i + 1]?.at ?? round.endedAt) - c.at;
  });
  return total;
}

function describe(
  rig: Rig,
  rounds: readonly Round[],
  requests: readonly RequestRecord[],
  lines: readonly LoggedLine[],
  startedAt: number,
  latency: { median: number; p99: number; max: number },
) {
  const { counts } = rig;
  const since = (at: number) => `${((at - startedAt) / 1000).toFixed(2)} s`;
  const minOf = (list: readonly Count[]) => Math.min(...list.map((c) => c.endpoints));
  const perRound = rounds.map((round) => ({
    round,
    minWithQuorum: minOf(quorumCounts(counts, round, true)),
    minWithout: minOf(quorumCounts(counts, round, false)),
    belowFull: belowFullMs(counts, round, 2),
    failedWithout: requests.filter(
      (r) => !r.ok && r.at >= round.secondKilledAt && r.at < round.quorumAt,
    ).length,
  }));
  const minWithQuorum = Math.min(...perRound.map((r) => r.minWithQuorum));
  const emptied = perRound.filter((r) => r.minWithQuorum === 0).length;
  const dipped = perRound.filter((r) => r.minWithQuorum < 2).length;
  const stale = summarize(rounds.map((r) => r.staleMs));
  const convergedAll = rounds.every((r) => Number.isFinite(r.convergedMs));
  const converged = summarize(rounds.map((r) => r.convergedMs).filter(Number.isFinite));
  const failed = requests.filter((r) => !r.ok).length;
  const consumerLines = lines.filter((l) => l.message.startsWith('consumer: '));
  const bars = [
    {
      claim: `#3 no endpointer empties while a quorum exists (${ROUNDS} rounds)`,
      met: minWithQuorum > 0,
      measured: `fewest endpoints with a quorum: ${minWithQuorum} of 2; emptied in ${emptied}/${ROUNDS} rounds, below 2 in ${dipped}/${ROUNDS}`,
    },
    {
      claim: '#3 during the quorum loss the last known instances are served, marked stale',
      met: perRound.every((r) => r.minWithout === 2 && Number.isFinite(r.round.staleMs)),
      measured: `${Math.min(...perRound.map((r) => r.minWithout))} of 2 endpoints held; stale median ${ms(stale.median)}, max ${ms(stale.max)}; ${perRound.reduce((sum, r) => sum + r.failedWithout, 0)} failed requests without a quorum`,
    },
    {
      claim: '#3 everything converges after the quorum returns',
      met: convergedAll,
      measured: `${rounds.filter((r) => Number.isFinite(r.convergedMs)).length}/${ROUNDS} rounds; median ${ms(converged.median)}, max ${ms(converged.max)} after the quorum was back`,
    },
  ];
  const markdown = [
    `3 ZooKeeper servers on loopback (tickTime 200 ms), two service apps and one consumer app (session timeout ${ms(SESSION_MS)}), all given the whole connect string. The consumer calls the service through its endpointer (roundRobin + retry) at ${REQUESTS_PER_SECOND} requests/s throughout: ${requests.length} requests, ${failed} failed; latency p50 ${ms(latency.median)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)}. ${ROUNDS} rounds of: kill (SIGKILL) the member the consumer is connected to, hold ${ms(HOLD_ONE_DOWN_MS)}; kill a second member (quorum lost), hold ${ms(HOLD_NO_QUORUM_MS)}; restart the first (quorum back), then the second. Converged means: every client connected, both apps registered, the consumer fresh and listing exactly the apps' current nodes, all of it holding still for ${ms(QUIET_MS)}; the figure is the time of the consumer's last change before that.`,
    '',
    table(
      ['', ...rounds.map((_, i) => `round ${i + 1}`)],
      [
        ['first kill → consumer moved (same session)', ...rounds.map((r) => ms(r.movedMs))],
        ['fewest endpoints with a quorum', ...perRound.map((r) => `${r.minWithQuorum} of 2`)],
        ['time below 2 endpoints with a quorum', ...perRound.map((r) => ms(r.belowFull))],
        ['second kill → stale', ...rounds.map((r) => ms(r.staleAfterMs))],
        ['endpoints held without a quorum', ...perRound.map((r) => `${r.minWithout} of 2`)],
        ['failed requests without a quorum', ...perRound.map((r) => r.failedWithout)],
        ['stale duration', ...rounds.map((r) => ms(r.staleMs))],
        ['restart of the first member (quorum back)', ...rounds.map((r) => ms(r.quorumMs))],
        ['quorum back → consumer fresh', ...rounds.map((r) => ms(r.freshMs))],
        ['quorum back → converged', ...rounds.map((r) => ms(r.convergedMs))],
        ['quorum back → third member serving', ...rounds.map((r) => ms(r.thirdBackMs))],
        [
          'service apps that needed a new session',
          ...rounds.map((r) => `${r.newServiceSessions} of 2`),
        ],
        [
          'consumer needed a new session',
          ...rounds.map((r) => (r.consumerNewSession ? 'yes' : 'no')),
        ],
      ],
    ),
    '',
    `Consumer log lines: ${consumerLines.filter((l) => l.message.includes('(stale)')).length} "stale", ${consumerLines.filter((l) => l.message.includes('discovery is current again')).length} "current again".`,
    '',
    "<details><summary>what the consumer saw, and the apps' log lines</summary>",
    '',
    table(
      ['time', 'endpoints', 'stale'],
      counts.filter((c) => c.at >= startedAt).map((c) => [since(c.at), c.endpoints, c.stale]),
    ),
    '',
    ...lines
      .filter((l) => l.at >= startedAt)
      .map((l) => `- ${since(l.at)} \`${l.level}\` ${l.message}`),
    '',
    '</details>',
  ].join('\n');
  return { bars, markdown };
}
