import { InvalidArgumentError } from 'commander';

/** The ensemble used when neither `--servers` nor `ZK_SERVERS` names one. */
export const DEFAULT_SERVERS = '127.0.0.1:2181';
/** Bound on the connect and on every operation, unless `--timeout` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The options every command shares. */
export interface GlobalOptions {
  /** `host:port,...`: `--servers`, else `ZK_SERVERS`, else 127.0.0.1:2181. */
  readonly servers: string;
  /** Connect and operation timeout. */
  readonly timeoutMs: number;
  /** Machine-readable output. */
  readonly json: boolean;
}

/** What commander hands over for the shared options. */
export interface RawGlobalOptions {
  servers?: string;
  timeout?: number;
  json?: boolean;
}

/** The shared options with the environment and defaults applied. */
export function globalOptions(
  raw: RawGlobalOptions,
  env: Readonly<Record<string, string | undefined>>,
): GlobalOptions {
  const fromEnv = env.ZK_SERVERS?.trim();
  return {
    servers: raw.servers ?? (fromEnv ? fromEnv : DEFAULT_SERVERS),
    timeoutMs: raw.timeout ?? DEFAULT_TIMEOUT_MS,
    json: raw.json ?? false,
  };
}

/** Commander argument parser for a positive number of milliseconds. */
export function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError(`expected a positive whole number of milliseconds, e.g. 5000.`);
  }
  return ms;
}

/** Commander argument parser for a depth (0-20). */
export function parseDepth(value: string): number {
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 0 || depth > 20) {
    throw new InvalidArgumentError('expected a whole number from 0 to 20.');
  }
  return depth;
}

/** Commander argument parser for an absolute znode path. */
export function parsePath(value: string): string {
  if (!value.startsWith('/')) {
    throw new InvalidArgumentError(
      `"${value}" is relative; give an absolute path such as /services.`,
    );
  }
  return value.length > 1 && value.endsWith('/') ? value.replace(/\/+$/, '') || '/' : value;
}
