/**
 * "Never stuck": a ZooKeeper upgrade, the members of a 3-node ensemble restarted one by one (kill,
 * restart, wait for the quorum), while two service apps and a consumer app run under a steady
 * load. Measured per member: who was on it, how long its clients took to move, how long it took
 * to rejoin; failed calls, new sessions and the fewest endpoints the consumer held.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { type AppsRig, firstAt, startAppsRig } from './support/apps-rig.js';
import { logDetails } from './support/capture-logger.js';
import { failureLines, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { settle } from './support/settle.js';
import { medianMax, ms, msPrecise } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 12_000;
const ROUNDS = 2;
const REQUESTS_PER_SECOND = 50;
/** Load on the whole ensemble between two restarts. */
const BETWEEN_MS = 500;

interface Step {
  member: number;
  wasLeader: boolean;
  /** Names of the apps whose client was connected to the member. */
  on: string[];
  /** How many clients saw a disconnect (those on the member; all of them on a leader election). */
  disconnected: number;
  /** Kill → the last disconnected client connected again (NaN: none was disconnected). */
  movedMs: number;
  /** Kill → the two others serve again (a new leader elected, if it was the leader). */
  servingMs: number;
  /** `restart(member)` → it serves again, rejoined. */
  rejoinMs: number;
  failed: number;
  sent: number;
  fewestEndpoints: number;
}

