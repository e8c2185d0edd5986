/**
 * Issue items 1 and 2: a service app whose link to ZooKeeper goes through a FaultProxy, and a
 * consumer app connected directly.
 * 1. Partition the link longer than the session timeout, heal: how long until the instance is back
 *    in the consumer's endpointer (bar: session timeout + 1 s), and was it ever listed twice?
 * 2. Partition it shorter than the session: any re-registration, any change seen by watchers?
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ZkClient } from '../../lib/client/index.js';
import { FaultProxy, ZooKeeperServer } from '../../lib/testing/index.js';
import {
  type ServiceApp,
  startConsumerApp,
  startServiceApp,
} from '../../test/support/nest-apps.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Bar, Scenario, ScenarioResult } from './scenario.js';
import { table } from './support/markdown.js';
import { ms, summarize } from './support/stats.js';
import { SnapshotTimeline, urlOf } from './support/timeline.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const SESSION_MS = 2000;
const EXPIRY_TRIALS = 20;
const SHORT_TRIALS = 20;
/** Partition lengths of the short trials, as fractions of the session timeout (in turn). */
const SHORT_FRACTIONS = [0.25, 0.5];

type Consumer = Awaited<ReturnType<typeof startConsumerApp>>;

interface ExpiryTrial {
  /** Heal as soon as the consumer saw the instance go, or hold the partition to 2 × timeout. */
  hold: 'at expiry' | '2 × timeout';
  partitionMs: number;
  /** Partition → the consumer's snapshot without the instance (the server expired the session). */
  goneMs: number;
  /** The service client's state when the link healed. */
  stateAtHeal: string;
  /** Heal → first consumer snapshot holding the re-registered instance (NaN: never, in 5 × timeout). */
  backMs: number;
  /** Most times the instance's URL appeared in one consumer snapshot during the trial. */
  maxListed: number;
  /** Instance nodes under the service path at the end of the trial (the server's view). */
  nodesAfter: number;
}

interface ShortTrial {
  partitionMs: number;
  /** Heal → the service client connected again (NaN: it never noticed a disconnect). */
  reconnectMs: number;
  sameSession: boolean;
  reregistrations: number;
  consumerChanges: number;
  observerWatchFires: number;
}

export const expiryScenario: Scenario = {
  name: 'expiry',
  summary: '#1 session expiry (20 trials) and #2 short partitions, through a fault proxy',
  async run(log) {
    const server = await ZooKeeperServer.start();
    let proxy: FaultProxy | undefined;
    let observer: ZkClient | undefined;
    let service: ServiceApp | undefined;
    let consumer: Consumer | undefined;
    try {
      proxy = await FaultProxy.start({ host: server.host, port: server.port });
      observer = await ZkClient.connect({ servers: server.connectString });
      const root = uniqueRoot('expiry');
      service = await startServiceApp({
        servers: proxy.connectString,
        path: root,
        name: 'svc',
        instanceName: 'P',
        module: { sessionTimeoutMs: SESSION_MS },
      });
      consumer = await startConsumerApp(server.connectString, `${root}/svc`);
      const rig: Rig = { proxy, observer, service, consumer, path: `${root}/svc` };
      const negotiatedMs = service.discovery.client.sessionTimeoutMs;
      log(`session timeout ${negotiatedMs} ms; ${EXPIRY_TRIALS} expiry trials`);
      const expiries: ExpiryTrial[] = [];
      for (let i = 0; i < EXPIRY_TRIALS; i++) {
        const trial = await expiryTrial(rig, i % 2 === 0 ? 'at expiry' : '2 × timeout');
        expiries.push(trial);
        log(
          `expiry ${i + 1}: partition ${ms(trial.partitionMs)}, back ${ms(trial.backMs)} after heal, listed ≤ ${trial.maxListed}×`,
        );
      }
      const shorts: ShortTrial[] = [];
      for (let i = 0; i < SHORT_TRIALS; i++) {
        const fraction = SHORT_FRACTIONS[i % SHORT_FRACTIONS.length]!;
        const trial = await shortTrial(rig, Math.round(SESSION_MS * fraction));
        shorts.push(trial);
        log(
          `short ${i + 1}: partition ${ms(trial.partitionMs)}, reconnect ${ms(trial.reconnectMs)}, re-registrations ${trial.reregistrations}, changes ${trial.consumerChanges}`,
        );
      }
      return {
        ...report(negotiatedMs, expiries, shorts),
        zookeeperVersion: await zookeeperVersion(server),
      };
    } finally {
      await consumer?.app.close();
      await service?.app.close();
      await observer?.close();
      await proxy?.close();
      await server.stop();
    }
  },
};

interface Rig {
  proxy: FaultProxy;
  observer: ZkClient;
  service: ServiceApp;
  consumer: Consumer;
  path: string;
}

