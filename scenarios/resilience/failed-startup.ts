/**
 * "Never stuck": a Nest app whose `listen()` fails (its port is taken) after its ZooKeeper module
 * connected. It must close its session and its process exit, instead of living on, held by the
 * native client's handles, with its session (and what the session holds) alive. Measured per
 * trial: spawn → exit, and whether the session's ephemeral node is gone right at the exit.
 */
import { createServer, type Server } from 'node:net';
import { ZkClient } from '../../lib/client/index.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import type { Scenario } from './scenario.js';
import { COMPILED_LIB, startFixture } from './support/child-fixture.js';
import { table } from './support/markdown.js';
import { medianMax, ms } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const TRIALS = 10;
/** The session timeout the fixture asks for: an abandoned session would hold its node this long. */
const FIXTURE_SESSION_MS = 30_000;
/** The bar: spawn → exit. */
const EXIT_BAR_MS = 5000;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

interface Trial {
  /** Spawn → the app's session holds its ephemeral node (the module connected). */
  holdingMs: number;
  /** Spawn → the process exited. */
  exitMs: number;
  code: number | string;
  /** The ephemeral node was gone when the exit was seen. */
  nodeGone: boolean;
  /** Nodes left under the service path (a registration would be one). */
  nodesLeft: number;
  /** The app said why: listen failed, session closed. */
  explained: boolean;
}

export const failedStartupScenario: Scenario = {
  name: 'failed-startup',
  summary: `never stuck: a Nest app whose listen() fails closes its session and exits, ${TRIALS} trials`,
  async run(log) {
    const server = await ZooKeeperServer.start();
    let observer: ZkClient | undefined;
    let blocker: Server | undefined;
    try {
      observer = await ZkClient.connect({ servers: server.connectString, logger: quiet });
      const taken = createServer();
      blocker = taken;
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = (taken.address() as { port: number }).port;
      const trials: Trial[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const trial = await runTrial(server, observer, port);
        trials.push(trial);
        log(
          `trial ${i + 1}: exit ${ms(trial.exitMs)} after spawn (code ${trial.code}), node gone: ${trial.nodeGone}`,
        );
      }
      const fast = trials.filter((t) => t.exitMs <= EXIT_BAR_MS).length;
      const closed = trials.filter((t) => t.nodeGone && t.nodesLeft === 0).length;
      return {
        title: 'Never stuck: a Nest app whose listen() fails',
        zookeeperVersion: await zookeeperVersion(server),
        bars: [
          {
            claim: `the process exits within ${ms(EXIT_BAR_MS)} of its spawn (its session is ${ms(FIXTURE_SESSION_MS)}), ${TRIALS}/${TRIALS} trials`,
            met: fast === TRIALS,
            measured: `${fast}/${TRIALS}; spawn → exit ${medianMax(trials.map((t) => t.exitMs))} (median / max)`,
          },
          {
            claim: 'its session is closed, not abandoned: its ephemeral node is gone at the exit',
            met: closed === TRIALS,
            measured: `${closed}/${TRIALS} trials`,
          },
        ],
        markdown: [
          `A standalone ZooKeeper (tickTime 200 ms); a TCP server holds a loopback port. Each of ${TRIALS} trials spawns the test fixture \`failing-startup-app.mjs\` (a Nest app with \`ZkDiscoveryModule.forRoot\`, a ${ms(FIXTURE_SESSION_MS)} session and a registration; a provider creates an ephemeral node with the module's client, as a lock would; \`bootstrap().catch()\` only logs) told to listen on the taken port. Measured: spawn → the node created, spawn → the process exited; then, at once, whether an observer client still sees the ephemeral node, and what is left under the service path. An abandoned session would keep the node (and the process) for the whole session timeout.`,
          '',
          table(
            [
              '#',
              'spawn → session holds its node',
              'spawn → exit',
              'exit code',
              'node gone at exit',
              'nodes left',
              'says why',
            ],
            trials.map((t, i) => [
              i + 1,
              ms(t.holdingMs),
              ms(t.exitMs),
              t.code,
              t.nodeGone ? 'yes' : 'no',
              t.nodesLeft,
              t.explained ? 'yes' : 'no',
            ]),
          ),
        ].join('\n'),
      };
    } finally {
      blocker?.close();
      await observer?.close();
      await server.stop();
    }
  },
};

async function runTrial(server: ZooKeeperServer, observer: ZkClient, port: number): Promise<Trial> {
  const root = uniqueRoot('failed-startup');
  await observer.ensurePath(root);
  const lock = `${root}/lock`;
  const spawnedAt = performance.now();
  const app = startFixture('failing-startup-app.mjs', [
    COMPILED_LIB,
    server.connectString,
    root,
    `listen:${port}`,
    lock,
  ]);
  const exitedAt = new Promise<number>((resolve) =>
    app.process.once('exit', () => resolve(performance.now())),
  );
  try {
    await app.line(/^HOLDING /, 20_000);
    const holdingAt = performance.now();
    const code = await app.exited(FIXTURE_SESSION_MS);
    const nodeGone = (await observer.exists(lock)) === null;
    return {
      holdingMs: holdingAt - spawnedAt,
      exitMs: (await exitedAt) - spawnedAt,
      code,
      nodeGone,
      nodesLeft: (await observer.getChildren(root)).length,
      explained: /failed to listen \(.*EADDRINUSE.*the ZooKeeper session is closed/s.test(
        app.stderr.join('\n'),
      ),
    };
  } finally {
    app.kill();
  }
}
