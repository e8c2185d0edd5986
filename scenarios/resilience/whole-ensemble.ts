/**
 * "Never stuck": the whole 3-node ensemble killed together (a power cut, a bad deploy) and
 * restarted together, while two service apps and a consumer app run under a steady load. Measured
 * per round: how long the members took to serve again, and how long after that every client was
 * connected and the consumer fresh with both instances; failed calls; new sessions.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { type AppsRig, firstAt, freshWithBothAt, startAppsRig } from './support/apps-rig.js';
import { logDetails } from './support/capture-logger.js';
import { failureLines, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { settle } from './support/settle.js';
import { ms, msPrecise } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

/** Longer than the whole outage (hold + restart), so no session needs to expire. */
const SESSION_MS = 12_000;
const ROUNDS = 3;
const REQUESTS_PER_SECOND = 50;
/** From the kill to the restart call. */
const HOLD_MS = 5000;
/** How long the converged state must hold to count. */
const QUIET_MS = 1500;

interface Round {
  staleMs: number;
  /** `restart(0, 1, 2)` until every member serves: the quorum is back. */
  quorumMs: number;
  quorumAt: number;
  /** Quorum back → the last client connected again. */
  connectedMs: number;
  /** Quorum back → the consumer's first fresh snapshot listing both services. */
  freshMs: number;
  converged: boolean;
  /** Kill → quorum back: how long the apps had no ZooKeeper. */
  outageMs: number;
  failedDuring: number;
  sentDuring: number;
  failedAfter: number;
  sentAfter: number;
  newSessions: number;
  reregistrations: number;
}

export const wholeEnsembleScenario: Scenario = {
  name: 'whole-ensemble',
  summary: 'never stuck: all 3 ensemble members killed together and restarted together, 3 rounds',
  async run(log) {
    const ensemble = await ZooKeeperEnsemble.start(3);
    let rig: AppsRig | undefined;
    let load: SteadyLoad | undefined;
    try {
      rig = await startAppsRig({
        servers: ensemble.connectString,
        label: 'whole-ensemble',
        serviceSessionMs: SESSION_MS,
        consumerSessionMs: SESSION_MS,
      });
      load = new SteadyLoad(rig.call, REQUESTS_PER_SECOND);
      const startedAt = performance.now();
      load.start();
      const rounds: Round[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const round = await runRound(ensemble, rig, load);
        rounds.push(round);
        log(
          `round ${i + 1}: quorum after ${ms(round.quorumMs)}, then connected ${ms(round.connectedMs)}, fresh ${ms(round.freshMs)}`,
        );
      }
      const report = await load.stop();
      load = undefined;
      const back = rounds.map((r) => Math.max(r.connectedMs, r.freshMs));
      const newSessions = rounds.reduce((sum, r) => sum + r.newSessions, 0);
      const reregistrations = rounds.reduce((sum, r) => sum + r.reregistrations, 0);
      const longestOutage = Math.max(...rounds.map((r) => r.outageMs));
      return {
        title: 'Never stuck: the whole ensemble killed and restarted together',
        zookeeperVersion: await zookeeperVersion(ensemble.servers[0]!),
        bars: [
          {
            claim: `every app connected and the consumer fresh with both instances within the session timeout (${ms(SESSION_MS)}) of the quorum's return, ${ROUNDS}/${ROUNDS} rounds`,
            met: rounds.every((r, i) => r.converged && back[i]! <= SESSION_MS),
            measured: `${rounds.filter((r, i) => r.converged && back[i]! <= SESSION_MS).length}/${ROUNDS}; slowest ${ms(Math.max(...back))} after the quorum`,
          },
          {
            claim: '0 failed requests (the calls go to the instances, which stay up)',
            met: report.failed === 0,
            measured: `${report.failed} failed of ${report.sent} (${failureLines(report)})`,
          },
          {
            claim: `0 new sessions, 0 re-registrations: the outage (longest ${ms(longestOutage)}) is shorter than the session`,
            met: newSessions === 0 && reregistrations === 0,
            measured: `${newSessions} new sessions, ${reregistrations} re-registrations`,
          },
        ],
        markdown: [
          `3 ZooKeeper servers on loopback (tickTime 200 ms), two service apps and a consumer app with a ${ms(SESSION_MS)} session timeout, chosen longer than the whole outage (${ms(HOLD_MS)} held, plus the restart), so no session has to expire. The consumer calls the services through its endpointer (roundRobin + retry) at ${REQUESTS_PER_SECOND} requests/s throughout: ${report.sent} requests, ${report.failed} failed; latency p50 ${msPrecise(report.latency.median)}, p99 ${msPrecise(report.latency.p99)}, max ${msPrecise(report.latency.max)}. ${ROUNDS} rounds of: 1 s of load, kill the three members together (SIGKILL), hold ${ms(HOLD_MS)}, restart the three together (\`restart(0, 1, 2)\`, which resolves once every member serves: the quorum is back), wait until everything has converged (every client connected, both apps registered, the consumer fresh and listing exactly their nodes, for ${ms(QUIET_MS)}). Times are those of the clients' state events and of the consumer's snapshots.`,
          '',
          table(
            ['', ...rounds.map((_, i) => `round ${i + 1}`)],
            [
              ['kill → consumer stale', ...rounds.map((r) => ms(r.staleMs))],
              ['restart call → quorum back', ...rounds.map((r) => ms(r.quorumMs))],
              ['kill → quorum back (outage)', ...rounds.map((r) => ms(r.outageMs))],
              ['quorum → every client connected', ...rounds.map((r) => ms(r.connectedMs))],
              ['quorum → consumer fresh with both', ...rounds.map((r) => ms(r.freshMs))],
              [
                'failed requests during the outage',
                ...rounds.map((r) => `${r.failedDuring} of ${r.sentDuring}`),
              ],
              [
                'failed requests after the quorum',
                ...rounds.map((r) => `${r.failedAfter} of ${r.sentAfter}`),
              ],
              ['new sessions', ...rounds.map((r) => r.newSessions)],
              ['re-registrations', ...rounds.map((r) => r.reregistrations)],
            ],
          ),
          '',
          logDetails(rig.lines, startedAt, "the apps' log lines"),
        ].join('\n'),
      };
    } finally {
      await load?.stop();
      await rig?.close();
      await ensemble.stop();
    }
  },
};

