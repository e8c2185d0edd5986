import { consoleLogger, type ZkLogger } from './zk-logger.js';
import type { ZkAclEntry } from './zk-native.js';

export type { ZkLogger };

/** Credentials added to every session (`addauth`). Only the scheme is ever logged. */
export interface ZkAuth {
  /** Auth scheme; ZooKeeper ships `digest`. */
  scheme: string;
  /** For `digest`: `user:password`. Never logged, never part of an error message. */
  credentials: string;
}

export interface ZkClientOptions {
  /**
   * The ensemble: `'host:port,host:port'` or an array of `host:port`. An optional chroot suffix
   * (`'h:2181/app'`) is passed to ZooKeeper as is.
   */
  servers: string | readonly string[];
  /** Session timeout asked of the server (it clamps it to its min/max). @default 30000 */
  sessionTimeoutMs?: number;
  /** How long `connect()` waits for a first session before it fails. @default 10000 */
  connectTimeoutMs?: number;
  /** Bound on every single operation; a slower answer rejects with `ZkTimeoutError`. @default 10000 */
  operationTimeoutMs?: number;
  /** Credentials added to each new session, before anything else is sent. @default [] */
  auth?: readonly ZkAuth[];
  /**
   * ACL applied to nodes this client creates. @default open (world:anyone, all permissions);
   * see `ZkAcls.creatorAllWorldRead()` for nodes only their owner may change.
   */
  acl?: readonly ZkAclEntry[];
  /** Logger for state changes and warnings. @default a logger printing warnings and errors to the console */
  logger?: ZkLogger;
  /**
   * Whether the open session alone keeps the process alive. With `false`, the client acts like an
   * unref'd socket: once nothing else keeps the event loop alive (no server, socket, timer...),
   * it closes its session (ephemeral nodes go at once) and the process can exit, as it would
   * without the client. Set `true` for a process that only watches ZooKeeper. @default false
   */
  keepProcessAlive?: boolean;
}

export interface ResolvedZkClientOptions {
  connectString: string;
  sessionTimeoutMs: number;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  auth: readonly ZkAuth[];
  acl: readonly ZkAclEntry[] | undefined;
  logger: ZkLogger;
  keepProcessAlive: boolean;
}

export const ZK_CLIENT_DEFAULTS = {
  sessionTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  operationTimeoutMs: 10_000,
} as const;

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * Validates and normalises the options. Every error names the option, the value and the fix;
 * credentials are never echoed.
 */
export function resolveZkClientOptions(options: ZkClientOptions): ResolvedZkClientOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      'ZkClient options must be an object such as { servers: "127.0.0.1:2181" }.',
    );
  }
  return {
    connectString: toConnectString(options.servers),
    sessionTimeoutMs: positiveMs(options, 'sessionTimeoutMs'),
    connectTimeoutMs: positiveMs(options, 'connectTimeoutMs'),
    operationTimeoutMs: positiveMs(options, 'operationTimeoutMs'),
    auth: validateAuth(options.auth ?? []),
    acl: options.acl && options.acl.length > 0 ? options.acl : undefined,
    logger: options.logger ?? consoleLogger('ZkClient'),
    keepProcessAlive: options.keepProcessAlive === true,
  };
}

function toConnectString(servers: ZkClientOptions['servers']): string {
  const raw =
    typeof servers === 'string' ? servers : Array.isArray(servers) ? servers.join(',') : '';
  const chrootAt = raw.indexOf('/');
  const hosts = chrootAt === -1 ? raw : raw.slice(0, chrootAt);
  const chroot = chrootAt === -1 ? '' : raw.slice(chrootAt);
  const entries = hosts.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isHostPort(entry));
  if (raw.trim() === '' || bad.length > 0) {
    throw new TypeError(
      `Invalid ZooKeeper \`servers\` option ${JSON.stringify(servers)}: ` +
        (raw.trim() === ''
          ? 'it is empty'
          : `${bad.map((b) => JSON.stringify(b)).join(', ')} is not host:port`) +
        '. Give a comma-separated list such as "10.0.0.1:2181,10.0.0.2:2181" or an array of host:port.',
    );
  }
  if (chroot !== '' && (chroot.endsWith('/') || chroot.includes('//'))) {
    throw new TypeError(
      `Invalid chroot "${chroot}" in the \`servers\` option: use an absolute path without a trailing slash, e.g. "/app".`,
    );
  }
  return entries.join(',') + chroot;
}

function isHostPort(entry: string): boolean {
  const match = HOST_PORT.exec(entry);
  if (!match) return false;
  const port = Number(match[2]);
  return port > 0 && port < 65536;
}

function positiveMs(options: ZkClientOptions, key: keyof typeof ZK_CLIENT_DEFAULTS): number {
  const value = options[key];
  if (value === undefined) return ZK_CLIENT_DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `Invalid ZooKeeper option \`${key}\`: ${String(value)}. Give a positive number of milliseconds ` +
        `(default ${ZK_CLIENT_DEFAULTS[key]}).`,
    );
  }
  return Math.round(value);
}

function validateAuth(auth: readonly ZkAuth[]): readonly ZkAuth[] {
  auth.forEach((entry, index) => {
    if (!entry || typeof entry.scheme !== 'string' || entry.scheme === '') {
      throw new TypeError(
        `Invalid ZooKeeper option \`auth[${index}].scheme\`: give a scheme such as "digest".`,
      );
    }
    if (typeof entry.credentials !== 'string' || entry.credentials === '') {
      throw new TypeError(
        `Invalid ZooKeeper option \`auth[${index}].credentials\`: give a non-empty string (for digest: "user:password").`,
      );
    }
    if (entry.scheme === 'digest' && !entry.credentials.includes(':')) {
      throw new TypeError(
        `Invalid ZooKeeper option \`auth[${index}].credentials\` for scheme digest: expected "user:password" (value not shown).`,
      );
    }
  });
  return auth;
}
