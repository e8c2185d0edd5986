import 'reflect-metadata';
import { Controller, Get, type INestApplication, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppRegistrationState,
  type HttpEndpoint,
  type InstancerSnapshot,
  ZkClient,
  ZkDiscoveryModule,
  ZkDiscoveryService,
  type ZkSessionStatus,
} from '../../lib/index.js';
import { ZkHealthIndicator } from '../../lib/nest/health/index.js';
import { FaultProxy, ZooKeeperServer } from '../../lib/testing/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 2000;
const SECRET = 'pa55-never-logged';
const CREDENTIALS = `observer:${SECRET}`;
const REQUESTS = 50;

interface LogLine {
  level: string;
  message: string;
  context: string | undefined;
}

/** The app's logger: every line Nest (and so the library's `Logger`) writes, with its context. */
class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];
  log(message: unknown, ...params: unknown[]): void {
    this.capture('log', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.capture('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.capture('error', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.capture('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.capture('verbose', message, params);
  }
  /** Messages logged with the library's context. */
  ours(): string[] {
    return this.lines.filter((line) => line.context === 'ZkDiscovery').map((line) => line.message);
  }
  private capture(level: string, message: unknown, params: unknown[]): void {
    const context = params.at(-1);
    this.lines.push({
      level,
      message: typeof message === 'string' ? message : JSON.stringify(message),
      context: typeof context === 'string' ? context : undefined,
    });
  }
}

@Controller()
class PingController {
  @Get('ping')
  ping(): string {
    return 'pong';
  }
}

describe('observables, log lines and metrics across a disconnect, an expiry and a re-registration', () => {
  const root = uniqueRoot('observability');
  const path = `${root}/svc`;
  const registry = new Registry();
  const logger = new CapturingLogger();
  const sessions: ZkSessionStatus[] = [];
  const registrations: AppRegistrationState[] = [];
  const snapshots: InstancerSnapshot[] = [];
  const metrics: Record<string, number | undefined> = {};
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  let app: INestApplication | undefined;
  let firstNode: string;
  let secondNode: string;
  /** Snapshots seen up to the recovery, before the app shuts down (and deregisters itself). */
  let snapshotsBeforeShutdown = 0;
  let linesBeforeRequests: number;
  let linesAfterRequests: number;
  let snapshotsCompleted = false;

  async function metric(name: string, labels: Record<string, string> = {}) {
    const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return found?.values.find((value) =>
      Object.entries(labels).every(([key, label]) => value.labels[key] === label),
    )?.value;
  }

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    proxy = await FaultProxy.start({ host: server.host, port: server.port });
    @Module({
      imports: [
        ZkDiscoveryModule.forRoot({
          servers: proxy.connectString,
          sessionTimeoutMs: SESSION_MS,
          auth: [{ scheme: 'digest', credentials: CREDENTIALS }],
          registration: { path: root, name: 'svc', drainDelayMs: 0 },
          metrics: { registry },
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [PingController],
      providers: [ZkHealthIndicator],
    })
    class ObservedModule {}
    app = await NestFactory.create(ObservedModule, { logger, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const discovery = app.get(ZkDiscoveryService);
    firstNode = await discovery.whenRegistered();
    const endpointer = await discovery.getReadyEndpointer<HttpEndpoint>(path);
    await waitFor(() => endpointer.instances().length === 1);

    discovery.session$.subscribe((status) => sessions.push(status));
    discovery.registration$.subscribe((state) => registrations.push(state));
    discovery.snapshots$(path).subscribe({
      next: (snapshot) => snapshots.push(snapshot),
      complete: () => {
        snapshotsCompleted = true;
      },
    });

    // Requests: calls through the endpointer and health checks log nothing.
    linesBeforeRequests = logger.ours().length;
    const health = app.get(ZkHealthIndicator);
    for (let i = 0; i < REQUESTS; i++) {
      expect(await endpointer.call((endpoint) => endpoint.text('/ping'))).toBe('pong');
      expect((await health.isHealthy()).zookeeper.status).toBe('up');
      expect((await health.hasInstances('svc', path)).svc.status).toBe('up');
    }
    linesAfterRequests = logger.ours().length;

    // 1. A short disconnect inside the session.
    const sessionId = discovery.session.sessionId;
    proxy.dropConnections();
    await waitFor(
      () =>
        sessions.some((s) => s.state === 'disconnected') && discovery.session.state === 'connected',
      { timeoutMs: SESSION_MS * 2, message: 'a disconnect and a reconnect' },
    );
    expect(discovery.session.sessionId).toBe(sessionId);
    await waitFor(() => snapshots.at(-1)?.stale === false);

    // 2. A partition past the session timeout: the session expires.
    proxy.partition();
    // The server expires it; the client learns so when it gets through again, after the heal.
    const expiredNode = discovery.registeredNode!;
    const observer = await ZkClient.connect({ servers: server.connectString });
    await waitFor(async () => (await observer.exists(expiredNode)) === null, {
      timeoutMs: SESSION_MS * 3,
      message: 'the server to expire the session',
    });
    await observer.close();
    proxy.heal();

    // 3. A new session; the instance registers again.
    await waitFor(
      () =>
        discovery.session.state === 'connected' &&
        discovery.registrationState === 'registered' &&
        snapshots.at(-1)?.stale === false &&
        snapshots.at(-1)?.instances[0]?.path === discovery.registeredNode,
      {
        timeoutMs: SESSION_MS * 5,
        message: 'a new session, registered again, seen by the watcher',
      },
    );
    secondNode = discovery.registeredNode!;
    snapshotsBeforeShutdown = snapshots.length;
    for (const name of [
      'zk_discovery_session_expiries_total',
      'zk_discovery_reregistrations_total',
    ]) {
      metrics[name] = await metric(name);
    }
    metrics.connected = await metric('zk_discovery_session_state', { state: 'connected' });
    metrics.instances = await metric('zk_discovery_instances', { path });
    metrics.rearms = await metric('zk_discovery_watch_rearms_total', { path });

    await app.close();
    app = undefined;
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('session$ emits each state once: disconnect and reconnect in one session, then expiry and a new session', () => {
    expect(sessions.map((s) => s.state)).toEqual([
      'connected',
      'disconnected',
      'connected',
      'disconnected',
      'expired',
      'connecting',
      'connected',
      'closed',
    ]);
    const [first, , reconnected, lost, expired, connecting, renewed] = sessions;
    expect(reconnected!.sessionId).toBe(first!.sessionId);
    expect(lost!.sessionId).toBe(first!.sessionId);
    expect(expired!.sessionId).toBeUndefined();
    expect(connecting!.sessionId).toBeUndefined();
    expect(renewed!.sessionId).toMatch(/^[0-9a-f]+$/);
    expect(renewed!.sessionId).not.toBe(first!.sessionId);
    expect(sessions.map((s) => s.expiries)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // `since` never goes back.
    const times = sessions.map((s) => s.since);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('registration$ goes registered → unregistered → registering → registered, then deregistered', () => {
    expect(registrations).toEqual([
      'registered',
      'unregistered',
      'registering',
      'registered',
      'deregistered',
    ]);
    expect(secondNode).not.toBe(firstNode);
  });

  it('snapshots$ turns stale on each outage and ends current with the new node; never two instances', () => {
    const first = snapshots[0]!;
    expect(first.stale).toBe(false);
    expect(first.instances.map((i) => i.path)).toEqual([firstNode]);
    // The short disconnect: stale, then current again with the same instance.
    expect(snapshots[1]).toMatchObject({ stale: true });
    expect(snapshots[1]!.instances.map((i) => i.path)).toEqual([firstNode]);
    expect(snapshots[2]).toMatchObject({ stale: false });
    expect(snapshots[2]!.instances.map((i) => i.path)).toEqual([firstNode]);
    // The partition: stale again.
    expect(snapshots[3]).toMatchObject({ stale: true });
    // In the end: current, the re-registered node only.
    const last = snapshots[snapshotsBeforeShutdown - 1]!;
    expect(last.stale).toBe(false);
    expect(last.instances.map((i) => i.path)).toEqual([secondNode]);
    // At shutdown the app deregisters itself; its own watcher may see that before it stops.
    for (const snapshot of snapshots.slice(snapshotsBeforeShutdown)) {
      expect(snapshot.instances).toEqual([]);
    }
    expect(Math.max(...snapshots.map((s) => s.instances.length))).toBe(1);
    expect(snapshotsCompleted).toBe(true);
  });

  it('logs one line per state change with the context ZkDiscovery, none per request', () => {
    const ours = logger.ours();
    expect(linesAfterRequests).toBe(linesBeforeRequests);
    const count = (pattern: RegExp) => ours.filter((line) => pattern.test(line)).length;
    expect(count(/^ZooKeeper session 0x[0-9a-f]+ established with /)).toBe(2);
    expect(count(/^ZooKeeper connection lost \(session 0x[0-9a-f]+\); reconnecting$/)).toBe(2);
    expect(count(/^ZooKeeper session 0x[0-9a-f]+ expired /)).toBe(1);
    expect(count(/^Registered /)).toBe(2);
    expect(count(/^New ZooKeeper session: registering .* again$/)).toBe(1);
    expect(count(new RegExp(`^Deregistered ${secondNode}$`))).toBe(1);
    // The watcher of the path: one line when it goes stale, one when it is current again.
    expect(count(new RegExp(`^${path}: .*\\(stale\\)$`))).toBe(2);
    expect(count(new RegExp(`^${path}: discovery is current again`))).toBe(2);
    // This app does not enable shutdown hooks: said once, at the first registration only.
    expect(count(/^SIGTERM will not deregister /)).toBe(1);
    // What the endpointer found at startup, and its instances leaving and joining: at most one
    // line per 5 s, so the new node's arrival shortly after the old one left may come later.
    expect(count(new RegExp(`^${path}: 1 instance$`))).toBe(1);
    const membership = count(new RegExp(`^${path}: 1 (joined|left) `));
    expect(membership).toBeGreaterThanOrEqual(1);
    expect(membership).toBeLessThanOrEqual(2);
    // Nothing else (a credentials line appeared here when add_auth met a lost connection).
    expect(ours.length - membership).toBe(15);
  });

  it('never prints the credentials, in any line of any context', () => {
    const everything = logger.lines.map((line) => `${line.context} ${line.message}`).join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(CREDENTIALS);
  });

  it('metrics counted the expiry and the re-registration, and watch re-arms', () => {
    expect(metrics).toMatchObject({
      zk_discovery_session_expiries_total: 1,
      zk_discovery_reregistrations_total: 1,
      connected: 1,
      instances: 1,
    });
    expect(metrics.rearms).toBeGreaterThanOrEqual(1);
  });
});
