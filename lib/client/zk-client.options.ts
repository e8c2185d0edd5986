import { checkTimerMs } from './option-checks.js';
import type { ZkAclEntry } from './zk-codes.js';
import { consoleLogger, silentLogger, type ZkLogger } from './zk-logger.js';

export type { ZkLogger };

/** Credentials added to every session (`addauth`). Only the scheme is ever logged. */
export interface ZkAuth {
  /** Auth scheme; ZooKeeper ships `digest`. */
  scheme: string;
  /** For `digest`: `user:password`. Never logged, never part of an error message. */
  credentials: string;
}

/** Which client speaks to ZooKeeper. */
export type ZkTransport = 'protocol' | 'native';

/** TLS to servers' `secureClientPort` (protocol transport). PEM text or buffers. */
export interface ZkTlsOptions {
  /** CA certificates to trust. @default Node's bundled CAs */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Client certificate, for servers that ask for one (`ssl.clientAuth`). */
  cert?: string | Buffer;
  /** The client certificate's private key. */
  key?: string | Buffer;
  /** Name checked against the server's certificate. @default the host of the connect string */
  servername?: string;
}

/** Environment variable that sets the default of `transport` for a whole process. */
export const ZK_TRANSPORT_ENV = 'ZK_DISCOVERY_TRANSPORT';

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
  /**
   * Logger for state changes and warnings: `{ log, warn, error, debug? }`, or `false` for none.
   * @default a logger printing warnings and errors to the console
   */
  logger?: ZkLogger | false;
  /**
   * Whether the open session alone keeps the process alive. With `false`, the client acts like an
   * unref'd socket: once nothing else keeps the event loop alive (no server, socket, timer...),
   * it closes its session (ephemeral nodes go at once) and the process can exit, as it would
   * without the client. Set `true` for a process that only watches ZooKeeper. @default false
   */
  keepProcessAlive?: boolean;
  /**
   * `'protocol'`: our own TypeScript client of ZooKeeper's wire protocol (no native build; TLS,
   * `multi`, `addWatch`). `'native'`: the `zookeeper` package's C client (install it yourself).
   * @default 'protocol', or the `ZK_DISCOVERY_TRANSPORT` environment variable when set
   */
  transport?: ZkTransport;
  /** TLS to the servers' `secureClientPort` (protocol transport only). @default plain TCP */
  tls?: ZkTlsOptions;
  /**
   * Whether a read-only server (one cut off from its quorum, `readonlymode.enabled`) may serve
   * this client; writes then fail. Protocol transport only. @default false
   */
  allowReadOnly?: boolean;
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
  transport: ZkTransport;
  tls: ZkTlsOptions | undefined;
  allowReadOnly: boolean;
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
    logger: checkedLogger(options.logger),
    keepProcessAlive: options.keepProcessAlive === true,
    ...transportOptions(options),
  };
}

function transportOptions(
  options: ZkClientOptions,
): Pick<ResolvedZkClientOptions, 'transport' | 'tls' | 'allowReadOnly'> {
  const fromEnv = process.env[ZK_TRANSPORT_ENV];
  const transport = options.transport ?? (fromEnv || 'protocol');
  if (transport !== 'protocol' && transport !== 'native') {
    const where =
      options.transport === undefined
        ? `the ${ZK_TRANSPORT_ENV} environment variable`
        : 'the `transport` option';
    throw new TypeError(
      `Invalid ZooKeeper transport ${JSON.stringify(transport)} in ${where}: give 'protocol' ` +
        "(the default) or 'native' (the `zookeeper` package's C client).",
    );
  }
  if (options.tls !== undefined && (options.tls === null || typeof options.tls !== 'object')) {
    throw new TypeError(
      'Invalid ZooKeeper option `tls`: give an object such as { ca, cert, key } (PEM text).',
    );
  }
  if (transport === 'native' && (options.tls || options.allowReadOnly)) {
    throw new TypeError(
      `The ZooKeeper option \`${options.tls ? 'tls' : 'allowReadOnly'}\` needs transport: ` +
        "'protocol'; the native transport has no such setting.",
    );
  }
  if (options.allowReadOnly !== undefined && typeof options.allowReadOnly !== 'boolean') {
    throw new TypeError('Invalid ZooKeeper option `allowReadOnly`: give true or false.');
  }
  return { transport, tls: options.tls, allowReadOnly: options.allowReadOnly === true };
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
  return Math.round(checkTimerMs(key, value, { defaultValue: ZK_CLIENT_DEFAULTS[key] }));
}

function checkedLogger(logger: ZkLogger | false | undefined): ZkLogger {
  if (logger === undefined) return consoleLogger('ZkClient');
  if (logger === false) return silentLogger;
  const missing = (['log', 'warn', 'error'] as const).filter(
    (level) => typeof logger?.[level] !== 'function',
  );
  if (missing.length > 0) {
    throw new TypeError(
      `Invalid ZooKeeper option \`logger\`: it has no ${missing.join(', ')} function. Give an ` +
        'object with log, warn and error (and optionally debug) functions, such as ' +
        "consoleLogger('ZkClient'), or false (silentLogger) for none.",
    );
  }
  return logger;
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
