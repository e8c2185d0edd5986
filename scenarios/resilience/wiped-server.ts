/**
 * "Never stuck": a standalone ZooKeeper that comes back with an empty database (rebuilt, or
 * restored from an old backup). It refuses every client that has seen newer transactions, so no
 * native handle can get back by itself; each app must give its handle up and open a new session.
 * Measured per trial, from the moment the server serves again: each service app registered again,
 * the consumer fresh with both instances.
 */
import { ZooKeeperServer } from '../../lib/testing/index.js';
import type { Scenario } from './scenario.js';
import { type AppsRig, firstAt, freshWithBothAt, startAppsRig } from './support/apps-rig.js';
import { logDetails } from './support/capture-logger.js';
import { failureLines, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { settle } from './support/settle.js';
import { medianMax, ms, summarize } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SERVICE_SESSION_MS = 4000;
const CONSUMER_SESSION_MS = 6000;
/** The bar: the largest session timeout plus this, from the moment the server serves again. */
const SLACK_MS = 3000;
const TRIALS = 5;
const REQUESTS_PER_SECOND = 20;

interface Trial {
  /** `restart({ emptyData: true })` → it serves. */
  restartMs: number;
  /** Serving → each service app registered again (S1, S2). */
  registeredMs: number[];
  /** Serving → the consumer's first fresh snapshot listing both new nodes. */
  freshMs: number;
  newSessions: number;
  /** How the old sessions ended: given up by the guard, or told expired by the server. */
  givenUp: number;
  expired: number;
}

export const wipedServerScenario: Scenario = {
  name: 'wiped-server',
  summary: 'never stuck: ZooKeeper restarted with an empty database under two apps and a consumer',
  async run(log) {
    const server = await ZooKeeperServer.start();
    let rig: AppsRig | undefined;
    let load: SteadyLoad | undefined;
    try {
      rig = await startAppsRig({
        servers: server.connectString,
        label: 'wiped-server',
        serviceSessionMs: SERVICE_SESSION_MS,
        consumerSessionMs: CONSUMER_SESSION_MS,
      });
      load = new SteadyLoad(rig.call, REQUESTS_PER_SECOND);
      const startedAt = performance.now();
      load.start();
      const trials: Trial[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const trial = await runTrial(server, rig);
        trials.push(trial);
        log(
          `trial ${i + 1}: registered again after ${trial.registeredMs.map(ms).join(', ')}, consumer fresh after ${ms(trial.freshMs)}`,
        );
      }
      const report = await load.stop();
      load = undefined;
      const bound = Math.max(SERVICE_SESSION_MS, CONSUMER_SESSION_MS) + SLACK_MS;
      const slowest = trials.map((t) => Math.max(t.freshMs, ...t.registeredMs));
      const within = slowest.filter((value) => value <= bound).length;
      return {
        title: 'Never stuck: ZooKeeper back with an empty database',
        zookeeperVersion: await zookeeperVersion(server),
        bars: [
          {
            claim: `every app registered again and the consumer fresh with both within the largest session timeout + ${ms(SLACK_MS)} (${ms(bound)}) of the server's return, ${TRIALS}/${TRIALS} trials`,
            met: within === TRIALS,
            measured: `${within}/${TRIALS}; slowest median ${ms(summarize(slowest).median)}, max ${ms(Math.max(...slowest))}`,
          },
        ],
        markdown: [
          `A standalone ZooKeeper (tickTime 200 ms); two service apps with a ${ms(SERVICE_SESSION_MS)} session timeout and a consumer app with ${ms(CONSUMER_SESSION_MS)}, the consumer calling the services at ${REQUESTS_PER_SECOND} requests/s through its endpointer (${report.sent} requests, ${report.failed} failed: ${failureLines(report)}). Each of ${TRIALS} trials kills the server (SIGKILL) and restarts it with an empty database (\`restart({ emptyData: true })\`), then waits until every app is registered again and the consumer fresh and listing exactly their new nodes, for 1 s. Such a server refuses a client that has seen a newer transaction (zxid) than its own last one: the native client retries for ever, and gets through only once the server's zxid has passed the one it last saw (every new session is a transaction: other apps' new sessions, the session guards' probes), to be told then that its session expired; with no writes from elsewhere, never. The session guard gives a handle up about its session timeout + 1 s after it lost the connection, once a server grants new sessions, and opens a new session. The last two columns count how the old sessions ended: given up by the guard, or told expired by the server. Times are from the moment the restarted server serves (restart took ${medianMax(trials.map((t) => t.restartMs))}, median / max).`,
          '',
          table(
            [
              '#',
              'serving → S1 registered',
              'serving → S2 registered',
              'serving → consumer fresh with both',
              'new sessions',
              'old handle given up',
              'told expired',
            ],
            trials.map((t, i) => [
              i + 1,
              ms(t.registeredMs[0]!),
              ms(t.registeredMs[1]!),
              ms(t.freshMs),
              `${t.newSessions} of 3`,
              t.givenUp,
              t.expired,
            ]),
          ),
          '',
          `Median / max over the trials: service registered again ${medianMax(trials.flatMap((t) => t.registeredMs))}; consumer fresh ${medianMax(trials.map((t) => t.freshMs))}.`,
          '',
          logDetails(
            rig.lines.filter((line) => line.level !== 'log'),
            startedAt,
            "the apps' warnings",
          ),
        ].join('\n'),
      };
    } finally {
      await load?.stop();
      await rig?.close();
      await server.stop();
    }
  },
};

async function runTrial(server: ZooKeeperServer, rig: AppsRig): Promise<Trial> {
  const sessionsBefore = rig.sessions.length;
  const linesBefore = rig.lines.length;
  await server.kill();
  const restartAt = performance.now();
  await server.restart({ emptyData: true });
  const servingAt = performance.now();
  await settle(rig.converged, { quietMs: 1000, timeoutMs: CONSUMER_SESSION_MS * 3 });
  const endedBy = (words: string) =>
    rig.lines.slice(linesBefore).filter((line) => line.message.includes(words)).length;
  return {
    restartMs: servingAt - restartAt,
    registeredMs: [1, 2].map(
      (app) => (firstAt(rig.registrations, app, 'registered', servingAt) ?? Number.NaN) - servingAt,
    ),
    freshMs: freshWithBothAt(rig, servingAt) - servingAt,
    newSessions: rig.sessions.length - sessionsBefore,
    givenUp: endedBy(' given up ('),
    expired: endedBy(' expired (the server expired it)'),
  };
}