async function runRound(ensemble: ZooKeeperEnsemble, rig: AppsRig, load: SteadyLoad) {
  const { endpointer } = rig.consumer;
  await delay(1000);
  const sessionsBefore = rig.sessions.length;
  const registrationsBefore = rig.registrations.length;
  const killedAt = performance.now();
  await ensemble.kill(0, 1, 2);
  await waitFor(() => endpointer.snapshot?.stale === true, {
    timeoutMs: SESSION_MS,
    intervalMs: 5,
  });
  const staleAt = rig.timeline.firstSince(0, (s) => s.at >= killedAt && s.stale)?.at;
  // The outage's length is the experiment's parameter.
  await delay(Math.max(0, killedAt + HOLD_MS - performance.now()));
  const restartAt = performance.now();
  await ensemble.restart(0, 1, 2);
  const quorumAt = performance.now();
  const converged = await settle(rig.converged, { quietMs: QUIET_MS, timeoutMs: SESSION_MS * 2 });
  const endedAt = performance.now();
  const connectedAt = rig.clients.map(
    (_, i) => firstAt(rig.states, i, 'connected', killedAt) ?? Number.NaN,
  );
  const during = load.between(killedAt, quorumAt);
  const after = load.between(quorumAt, endedAt);
  return {
    staleMs: (staleAt ?? Number.NaN) - killedAt,
    quorumMs: quorumAt - restartAt,
    quorumAt,
    connectedMs: Math.max(...connectedAt) - quorumAt,
    freshMs: freshWithBothAt(rig, restartAt) - quorumAt,
    converged,
    outageMs: quorumAt - killedAt,
    failedDuring: during.failed,
    sentDuring: during.sent,
    failedAfter: after.failed,
    sentAfter: after.sent,
    newSessions: rig.sessions.length - sessionsBefore,
    reregistrations: rig.registrations
      .slice(registrationsBefore)
      .filter((e) => e.value === 'registering').length,
  } satisfies Round;
}