async function expiryTrial(rig: Rig, hold: ExpiryTrial['hold']): Promise<ExpiryTrial> {
  const { proxy, service, consumer, observer } = rig;
  const timeline = new SnapshotTimeline(consumer.endpointer);
  const before = service.discovery.registeredNode;
  const listed = () => consumer.endpointer.instances().filter((i) => urlOf(i) === service.url);
  try {
    const partitionedAt = performance.now();
    proxy.partition();
    await waitFor(() => listed().length === 0, { timeoutMs: SESSION_MS * 4, intervalMs: 5 });
    const gone = timeline.firstSince(0, (s) => !s.urls.includes(service.url));
    if (hold === '2 × timeout') {
      await delay(Math.max(0, partitionedAt + 2 * SESSION_MS - performance.now()));
    }
    const stateAtHeal = service.discovery.client.state;
    const healedAt = performance.now();
    proxy.heal();
    const back = await waitFor(() => listed().some((i) => i.path !== before), {
      timeoutMs: SESSION_MS * 5,
      intervalMs: 5,
    }).then(
      () => true,
      () => false,
    );
    const backAt = back
      ? timeline.firstSince(0, (s) => s.at >= healedAt && s.urls.includes(service.url))?.at
      : undefined;
    await service.discovery.whenRegistered(SESSION_MS * 5);
    return {
      hold,
      partitionMs: healedAt - partitionedAt,
      goneMs: (gone?.at ?? Number.NaN) - partitionedAt,
      stateAtHeal,
      backMs: backAt === undefined ? Number.NaN : backAt - healedAt,
      maxListed: Math.max(
        0,
        ...timeline.seen.map((s) => s.urls.filter((url) => url === service.url).length),
      ),
      nodesAfter: (await observer.getChildren(rig.path)).length,
    };
  } finally {
    timeline.close();
  }
}

async function shortTrial(rig: Rig, partitionMs: number): Promise<ShortTrial> {
  const { proxy, service, consumer, observer } = rig;
  const client = service.discovery.client;
  const node = service.discovery.registeredNode!;
  const sessionId = client.sessionId;
  const { stat: before } = await observer.getData(node);
  let watchFires = 0;
  const onChildren = () => {
    watchFires++;
  };
  await observer.getChildren(rig.path, onChildren);
  const registrations: string[] = [];
  const registrationSub = service.discovery.registration$.subscribe((s) => registrations.push(s));
  const connectedAt: number[] = [];
  const stopRecordingStates = client.subscribeState((state) => {
    if (state === 'connected') connectedAt.push(performance.now());
  });
  const timeline = new SnapshotTimeline(consumer.endpointer);
  const seenBefore = timeline.length;
  try {
    proxy.partition();
    await delay(partitionMs);
    const healedAt = performance.now();
    proxy.heal();
    // The healed proxy cut the old connection: wait for the client to be connected again after
    // the heal (or to have never noticed, if it was still connected all along).
    await waitFor(() => connectedAt.some((at) => at >= healedAt) || client.state === 'connected', {
      timeoutMs: SESSION_MS * 3,
      intervalMs: 5,
    });
    await waitFor(() => connectedAt.some((at) => at >= healedAt), {
      timeoutMs: 1000,
      intervalMs: 5,
    }).catch(() => undefined);
    // A round trip through the healed link proves the session is live again.
    await client.exists(node);
    const reconnect = connectedAt.find((at) => at >= healedAt);
    const { stat: after } = await observer.getData(node).catch(() => ({ stat: undefined }));
    return {
      partitionMs,
      reconnectMs: reconnect === undefined ? Number.NaN : reconnect - healedAt,
      sameSession: client.sessionId === sessionId,
      reregistrations:
        registrations.filter((state) => state !== 'registered').length +
        (service.discovery.registeredNode !== node || after?.czxid !== before.czxid ? 1 : 0),
      consumerChanges: timeline.length - seenBefore,
      observerWatchFires: watchFires,
    };
  } finally {
    timeline.close();
    registrationSub.unsubscribe();
    stopRecordingStates();
    observer.unwatch(rig.path, onChildren);
  }
}

