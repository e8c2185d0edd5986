/**
 * "Never stuck": a registering process paused (SIGSTOP: a VM freeze, a debugger, a long blocking
 * call) longer than its session timeout, so the server expires its session and its node goes, then
 * resumed (SIGCONT). Measured per trial: SIGCONT → its new node visible to an observer client.
 */
import type { ChildProcess } from 'node:child_process';
import { posix } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ZkClient } from '../../lib/client/index.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { COMPILED_LIB, startFixture } from './support/child-fixture.js';
import { table } from './support/markdown.js';
import { medianMax, ms, summarize } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 9000;
/** The pause: the session timeout plus this. */
const PAUSE_BEYOND_SESSION_MS = 2000;
const TRIALS = 5;
/** The bar: registered again this soon after SIGCONT. */
const BAR_MS = 1500;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

interface Trial {
  /** SIGSTOP → the observer sees the node gone (the server expired the session). */
  expiredMs: number;
  pauseMs: number;
  /** SIGCONT → the observer sees the new node (NaN: not within 5 × the bar). */
  registeredMs: number;
}

export const pausedProcessScenario: Scenario = {
  name: 'paused-process',
  summary: `never stuck: a registering process paused (SIGSTOP) past its session, ${TRIALS} trials`,
  async run(log) {
    const server = await ZooKeeperServer.start();
    let observer: ZkClient | undefined;
    let child: ReturnType<typeof startFixture> | undefined;
    try {
      observer = await ZkClient.connect({ servers: server.connectString, logger: quiet });
      child = startFixture('paused-registrant.mjs', [
        COMPILED_LIB,
        server.connectString,
        String(SESSION_MS),
        uniqueRoot('paused'),
      ]);
      let node = (await child.line(/^READY /, 20_000)).slice('READY '.length);
      const parent = posix.dirname(node);
      const trials: Trial[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const trial = await pauseAndResume(child.process, observer, node);
        trials.push(trial.figures);
        node = trial.node;
        log(
          `trial ${i + 1}: paused ${ms(trial.figures.pauseMs)}, registered again ${ms(trial.figures.registeredMs)} after SIGCONT`,
        );
      }
      const registered = summarize(trials.map((t) => t.registeredMs));
      const within = trials.filter((t) => t.registeredMs <= BAR_MS).length;
      const nodesLeft = (await observer.getChildren(parent)).length;
      return {
        title: 'Never stuck: a registering process paused past its session',
        zookeeperVersion: await zookeeperVersion(server),
        bars: [
          {
            claim: `a process resumed after a pause longer than its session is registered again within ${ms(BAR_MS)} of SIGCONT, ${TRIALS}/${TRIALS} trials`,
            met: within === TRIALS && nodesLeft === 1,
            measured: `${within}/${TRIALS}; median ${ms(registered.median)}, max ${ms(registered.max)}; ${nodesLeft} node(s) at the end`,
          },
        ],
        markdown: [
          `A standalone ZooKeeper (tickTime 200 ms) and a child process (the test fixture \`paused-registrant.mjs\`: a \`ZkClient\` with a ${ms(SESSION_MS)} session timeout and a \`Registrar\`, nothing else). Each of ${TRIALS} trials stops the process (SIGSTOP), waits until an observer client sees its node gone (the server expired the session), holds the pause to the session timeout + ${ms(PAUSE_BEYOND_SESSION_MS)}, resumes it (SIGCONT) and polls the observer (every 5 ms) for the new node. On resuming, the session guard sees that its last tick is older than the session timeout and opens a new session at once. Without it the C client would learn of the expiry only at its next connection attempt, about a third of the session timeout (${ms(SESSION_MS / 3)}) after resuming: that figure is the C client's design, given as context, not measured here.`,
          '',
          table(
            ['#', 'SIGSTOP → node gone (expired)', 'pause', 'SIGCONT → registered again'],
            trials.map((t, i) => [i + 1, ms(t.expiredMs), ms(t.pauseMs), ms(t.registeredMs)]),
          ),
          '',
          `SIGCONT → registered again, median / max: ${medianMax(trials.map((t) => t.registeredMs))} (bar ${ms(BAR_MS)}; a third of the session timeout: ${ms(SESSION_MS / 3)}). Nodes under the service path at the end: ${nodesLeft}.`,
        ].join('\n'),
      };
    } finally {
      child?.process.kill('SIGCONT');
      child?.kill();
      await observer?.close();
      await server.stop();
    }
  },
};

async function pauseAndResume(
  paused: ChildProcess,
  observer: ZkClient,
  node: string,
): Promise<{ figures: Trial; node: string }> {
  const parent = posix.dirname(node);
  paused.kill('SIGSTOP');
  const stoppedAt = performance.now();
  await waitFor(async () => (await observer.exists(node)) === null, {
    timeoutMs: SESSION_MS * 3,
    intervalMs: 10,
  });
  const expiredAt = performance.now();
  // The pause is the experiment's parameter.
  await delay(Math.max(0, stoppedAt + SESSION_MS + PAUSE_BEYOND_SESSION_MS - performance.now()));
  const resumedAt = performance.now();
  paused.kill('SIGCONT');
  let next: string | undefined;
  await waitFor(
    async () => {
      next = (await observer.getChildren(parent)).find((child) => `${parent}/${child}` !== node);
      return next !== undefined;
    },
    { timeoutMs: BAR_MS * 5, intervalMs: 5 },
  ).catch(() => undefined);
  const registeredAt = performance.now();
  if (next === undefined) {
    // Not back in time: wait longer, so the next trial starts registered.
    await waitFor(async () => (await observer.getChildren(parent)).length > 0, {
      timeoutMs: SESSION_MS * 2,
    });
  }
  const children = await observer.getChildren(parent);
  return {
    figures: {
      expiredMs: expiredAt - stoppedAt,
      pauseMs: resumedAt - stoppedAt,
      registeredMs: next === undefined ? Number.NaN : registeredAt - resumedAt,
    },
    node: `${parent}/${next ?? children[0]}`,
  };
}
