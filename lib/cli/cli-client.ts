import { ZkConnectError } from '../client/errors/zk-connect.error.js';
import {
  ZkClosedError,
  ZkConnectionLossError,
  ZkSessionExpiredError,
  ZkTimeoutError,
} from '../client/errors/zk-operation.errors.js';
import { ZkClient } from '../client/zk-client.js';
import { silentLogger, type ZkLogger } from '../client/zk-logger.js';
import { badServers, CliError, connectionLost, ExitCode, unreachable } from './cli-errors.js';
import type { GlobalOptions } from './cli-options.js';

/**
 * Connects to the ensemble of `options`, bounded by `timeoutMs`.
 * @throws CliError: unreachable servers (exit 2), a malformed `--servers` (exit 64).
 */
export async function connectCli(
  options: GlobalOptions,
  logger: ZkLogger = silentLogger,
): Promise<ZkClient> {
  try {
    return await ZkClient.connect({
      servers: options.servers,
      connectTimeoutMs: options.timeoutMs,
      operationTimeoutMs: options.timeoutMs,
      logger,
      // `watch` runs until interrupted with nothing but the session to keep it alive.
      keepProcessAlive: true,
    });
  } catch (error) {
    if (error instanceof TypeError) throw badServers(error.message);
    throw toCliError(error, options);
  }
}

/** Any failure as the message and exit code the CLI reports. */
export function toCliError(error: unknown, options: GlobalOptions): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ZkConnectError) return unreachable(error);
  if (
    error instanceof ZkConnectionLossError ||
    error instanceof ZkTimeoutError ||
    error instanceof ZkSessionExpiredError ||
    error instanceof ZkClosedError
  ) {
    return connectionLost(options.servers, error.message);
  }
  return new CliError(error instanceof Error ? error.message : String(error), ExitCode.failure);
}