function report(
  sessionMs: number,
  expiries: readonly ExpiryTrial[],
  shorts: readonly ShortTrial[],
): Omit<ScenarioResult, 'zookeeperVersion'> {
  const limit = sessionMs + 1000;
  const back = summarize(expiries.map((t) => t.backMs).filter(Number.isFinite));
  const withinBar = expiries.filter((t) => t.backMs <= limit).length;
  const twice = expiries.filter((t) => t.maxListed > 1 || t.nodesAfter !== 1).length;
  const byHold = (hold: ExpiryTrial['hold']) =>
    summarize(expiries.filter((t) => t.hold === hold).map((t) => t.backMs));
  const gone = summarize(expiries.map((t) => t.goneMs));
  const reconnect = summarize(shorts.map((t) => t.reconnectMs).filter(Number.isFinite));
  const reregistered = shorts.reduce((sum, t) => sum + t.reregistrations, 0);
  const changes = shorts.reduce((sum, t) => sum + t.consumerChanges + t.observerWatchFires, 0);
  const newSessions = shorts.filter((t) => !t.sameSession).length;
  const missed = expiries.filter((t) => !(t.backMs <= limit));
  const bars: Bar[] = [
    {
      claim: `#1 back in another app's endpointer within session timeout + 1 s (${ms(limit)}), ${expiries.length}/${expiries.length} trials`,
      met: withinBar === expiries.length,
      measured: `${withinBar}/${expiries.length}; median ${ms(back.median)}, p95 ${ms(back.p95)}, max ${ms(back.max)}`,
    },
    {
      claim: '#1 never listed twice (no duplicate node)',
      met: twice === 0,
      measured: `${twice} trials with a duplicate`,
    },
    {
      claim: `#2 short partition: no re-registration (${shorts.length} trials)`,
      met: reregistered === 0 && newSessions === 0,
      measured: `${reregistered} re-registrations, ${newSessions} new sessions`,
    },
    {
      claim: '#2 short partition: no change seen by watchers',
      met: changes === 0,
      measured: `${changes} changes`,
    },
  ];
  const markdown = [
    `Session timeout ${ms(sessionMs)} (negotiated; ZooKeeper tickTime 200 ms). The service app talks to ZooKeeper through a FaultProxy; the consumer app and an observer client talk to it directly.`,
    '',
    '### 1. Partition longer than the session timeout, then heal',
    '',
    `Each trial partitions the service's link, waits until the server has expired its session (the consumer's endpointer drops the instance: partition → drop median ${ms(gone.median)}, max ${ms(gone.max)}), then heals either at once (odd trials: the client still holds its old session and learns of the expiry from the server on reconnect) or at 2 × the timeout (even trials: the client has kept retrying its old session for a whole timeout; no server grants sessions through the partition, so it never gives it up on its own and learns of the expiry on reconnect too). Measured: heal → first consumer snapshot holding the new instance node, from the snapshot's arrival time. Every snapshot of the trial is checked for the instance's URL listed twice, and the server's children are counted after it.`,
    '',
    table(
      ['heal', 'trials', 'median', 'p95', 'max', `within ${ms(limit)}`],
      (['at expiry', '2 × timeout'] as const).map((hold) => {
        const s = byHold(hold);
        const n = expiries.filter((t) => t.hold === hold);
        return [
          hold,
          n.length,
          ms(s.median),
          ms(s.p95),
          ms(s.max),
          `${n.filter((t) => t.backMs <= limit).length}/${n.length}`,
        ];
      }),
    ),
    '',
    `All ${expiries.length} trials: median ${ms(back.median)}, p95 ${ms(back.p95)}, max ${ms(back.max)}; within the bar ${withinBar}/${expiries.length}${missed.length > 0 ? ` (missed: ${missed.map((t) => ms(t.backMs)).join(', ')})` : ''}. Snapshots listing the instance twice: ${expiries.filter((t) => t.maxListed > 1).length}; trials ending with other than one node on the server: ${expiries.filter((t) => t.nodesAfter !== 1).length}.`,
    '',
    '<details><summary>every trial</summary>',
    '',
    table(
      ['#', 'heal', 'partition', 'drop seen', 'client at heal', 'back after heal', 'max listed'],
      expiries.map((t, i) => [
        i + 1,
        t.hold,
        ms(t.partitionMs),
        ms(t.goneMs),
        t.stateAtHeal,
        ms(t.backMs),
        t.maxListed,
      ]),
    ),
    '',
    '</details>',
    '',
    '### 2. Partition shorter than the session',
    '',
    `${shorts.length} trials, partitions of ${SHORT_FRACTIONS.map((f) => ms(sessionMs * f)).join(' and ')} in turn. The healed proxy cuts every connection that lived through the partition, so each trial ends in a reconnect within the session. Counted: new sessions, registration state changes or a re-created node (czxid), snapshots received by the consumer, and fires of a children watch set by an observer client.`,
    '',
    table(
      [
        'trials',
        'reconnect after heal (median / max)',
        'new sessions',
        're-registrations',
        'consumer snapshots',
        'observer watch fires',
      ],
      [
        [
          shorts.length,
          `${ms(reconnect.median)} / ${ms(reconnect.max)}`,
          newSessions,
          reregistered,
          shorts.reduce((sum, t) => sum + t.consumerChanges, 0),
          shorts.reduce((sum, t) => sum + t.observerWatchFires, 0),
        ],
      ],
    ),
  ].join('\n');
  return { title: '1–2. Session expiry and short partitions', markdown, bars };
}
