/**
 * Issue item 5: ZooKeeper down for 10 s (SIGKILL, then a restart on the same port and data) while
 * three service apps and a consumer app run under load. Measured: failed requests, time until the
 * consumer's snapshot shows stale, its log lines, the shutdown time of an app closed during the
 * outage, and the time to resync once ZooKeeper is back.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import {
  type ServiceApp,
  startConsumerApp,
  startServiceApp,
} from '../../test/support/nest-apps.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { captureLogger, type LoggedLine } from './support/capture-logger.js';
import { failureLines, SteadyLoad } from './support/load.js';
import { table } from './support/markdown.js';
import { Phases } from './support/phases.js';
import { sameSet, settle } from './support/settle.js';
import { ms, msPrecise } from './support/stats.js';
import { SnapshotTimeline } from './support/timeline.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 3000;
const OUTAGE_MS = 10_000;
/** When, into the outage, one service app is closed. */
const CLOSE_AT_MS = 5000;
const REQUESTS_PER_SECOND = 100;
/** How long the converged state must hold to count. */
const QUIET_MS = 1500;

export const zookeeperDownScenario: Scenario = {
  name: 'zookeeper-down',
  summary: '#5 ZooKeeper down for 10 s under load: stale, shutdown, resync',
  async run(log) {
    const server = await ZooKeeperServer.start();
    const version = await zookeeperVersion(server);
    const services: ServiceApp[] = [];
    let consumer: Awaited<ReturnType<typeof startConsumerApp>> | undefined;
    let load: SteadyLoad | undefined;
    try {
      const root = uniqueRoot('outage');
      const lines: LoggedLine[] = [];
      for (const name of ['O1', 'O2', 'O3']) {
        services.push(
          await startServiceApp({
            servers: server.connectString,
            path: root,
            name: 'svc',
            instanceName: name,
            module: {
              sessionTimeoutMs: SESSION_MS,
              operationTimeoutMs: 1000,
              logger: captureLogger(lines, `${name}: `),
            },
            registration: { deregisterTimeoutMs: 500, drainDelayMs: 50 },
          }),
        );
      }
      consumer = await startConsumerApp(server.connectString, `${root}/svc`, {
        sessionTimeoutMs: SESSION_MS,
        logger: captureLogger(lines, 'consumer: '),
      });
      const endpointer = consumer.endpointer;
      await waitFor(() => endpointer.endpoints().length === 3);
      const timeline = new SnapshotTimeline(endpointer);
      const phases = new Phases();
      load = new SteadyLoad(
        async () => (await endpointer.call((e) => e.json<{ name: string }>('/whoami'))).name,
        REQUESTS_PER_SECOND,
      );
      const startedAt = phases.begin('ZooKeeper up');
      const since = (at: number) => `${((at - startedAt) / 1000).toFixed(2)} s`;
      load.start();
      await delay(2000);

      const nodesBefore = services.map((s) => s.discovery.registeredNode!.split('/').pop()!);
      const killedAt = phases.begin('ZooKeeper down');
      await server.kill();
      await waitFor(() => endpointer.snapshot?.stale === true, {
        timeoutMs: SESSION_MS * 2,
        intervalMs: 2,
      });
      const staleAt = timeline.firstSince(0, (s) => s.stale)?.at ?? Number.NaN;
      log(`ZooKeeper killed; consumer stale after ${ms(staleAt - killedAt)}`);
      await delay(Math.max(0, killedAt + CLOSE_AT_MS - performance.now()));
      const leaving = services.pop()!;
      const closingAt = performance.now();
      await leaving.app.close();
      const shutdownMs = performance.now() - closingAt;
      log(`${'O3'} closed during the outage in ${ms(shutdownMs)}`);
      const endpointsDuringOutage = endpointer.endpoints().length;
      await delay(Math.max(0, killedAt + OUTAGE_MS - performance.now()));

      const restartAt = phases.begin('ZooKeeper restarting');
      await server.restart();
      const servingAt = phases.begin('ZooKeeper back');
      log(
        `ZooKeeper back after ${ms(servingAt - killedAt)} (restart took ${ms(servingAt - restartAt)})`,
      );
      // Converged: every client connected, both live apps registered, the consumer fresh and
      // listing exactly their current nodes, all of it holding for a quiet period. The time is
      // that of the consumer's last change before it.
      const converged = () =>
        endpointer.snapshot?.stale === false &&
        services.every(
          (s) =>
            s.discovery.client.state === 'connected' &&
            s.discovery.registrationState === 'registered',
        ) &&
        sameSet(
          endpointer.instances().map((i) => i.path),
          services.map((s) => s.discovery.registeredNode),
        );
      const didConverge = await settle(converged, { quietMs: QUIET_MS, timeoutMs: SESSION_MS * 5 });
      const convergedAt = didConverge ? Math.max(timeline.seen.at(-1)!.at, servingAt) : Number.NaN;
      // The live apps' new nodes (they needed new sessions) first listed together.
      const newNodes = services.map((s) => s.discovery.registeredNode!.split('/').pop()!);
      const liveListedAt =
        timeline.firstSince(
          0,
          (s) =>
            s.at >= servingAt &&
            newNodes.every((node, i) => node !== nodesBefore[i] && s.ids.includes(node)),
        )?.at ?? Number.NaN;
      const freshAt =
        timeline.firstSince(0, (s) => !s.stale && s.at >= restartAt)?.at ?? Number.NaN;
      const ghostGoneAt =
        timeline.firstSince(
          0,
          (s) => s.at >= servingAt && !s.urls.some((url) => url.endsWith(`:${leaving.port}`)),
        )?.at ?? Number.NaN;
      log(
        `fresh ${ms(freshAt - servingAt)}, converged ${ms(convergedAt - servingAt)} after ZooKeeper was back`,
      );
      await delay(500);
      const report = await load.stop();
      const requests = load.records;
      load = undefined;
      timeline.close();

      const consumerLines = lines.filter((l) => l.message.startsWith('consumer: '));
      const staleLines = consumerLines.filter((l) => l.message.includes('(stale)'));
      const freshLines = consumerLines.filter((l) =>
        l.message.includes('discovery is current again'),
      );
      const afterBack = timeline.seen.filter((s) => s.at >= restartAt);
      const perPhase = phases.names.map((name) => {
        const inside = requests.filter((r) => phases.at(r.at) === name);
        return [name, inside.length, inside.filter((r) => !r.ok).length];
      });
      return {
        title: '5. ZooKeeper down for 10 s under load',
        zookeeperVersion: version,
        bars: [
          {
            claim: '#5 requests keep flowing to the last known instances during the outage',
            met: report.failed === 0,
            measured: `${report.failed} failed of ${report.sent}; ${endpointsDuringOutage} endpoints held during the outage`,
          },
          {
            claim:
              '#5 the stale state is visible: snapshot, one log line (and one when current again)',
            met: Number.isFinite(staleAt) && staleLines.length === 1 && freshLines.length === 1,
            measured: `stale ${ms(staleAt - killedAt)} after the kill; ${staleLines.length} stale line, ${freshLines.length} recovered line`,
          },
          {
            claim: '#5 shutdown during the outage stays bounded',
            met: shutdownMs < 5000,
            measured: `app.close() took ${ms(shutdownMs)}`,
          },
          {
            claim: '#5 everything resyncs when ZooKeeper returns',
            met: didConverge,
            measured: `converged ${ms(convergedAt - servingAt)} after ZooKeeper served again`,
          },
        ],
        markdown: [
          `One ZooKeeper server (tickTime 200 ms), three service apps and a consumer app in one process (session timeout ${ms(SESSION_MS)}, operation timeout 1 s, deregister timeout 500 ms, drain 50 ms). The consumer calls the service through its endpointer (roundRobin + retry) at ${REQUESTS_PER_SECOND} requests/s throughout. After 2 s the server is killed (SIGKILL); ${ms(CLOSE_AT_MS)} into the outage one service app (O3) is closed; at ${ms(OUTAGE_MS)} the server is restarted on the same port with the same data.`,
          '',
          table(
            ['figure', 'value'],
            [
              ['requests sent / failed', `${report.sent} / ${report.failed}`],
              [
                'latency p50 / p99 / max',
                `${msPrecise(report.latency.median)} / ${msPrecise(report.latency.p99)} / ${msPrecise(report.latency.max)}`,
              ],
              ['kill → consumer snapshot stale', ms(staleAt - killedAt)],
              [
                'endpoints held by the consumer during the outage',
                `${endpointsDuringOutage} (stale)`,
              ],
              ['app closed during the outage: `app.close()`', ms(shutdownMs)],
              ['restart → ZooKeeper serving (JVM start)', ms(servingAt - restartAt)],
              ['ZooKeeper serving → consumer snapshot fresh', ms(freshAt - servingAt)],
              [
                'ZooKeeper serving → both live apps re-registered and listed',
                ms(liveListedAt - servingAt),
              ],
              [
                "ZooKeeper serving → the closed app's node gone (its old session, restored by the server, expired)",
                ms(ghostGoneAt - servingAt),
              ],
              [
                `ZooKeeper serving → converged (the consumer's last change before all held still for ${ms(QUIET_MS)}: fresh, connected, both live apps registered and exactly their nodes listed)`,
                ms(convergedAt - servingAt),
              ],
              [
                'most / fewest endpoints listed after ZooKeeper came back',
                `${Math.max(...afterBack.map((s) => s.urls.length))} / ${Math.min(...afterBack.map((s) => s.urls.length))}`,
              ],
              [
                'consumer log lines: stale / current again',
                `${staleLines.length} / ${freshLines.length}`,
              ],
              ['failures', failureLines(report)],
            ],
          ),
          '',
          'Requests per phase (sent, failed):',
          '',
          table(['phase', 'sent', 'failed'], perPhase),
          '',
          'What the consumer saw (time since the start, phase, endpoints, stale):',
          '',
          table(
            ['time', 'phase', 'endpoints', 'stale'],
            timeline.seen.map((s) => [
              since(s.at),
              phases.at(s.at) ?? 'setup',
              s.urls.length,
              s.stale,
            ]),
          ),
          '',
          'Log lines of the apps (time since the start, phase):',
          '',
          ...lines
            .filter((l) => l.at >= startedAt)
            .map((l) => `- ${since(l.at)} (${phases.at(l.at)}) \`${l.level}\` ${l.message}`),
        ].join('\n'),
      };
    } finally {
      await load?.stop();
      await consumer?.app.close();
      for (const service of services) await service.app.close();
      await server.stop();
    }
  },
};
