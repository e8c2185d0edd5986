import { Inject, Injectable } from '@nestjs/common';
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { checkNumber } from '../../client/option-checks.js';
import { ZkDiscoveryService, type ZkSessionStatus } from '../zk-discovery.service.js';
import { HealthIndicatorServiceToken } from './terminus.js';

/** Options of {@link ZkHealthIndicator.isHealthy}. */
export interface ZkHealthCheckOptions {
  /**
   * Whether this app's registration must be present for the check to be up.
   * @default true when the module has a `registration` option, else false
   */
  requireRegistration?: boolean;
  /** Bound on the `exists` read that proves our instance node is really there. @default 3000 */
  timeoutMs?: number;
}

/** Options of {@link ZkHealthIndicator.hasInstances}. */
export interface ZkInstancesCheckOptions {
  /** How long the first read of a path not watched yet may take. @default 3000 */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 3000;

/**
 * A `@nestjs/terminus` health indicator for ZooKeeper discovery, built on terminus's
 * `HealthIndicatorService`. Provide it beside `TerminusModule`:
 *
 * ```ts
 * @Module({ imports: [TerminusModule], controllers: [HealthController], providers: [ZkHealthIndicator] })
 * ```
 */
@Injectable()
export class ZkHealthIndicator {
  constructor(
    @Inject(HealthIndicatorServiceToken)
    private readonly healthIndicatorService: HealthIndicatorService,
    private readonly discovery: ZkDiscoveryService,
  ) {}

  /**
   * Up when the ZooKeeper session is connected and this app's registration (if it registers) is
   * in place: state `registered` and its node read back from ZooKeeper. Down with a `message`
   * saying why otherwise (disconnected since when, session expired, not registered, node missing).
   */
  async isHealthy<const Key extends string = 'zookeeper'>(
    key: Key = 'zookeeper' as Key,
    options: ZkHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicatorService.check(key);
    const session = this.discovery.session;
    const unhealthySession = sessionProblem(session, this.discovery.client.sessionTimeoutMs);
    if (unhealthySession) {
      return indicator.down({
        message: unhealthySession,
        state: session.state,
        since: new Date(session.since).toISOString(),
      });
    }
    const sessionId = `0x${session.sessionId}`;
    const requireRegistration = options.requireRegistration ?? this.discovery.hasRegistration;
    if (!requireRegistration) return indicator.up({ state: session.state, sessionId });

    const registration = this.discovery.registrationState;
    const out = this.discovery.outOfService;
    // Out of discovery on purpose (maintenance, or its own failing health check): the process is
    // up; reporting it down would have an orchestrator restart it.
    if (registration === 'out-of-service' && out) {
      const { by, reason } = out;
      return indicator.up({ state: session.state, sessionId, registration, by, reason });
    }
    const node = this.discovery.registeredNode;
    if (registration !== 'registered' || !node) {
      return indicator.down({
        message: `not registered (registration state: ${registration})`,
        state: session.state,
        sessionId,
        registration,
      });
    }
    const present = await nodeExists(this.discovery, node, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (present !== true) {
      return indicator.down({
        message: present === false ? `our instance node ${node} is missing` : present,
        state: session.state,
        sessionId,
        registration,
        node,
      });
    }
    return indicator.up({ state: session.state, sessionId, registration, node });
  }

  /**
   * Up when the app's endpointer of `path` (created on first use) holds at least `min` instances;
   * down with how many it holds otherwise. `stale` in the result says discovery cannot currently
   * confirm the set (the endpointer keeps its last instances through an outage).
   */
  async hasInstances<const Key extends string>(
    key: Key,
    path: string,
    min = 1,
    options: ZkInstancesCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    checkNumber(`ZkHealthIndicator.hasInstances('${key}', '${path}', min)`, min, { integer: true });
    const indicator = this.healthIndicatorService.check(key);
    const endpointer = this.discovery.getEndpointer(path);
    const snapshot =
      endpointer.snapshot ?? (await endpointer.ready(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const instances = endpointer.instances().length;
    const details = {
      path: endpointer.path,
      instances,
      min,
      stale: snapshot?.stale ?? true,
      ...(snapshot?.error ? { error: snapshot.error.message } : {}),
    };
    if (snapshot === undefined) {
      return indicator.down({ message: `${endpointer.path} could not be read yet`, ...details });
    }
    if (instances < min) {
      return indicator.down({
        message: `${endpointer.path} has ${instances} instance(s), fewer than ${min}`,
        ...details,
      });
    }
    return indicator.up(details);
  }
}

/** Why the session is not healthy, or undefined when it is connected. */
function sessionProblem(session: ZkSessionStatus, sessionTimeoutMs: number): string | undefined {
  const since = new Date(session.since).toISOString();
  const outlasted = Date.now() - session.since > sessionTimeoutMs;
  switch (session.state) {
    case 'connected':
      return undefined;
    case 'disconnected':
      // ZooKeeper tells a client its session expired only when it gets through again.
      return outlasted
        ? `disconnected from ZooKeeper since ${since}, longer than the session timeout ` +
            `(${sessionTimeoutMs} ms): session 0x${session.sessionId} has most likely expired`
        : `disconnected from ZooKeeper since ${since} (session 0x${session.sessionId} may still be alive)`;
    case 'expired':
      return `ZooKeeper session expired at ${since}; opening a new one`;
    case 'connecting':
      return session.expiries > 0
        ? `ZooKeeper session expired; no session since ${since}, connecting`
        : `not connected to ZooKeeper yet (connecting since ${since})`;
    case 'closed':
      return `the ZooKeeper client is closed (since ${since})`;
  }
}

/** True when the node exists, false when it does not, else why it could not be read. */
async function nodeExists(
  discovery: ZkDiscoveryService,
  node: string,
  timeoutMs: number,
): Promise<boolean | string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(`reading our instance node ${node} took over ${timeoutMs} ms`),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([
      discovery.client.exists(node).then(
        (stat) => stat !== null,
        (error: Error) => `cannot read our instance node ${node}: ${error.message}`,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
