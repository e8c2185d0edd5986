import type { ZkServerDiagnosis } from '../zk-server-diagnosis.types.js';
import { ZkError } from './zk.error.js';

/** Why no session came: the subclass says it too. */
export type ZkConnectFailure = 'host-not-found' | 'connection-refused' | 'timeout';

/**
 * No server of the connect string established a session within `connectTimeoutMs`. `diagnoses`
 * says what each server did when checked by hand; `failure` sums it up. Subclasses name the two
 * causes that have one fix: `ZkHostNotFoundError` (no host resolves), `ZkConnectionRefusedError`
 * (every server refused the connection). Anything else (no answer, a mix) is this class itself.
 */
export class ZkConnectError extends ZkError {
  override name = 'ZkConnectError';

  constructor(
    readonly servers: string,
    readonly timeoutMs: number,
    readonly diagnoses: readonly ZkServerDiagnosis[] = [],
    readonly failure: ZkConnectFailure = 'timeout',
    message?: string,
  ) {
    const reason = `no server of "${servers}" established a session within ${timeoutMs} ms`;
    const seen = diagnoses.length > 0 ? ` (${diagnoses.map((d) => d.detail).join('; ')})` : '';
    super('connect', '', 0, reason, {
      message:
        message ??
        `Cannot connect to ZooKeeper: ${reason}${seen}. Check that the servers are running and ` +
          'reachable from this host, that the `servers` option lists them as host:port, ' +
          'or raise `connectTimeoutMs`.',
    });
  }

  /** The error that says most about `diagnoses`: a subclass when they all agree on a cause. */
  static from(
    servers: string,
    timeoutMs: number,
    diagnoses: readonly ZkServerDiagnosis[],
  ): ZkConnectError {
    const all = (problem: ZkServerDiagnosis['problem']) =>
      diagnoses.length > 0 && diagnoses.every((d) => d.problem === problem);
    if (all('host-not-found')) return new ZkHostNotFoundError(servers, timeoutMs, diagnoses);
    if (all('connection-refused'))
      return new ZkConnectionRefusedError(servers, timeoutMs, diagnoses);
    return new ZkConnectError(servers, timeoutMs, diagnoses);
  }
}

/** No host of the connect string resolves: a typo in `servers`, or a missing DNS record. */
export class ZkHostNotFoundError extends ZkConnectError {
  override name = 'ZkHostNotFoundError';

  constructor(servers: string, timeoutMs: number, diagnoses: readonly ZkServerDiagnosis[]) {
    super(
      servers,
      timeoutMs,
      diagnoses,
      'host-not-found',
      `Cannot connect to ZooKeeper: no host of "${servers}" resolves ` +
        `(${diagnoses.map((d) => d.detail).join('; ')}). Check the host names in the \`servers\` ` +
        "option and this host's DNS.",
    );
  }
}

/** Every server refused the connection: ZooKeeper is not running there, or listens elsewhere. */
export class ZkConnectionRefusedError extends ZkConnectError {
  override name = 'ZkConnectionRefusedError';

  constructor(servers: string, timeoutMs: number, diagnoses: readonly ZkServerDiagnosis[]) {
    super(
      servers,
      timeoutMs,
      diagnoses,
      'connection-refused',
      `Cannot connect to ZooKeeper: every server of "${servers}" refused the connection for ` +
        `${timeoutMs} ms (nothing listens on ${diagnoses.map((d) => d.server).join(', ')}). ` +
        'Check that ZooKeeper is running and that the ports match its `clientPort`.',
    );
  }
}
