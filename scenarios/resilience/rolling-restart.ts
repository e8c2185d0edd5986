/**
 * Issue item 4: three hello instances as child processes (the built sample
 * `sample/01-hello-service/main.ts`) behind a consumer sending a steady 200 requests/s through
 * its endpointer (roundRobin + retry).
 * A. For 30 s the instances are restarted one after another with SIGTERM (deregister, drain,
 *    close, then start again on the same port): failed requests, latency.
 * B. One instance is killed with SIGKILL and restarted only later: failures seen by the caller,
 *    and how long the dead instance stayed listed (bounded by its session timeout).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZkClient } from '../../lib/client/index.js';
import { type HttpEndpoint, httpEndpointFactory, ZkEndpointer } from '../../lib/index.js';
import { freePorts, ZooKeeperServer } from '../../lib/testing/index.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { HELLO_PATH, HelloProcess } from './support/hello-process.js';
import { failureLines, type LoadReport, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { ms, msPrecise, summarize } from './support/stats.js';
import { SnapshotTimeline, urlOf } from './support/timeline.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 4000;
const DRAIN_MS = 500;
const REQUESTS_PER_SECOND = 200;
const ROLLING_MS = 30_000;
/** Pause between two restarts of the rolling phase. */
const BETWEEN_RESTARTS_MS = 1000;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

interface Restart {
  slot: number;
  /** SIGTERM → process exited (deregister, drain, close). */
  stopMs: number;
  /** SIGTERM → the old instance gone from the consumer's endpointer. */
  unlistedMs: number;
  /** New process spawned → listed in the consumer's endpointer. */
  startMs: number;
}