export const rollingUpgradeScenario: Scenario = {
  name: 'rolling-upgrade',
  summary: 'never stuck: ensemble members restarted one by one under load, 2 rounds',
  async run(log) {
    const ensemble = await ZooKeeperEnsemble.start(3);
    let rig: AppsRig | undefined;
    let load: SteadyLoad | undefined;
    try {
      rig = await startAppsRig({
        servers: ensemble.connectString,
        label: 'rolling-upgrade',
        serviceSessionMs: SESSION_MS,
        consumerSessionMs: SESSION_MS,
      });
      const { endpointer } = rig.consumer;
      const counts: { at: number; endpoints: number }[] = [];
      const unsubscribe = endpointer.subscribe(() =>
        counts.push({ at: performance.now(), endpoints: endpointer.endpoints().length }),
      );
      load = new SteadyLoad(rig.call, REQUESTS_PER_SECOND);
      const startedAt = performance.now();
      load.start();
      const steps: Step[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const member of [0, 1, 2]) {
          await delay(BETWEEN_MS);
          const stepAt = performance.now();
          const step = await restartMember(ensemble, rig, member);
          const requests = load.between(stepAt);
          const during = counts.filter((c) => c.at >= stepAt).map((c) => c.endpoints);
          steps.push({
            ...step,
            ...requests,
            fewestEndpoints: Math.min(endpointer.endpoints().length, ...during),
          });
          log(
            `member ${member}${step.wasLeader ? ' (leader)' : ''}: ${step.disconnected} clients moved in ${ms(step.movedMs)}, rejoined in ${ms(step.rejoinMs)}`,
          );
        }
      }
      const converged = await settle(rig.converged, { quietMs: 1000, timeoutMs: SESSION_MS });
      const report = await load.stop();
      load = undefined;
      unsubscribe();
      const fewest = Math.min(
        ...counts.filter((c) => c.at >= startedAt).map((c) => c.endpoints),
        2,
      );
      const reregistrations = rig.registrations.filter(
        (e) => e.at >= startedAt && e.value === 'registering',
      ).length;
      return {
        title: 'Never stuck: a rolling upgrade of the ensemble, member by member',
        zookeeperVersion: await zookeeperVersion(ensemble.servers[0]!),
        bars: [
          {
            claim: `rolling upgrade under ${REQUESTS_PER_SECOND} req/s (${steps.length} member restarts): 0 failed requests`,
            met: report.failed === 0,
            measured: `${report.failed} failed of ${report.sent} (${failureLines(report)})`,
          },
          {
            claim: '0 new sessions, 0 re-registrations',
            met: rig.sessions.length === 0 && reregistrations === 0 && converged,
            measured: `${rig.sessions.length} new sessions, ${reregistrations} re-registrations; converged at the end: ${converged ? 'yes' : 'no'}`,
          },
          {
            claim: "the consumer's endpointer never below 2 endpoints",
            met: fewest >= 2,
            measured: `fewest ${fewest} of 2`,
          },
        ],
        markdown: [
          `3 ZooKeeper servers on loopback (tickTime 200 ms), two service apps and a consumer app (session timeout ${ms(SESSION_MS)}), all given the whole connect string. The consumer calls the services through its endpointer at ${REQUESTS_PER_SECOND} requests/s throughout: ${report.sent} requests, ${report.failed} failed; latency p50 ${msPrecise(report.latency.median)}, p99 ${msPrecise(report.latency.p99)}, max ${msPrecise(report.latency.max)}. ${ROUNDS} rounds of restarting the members in turn, as an upgrade does: find which apps are connected to the member (\`cons\`) and whether it leads, kill it (SIGKILL), wait until the other two serve and every client is connected, restart it and wait until the three serve, ${ms(BETWEEN_MS)} of load, next member. Killing the leader makes the other two elect a new one, and they drop their clients meanwhile: then every client moves. Times are those of the clients' state events.`,
          '',
          table(
            [
              'member',
              'role',
              'apps on it',
              'clients disconnected',
              'kill → all connected again',
              'kill → the others serve',
              'restart → rejoined',
              'failed requests',
              'fewest endpoints',
            ],
            steps.map((s) => [
              s.member,
              s.wasLeader ? 'leader' : 'follower',
              s.on.join(', ') || '—',
              `${s.disconnected} of 3`,
              ms(s.movedMs),
              ms(s.servingMs),
              ms(s.rejoinMs),
              `${s.failed} of ${s.sent}`,
              `${s.fewestEndpoints} of 2`,
            ]),
          ),
          '',
          table(
            ['', 'median / max'],
            [
              [
                'kill of a follower → its clients connected again',
                medianMax(movedOf(steps, false)),
              ],
              [
                'kill of the leader → every client connected again',
                medianMax(movedOf(steps, true)),
              ],
              ['restart → rejoined', medianMax(steps.map((s) => s.rejoinMs))],
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

async function restartMember(
  ensemble: ZooKeeperEnsemble,
  rig: AppsRig,
  member: number,
): Promise<Omit<Step, 'failed' | 'sent' | 'fewestEndpoints'>> {
  const wasLeader = (await ensemble.leaderIndex()) === member;
  const servedBy = await Promise.all(
    rig.clients.map((client) => ensemble.serverIndexOfSession(client.sessionId!)),
  );
  const onIt = rig.clients.map((_, i) => i).filter((i) => servedBy[i] === member);
  const killedAt = performance.now();
  await ensemble.kill(member);
  const reconnected = (i: number) => firstAt(rig.states, i, 'connected', killedAt) !== undefined;
  await waitFor(() => onIt.every(reconnected), { timeoutMs: SESSION_MS, intervalMs: 5 });
  await ensemble.waitForQuorum();
  const servingAt = performance.now();
  await waitFor(() => rig.clients.every((client) => client.state === 'connected'), {
    timeoutMs: SESSION_MS,
    intervalMs: 5,
  });
  const restartAt = performance.now();
  await ensemble.restart(member);
  await ensemble.waitForQuorum();
  const rejoinMs = performance.now() - restartAt;
  const disconnected = rig.clients
    .map((_, i) => i)
    .filter((i) => firstAt(rig.states, i, 'disconnected', killedAt) !== undefined);
  // A client may have moved twice (off the member, then off a follower during an election).
  const movedAt = disconnected.map((i) =>
    Math.max(
      ...rig.states
        .filter(
          (e) => e.app === i && e.value === 'connected' && e.at >= killedAt && e.at < restartAt,
        )
        .map((e) => e.at),
    ),
  );
  return {
    member,
    wasLeader,
    on: onIt.map((i) => rig.names[i]!),
    disconnected: disconnected.length,
    movedMs: movedAt.length > 0 ? Math.max(...movedAt) - killedAt : Number.NaN,
    servingMs: servingAt - killedAt,
    rejoinMs,
  };
}

/** Kill → all its disconnected clients back, over the steps that killed a leader or a follower. */
function movedOf(steps: readonly Step[], leader: boolean): number[] {
  return steps.filter((s) => s.wasLeader === leader && s.disconnected > 0).map((s) => s.movedMs);
}
