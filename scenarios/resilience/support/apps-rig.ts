import type { RegistrationState, ZkClient, ZkClientState } from '../../../lib/core/index.js';
import { startDiscoveryFleet } from '../../../test/support/discovery-fleet.js';
import type { ServiceApp, startConsumerApp } from '../../../test/support/nest-apps.js';
import { uniqueRoot } from '../../../test/support/unique-root.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { captureLogger, type LoggedLine } from './capture-logger.js';
import { sameSet } from './settle.js';
import { SnapshotTimeline } from './timeline.js';

/** A change of some app, stamped with `performance.now()`; `app` indexes {@link AppsRig.names}. */
export interface AppEvent<T> {
  at: number;
  app: number;
  value: T;
}

/** Options of {@link startAppsRig}. */
export interface AppsRigOptions {
  /** ZooKeeper connect string, given whole to every app. */
  servers: string;
  /** Label of the registration root (`uniqueRoot(label)`). */
  label: string;
  serviceSessionMs: number;
  consumerSessionMs: number;
}

/**
 * Two service apps (`S1`, `S2`, answering `/whoami`) and a consumer app whose endpointer lists
 * them, every client's state changes, new sessions and registration changes recorded with their
 * time: the cast of the scenarios that take ZooKeeper away under the apps.
 */
export interface AppsRig {
  services: ServiceApp[];
  consumer: Awaited<ReturnType<typeof startConsumerApp>>;
  /** The consumer's client first, then the services' (the order of {@link names}). */
  clients: ZkClient[];
  names: string[];
  states: AppEvent<ZkClientState>[];
  /** New sessions since the rig started (the first ones not counted). */
  sessions: AppEvent<string>[];
  registrations: AppEvent<RegistrationState>[];
  /** Every snapshot the consumer received. */
  timeline: SnapshotTimeline;
  /** The apps' log lines, prefixed with their names. */
  lines: LoggedLine[];
  /** Every client connected, both services registered, the consumer fresh with exactly them. */
  converged(): boolean;
  /** One call through the consumer's endpointer; resolves with the name that answered. */
  call(): Promise<string>;
  close(): Promise<void>;
}

export async function startAppsRig(options: AppsRigOptions): Promise<AppsRig> {
  const lines: LoggedLine[] = [];
  const fleet = await startDiscoveryFleet({
    servers: options.servers,
    root: uniqueRoot(options.label),
    names: ['S1', 'S2'],
    serviceSessionMs: options.serviceSessionMs,
    consumerSessionMs: options.consumerSessionMs,
    logger: (app) => captureLogger(lines, `${app}: `),
  });
  await waitFor(fleet.converged, { timeoutMs: 10_000 });
  const rig: AppsRig = {
    services: [...fleet.services],
    consumer: fleet.consumer,
    clients: [...fleet.clients],
    names: ['consumer', 'S1', 'S2'],
    states: [],
    sessions: [],
    registrations: [],
    timeline: new SnapshotTimeline(fleet.consumer.endpointer),
    lines,
    converged: fleet.converged,
    call: fleet.call,
    async close() {
      rig.timeline.close();
      await fleet.close();
    },
  };
  const stamp = <T>(list: AppEvent<T>[], app: number, value: T) =>
    list.push({ at: performance.now(), app, value });
  rig.clients.forEach((client, app) => {
    client.subscribeState((state) => stamp(rig.states, app, state));
    client.subscribeSessions((event) => stamp(rig.sessions, app, event.sessionId));
  });
  rig.services.forEach((s, i) => {
    s.discovery.registration$.subscribe((state) => stamp(rig.registrations, i + 1, state));
  });
  return rig;
}

/** When `app` first reached `value` at or after `from` (undefined: not yet). */
export function firstAt<T>(
  events: readonly AppEvent<T>[],
  app: number,
  value: T,
  from: number,
): number | undefined {
  return events.find((e) => e.app === app && e.value === value && e.at >= from)?.at;
}

/**
 * When the consumer first received, at or after `from`, a fresh snapshot listing exactly the
 * services' current nodes (NaN: never).
 */
export function freshWithBothAt(rig: AppsRig, from: number): number {
  const ids = rig.services.map((s) => s.discovery.registeredNode?.split('/').pop());
  return (
    rig.timeline.firstSince(0, (s) => s.at >= from && !s.stale && sameSet(s.ids, ids))?.at ??
    Number.NaN
  );
}