export const rollingRestartScenario: Scenario = {
  name: 'rolling-restart',
  summary: '#4 three hello processes restarted (SIGTERM) and killed (SIGKILL) under 200 req/s',
  async run(log) {
    const server = await ZooKeeperServer.start();
    const instances: HelloProcess[] = [];
    let client: ZkClient | undefined;
    let endpointer: ZkEndpointer<HttpEndpoint> | undefined;
    let load: SteadyLoad | undefined;
    try {
      const ports = await freePorts(3);
      const start = (port: number) =>
        HelloProcess.start({
          servers: server.connectString,
          port,
          sessionTimeoutMs: SESSION_MS,
          drainDelayMs: DRAIN_MS,
        });
      instances.push(...(await Promise.all(ports.map(start))));
      client = await ZkClient.connect({ servers: server.connectString, logger: quiet });
      const consumer = new ZkEndpointer<HttpEndpoint>(client, HELLO_PATH, {
        factory: httpEndpointFactory(),
        balancer: 'roundRobin',
        logger: quiet,
      });
      endpointer = consumer;
      await consumer.ready();
      await waitFor(() => consumer.endpoints().length === 3, { timeoutMs: 10_000 });
      const listed = (url: string) => consumer.instances().filter((i) => urlOf(i) === url);
      let retried = 0;
      const call = async () => {
        const answer = await consumer.call((endpoint, { attempt, signal }) => {
          if (attempt > 1) retried++;
          return endpoint.json<{ instance: string }>('/hello', { signal });
        });
        return answer.instance;
      };

      // A. Rolling restart with SIGTERM for 30 s.
      log(
        `three instances up; rolling restarts under ${REQUESTS_PER_SECOND} req/s for ${ROLLING_MS / 1000} s`,
      );
      const rollingTimeline = new SnapshotTimeline(consumer);
      load = new SteadyLoad(call, REQUESTS_PER_SECOND);
      const rollingStarted = performance.now();
      load.start();
      await delay(BETWEEN_RESTARTS_MS);
      const restarts: Restart[] = [];
      for (
        let slot = 0;
        performance.now() - rollingStarted < ROLLING_MS - 6000;
        slot = (slot + 1) % 3
      ) {
        const old = instances[slot]!;
        const oldNodes = listed(old.url).map((i) => i.id);
        const stoppingAt = performance.now();
        const stopMs = await old.terminate();
        // Deregistration comes first: the node is gone before the process exits.
        await waitFor(() => !consumer.instances().some((i) => oldNodes.includes(i.id)), {
          timeoutMs: SESSION_MS * 2,
          intervalMs: 2,
        });
        const unlisted = rollingTimeline.firstSince(
          0,
          (s) => s.at >= stoppingAt && !s.ids.some((id) => oldNodes.includes(id)),
        );
        const unlistedMs = (unlisted?.at ?? Number.NaN) - stoppingAt;
        const startingAt = performance.now();
        const fresh = await start(ports[slot]!);
        instances[slot] = fresh;
        await waitFor(() => listed(fresh.url).some((i) => !oldNodes.includes(i.id)), {
          timeoutMs: 10_000,
          intervalMs: 2,
        });
        restarts.push({ slot, stopMs, unlistedMs, startMs: performance.now() - startingAt });
        log(
          `restarted slot ${slot}: stop ${ms(stopMs)}, listed again after ${ms(performance.now() - startingAt)}`,
        );
        await delay(BETWEEN_RESTARTS_MS);
      }
      await delay(Math.max(0, rollingStarted + ROLLING_MS - performance.now()));
      const rolling = await load.stop();
      rollingTimeline.close();
      const rollingRetried = retried;
      load = undefined;

      // B. SIGKILL one instance; restart it only once it has been dropped.
      log('SIGKILL variant');
      retried = 0;
      const timeline = new SnapshotTimeline(consumer);
      load = new SteadyLoad(call, REQUESTS_PER_SECOND);
      load.start();
      await delay(2000);
      const victim = instances[1]!;
      const killedAt = performance.now();
      await victim.kill();
      await waitFor(() => listed(victim.url).length === 0, {
        timeoutMs: SESSION_MS * 3,
        intervalMs: 2,
      });
      const droppedAt =
        timeline.firstSince(0, (s) => s.at >= killedAt && !s.urls.includes(victim.url))?.at ??
        Number.NaN;
      log(`killed ${victim.name}; listed for ${ms(droppedAt - killedAt)} after the kill`);
      await delay(2000);
      const revived = await start(ports[1]!);
      instances[1] = revived;
      await waitFor(() => listed(revived.url).length === 1, { timeoutMs: 10_000 });
      await delay(2000);
      const killed = await load.stop();
      load = undefined;
      timeline.close();
      const killRetried = retried;

      return {
        title: '4. Rolling restart and SIGKILL under steady load (child processes)',
        zookeeperVersion: await zookeeperVersion(server),
        bars: [
          {
            claim: `#4 rolling restart (SIGTERM) under ${REQUESTS_PER_SECOND} req/s for ${ROLLING_MS / 1000} s: zero failed requests`,
            met: rolling.failed === 0 && restarts.length >= 3,
            measured: `${rolling.failed} failed of ${rolling.sent}, ${restarts.length} restarts`,
          },
          {
            claim: '#4 SIGKILL: zero failures seen by the caller (retry on)',
            met: killed.failed === 0,
            measured: `${killed.failed} failed of ${killed.sent}`,
          },
          {
            claim: `#4 SIGKILL: the dead instance stays listed no longer than about its session timeout (${ms(SESSION_MS)})`,
            met: droppedAt - killedAt <= SESSION_MS + 1000,
            measured: `listed ${ms(droppedAt - killedAt)} after the kill`,
          },
        ],
        markdown: [
          `A ZooKeeper server (tickTime 200 ms); three hello instances, each a child process running the built sample \`sample/01-hello-service/main.ts\` (Express) on its own loopback port with \`ZK_SESSION_TIMEOUT_MS=${SESSION_MS}\` and \`DRAIN_DELAY_MS=${DRAIN_MS}\`. The consumer is a \`ZkEndpointer\` in the scenario process (roundRobin, default retry: 3 attempts, 10 s budget, backoff from 20 ms) calling \`GET /hello\` in an open loop at ${REQUESTS_PER_SECOND} requests/s.`,
          '',
          `### A. Rolling restart (SIGTERM), ${ROLLING_MS / 1000} s`,
          '',
          `Instances are restarted one after another for the whole run: SIGTERM (the app deregisters, keeps serving for the drain delay, closes), wait for the exit, start a new process on the same port, wait until the consumer lists it, pause ${ms(BETWEEN_RESTARTS_MS)}, next.`,
          '',
          loadTable(rolling, rollingRetried),
          '',
          table(
            [
              'restarts',
              'SIGTERM → exit (median / max)',
              'SIGTERM → unlisted (median / max)',
              'spawn → listed again (median / max)',
            ],
            [
              [
                restarts.length,
                medMax(restarts.map((r) => r.stopMs)),
                medMax(restarts.map((r) => r.unlistedMs)),
                medMax(restarts.map((r) => r.startMs)),
              ],
            ],
          ),
          '',
          '### B. One instance killed with SIGKILL',
          '',
          `After 2 s of load one instance is killed with SIGKILL (no deregistration); it is started again 2 s after the consumer dropped it. The dead instance stays listed until the server expires its session (timeout ${ms(SESSION_MS)}); meanwhile calls picking it fail to connect and are retried on another instance.`,
          '',
          loadTable(killed, killRetried),
          '',
          table(
            ['figure', 'value'],
            [
              ["kill → dropped from the consumer's endpointer", ms(droppedAt - killedAt)],
              ['session timeout of the killed instance', ms(SESSION_MS)],
            ],
          ),
        ].join('\n'),
      };
    } finally {
      await load?.stop();
      await endpointer?.close();
      await client?.close();
      // No orphans: whatever still runs is killed (graceful stops happened above).
      await Promise.all(instances.map((instance) => instance.kill().catch(() => undefined)));
      await server.stop();
    }
  },
};

function loadTable(report: LoadReport, retried: number): string {
  return table(
    ['sent', 'failed', 'retried attempts', 'rate', 'p50', 'p99', 'max', 'answered by', 'failures'],
    [
      [
        report.sent,
        report.failed,
        retried,
        `${report.rate.toFixed(0)}/s`,
        msPrecise(report.latency.median),
        msPrecise(report.latency.p99),
        msPrecise(report.latency.max),
        `${report.answeredBy.size} processes`,
        failureLines(report),
      ],
    ],
  );
}

function medMax(values: readonly number[]): string {
  const summary = summarize(values);
  return `${ms(summary.median)} / ${ms(summary.max)}`;
}
