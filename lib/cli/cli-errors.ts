import type { ZkConnectError, ZkConnectFailure } from '../client/errors/zk-connect.error.js';

/** Exit codes: 0 success, 1 failure (no such path...), 2 ZooKeeper unreachable, 64 bad usage. */
export const ExitCode = Object.freeze({
  ok: 0,
  failure: 1,
  unreachable: 2,
  /** BSD's EX_USAGE. */
  usage: 64,
});

/** A failure the CLI reports as one message on stderr, then exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The connect failure as the CLI says it: what the servers did, and the flag that fixes it. */
export function unreachable(error: ZkConnectError): CliError {
  const seen = error.diagnoses.map((d) => d.detail).join('; ');
  const fix: Record<ZkConnectFailure, string> = {
    'host-not-found': `${seen}. Check the host names in --servers (or ZK_SERVERS).`,
    'connection-refused':
      `${seen}. Check that ZooKeeper runs there and that the ports match its clientPort; ` +
      'pass --servers host:port,... (or set ZK_SERVERS).',
    timeout:
      `no server answered within ${error.timeoutMs} ms${seen ? ` (${seen})` : ''}. Check that the ` +
      'servers run and are reachable from here, pass --servers host:port,... (or set ' +
      'ZK_SERVERS), or raise --timeout.',
  };
  return new CliError(
    `cannot reach ZooKeeper at ${error.servers}: ${fix[error.failure]}`,
    ExitCode.unreachable,
  );
}

export function connectionLost(servers: string, detail: string): CliError {
  return new CliError(
    `lost ZooKeeper at ${servers} (${detail}). Check the servers, or raise --timeout.`,
    ExitCode.unreachable,
  );
}

export function noSuchPath(path: string, servers: string, hint: string): CliError {
  return new CliError(`no such path ${path} on ${servers}. ${hint}`, ExitCode.failure);
}

export function badServers(detail: string): CliError {
  return new CliError(detail.replace('`servers` option', '--servers value'), ExitCode.usage);
}
