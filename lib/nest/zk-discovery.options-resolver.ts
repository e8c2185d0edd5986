import { Logger, type LoggerService } from '@nestjs/common';
import { checkTimerMs } from '../client/option-checks.js';
import type { ZkClientOptions } from '../client/zk-client.options.js';
import { silentLogger, type ZkLogger } from '../client/zk-logger.js';
import {
  type RegistrationHealthOptions,
  resolveRegistrationHealth,
} from '../sd/registrar/health-gate.js';
import { validateServiceName, validateZnodePath } from '../sd/service-validation.js';
import { checkZkEndpointerConfig } from '../sd/zk-endpointer.options.js';
import {
  REGISTRATION_FORMAT_DEFAULTS,
  type RegistrationFormat,
  resolveRegistrationFormat,
} from './registration-format.options.js';
import { LOGGER_CONTEXT } from './zk-discovery.constants.js';
import { invalidOption, missingPort, unknownOption } from './zk-discovery.messages.js';
import type {
  RegistrationMode,
  ZkDiscoveryModuleOptions,
  ZkEndpointerOptions,
  ZkRegistrationOptions,
} from './zk-discovery.options.js';
import {
  type ResolvedZkDiscoveryMetricsOptions,
  resolveMetricsOptions,
} from './zk-discovery-metrics.options.js';

export interface ResolvedRegistration
  extends Required<
      Omit<
        ZkRegistrationOptions,
        keyof RegistrationFormat | 'data' | 'host' | 'port' | 'health' | 'weight' | 'zone' | 'ports'
      >
    >,
    RegistrationFormat {
  data: ZkRegistrationOptions['data'];
  health: RegistrationHealthOptions | undefined;
  host: string | undefined;
  port: number | undefined;
}

/** The module's options, checked, with every default filled in. */
export interface ResolvedZkDiscoveryOptions {
  client: ZkClientOptions;
  registration: ResolvedRegistration | undefined;
  endpointer: ZkEndpointerOptions & { startupWaitMs: number };
  logger: ZkLogger;
  /** Prometheus metrics, or undefined when off. */
  metrics: ResolvedZkDiscoveryMetricsOptions | undefined;
}

/** How long startup waits for an endpointer's first read, unless `startupWaitMs` says. */
const ENDPOINTER_STARTUP_WAIT_MS = 5000;

export const REGISTRATION_DEFAULTS = {
  scheme: 'http',
  mode: 'listen' as RegistrationMode,
  failFast: true,
  drainDelayMs: 1000,
  deregisterTimeoutMs: 3000,
  ...REGISTRATION_FORMAT_DEFAULTS,
};

/**
 * The option names each object accepts, written as records so the compiler fails when an option
 * is added to (or removed from) its interface and not here: a list once left out
 * `keepProcessAlive`, which the types and docs/options.md accept.
 */
const moduleKeys = Object.keys({
  servers: true,
  sessionTimeoutMs: true,
  connectTimeoutMs: true,
  operationTimeoutMs: true,
  auth: true,
  acl: true,
  keepProcessAlive: true,
  transport: true,
  tls: true,
  allowReadOnly: true,
  registration: true,
  endpointer: true,
  logger: true,
  metrics: true,
} satisfies Record<keyof ZkDiscoveryModuleOptions, true>);
const registrationKeys = Object.keys({
  path: true,
  name: true,
  data: true,
  host: true,
  port: true,
  scheme: true,
  mode: true,
  failFast: true,
  drainDelayMs: true,
  deregisterTimeoutMs: true,
  format: true,
  metadata: true,
  status: true,
  weight: true,
  zone: true,
  ports: true,
  health: true,
} satisfies Record<keyof ZkRegistrationOptions, true>);
const endpointerKeys = Object.keys({
  factory: true,
  balancer: true,
  retry: true,
  invalidateOnErrorMs: true,
  outlierDetection: true,
  emptySetProtection: true,
  startupWaitMs: true,
  zone: true,
  port: true,
} satisfies Record<keyof ZkEndpointerOptions, true>);
const modes: readonly RegistrationMode[] = ['listen', 'bootstrap', 'manual'];
const wildcardHosts = new Set(['', '0.0.0.0', '::', '[::]', '*']);

/**
 * Checks the options given to `forRoot()`/`forRootAsync()`. Every error names the option and the
 * fix; the client's own options are checked when the client is created.
 */
export function resolveZkDiscoveryOptions(
  options: ZkDiscoveryModuleOptions,
): ResolvedZkDiscoveryOptions {
  if (!options || typeof options !== 'object') {
    throw new TypeError(
      invalidOption('', options, 'Pass an object such as { servers: "127.0.0.1:2181" }.'),
    );
  }
  rejectUnknownKeys(options, moduleKeys, '');
  const { registration, endpointer, logger, metrics, ...client } = options;
  const resolved = registration === undefined ? undefined : resolveRegistration(registration);
  return {
    client,
    registration: resolved,
    endpointer: resolveEndpointer(endpointer ?? {}, resolved?.traits.zone),
    logger: toZkLogger(logger),
    metrics: resolveMetricsOptions(metrics),
  };
}

function resolveRegistration(registration: ZkRegistrationOptions): ResolvedRegistration {
  if (!registration || typeof registration !== 'object') {
    throw new TypeError(
      invalidOption('registration', registration, 'Pass { path, name } or leave it out.'),
    );
  }
  rejectUnknownKeys(registration, registrationKeys, 'registration.');
  const mode = registration.mode ?? REGISTRATION_DEFAULTS.mode;
  if (!modes.includes(mode)) {
    throw new TypeError(
      invalidOption('registration.mode', mode, `Use one of ${modes.join(', ')}.`),
    );
  }
  const host = registration.host;
  if (host !== undefined && (typeof host !== 'string' || wildcardHosts.has(host.trim()))) {
    throw new TypeError(
      invalidOption(
        'registration.host',
        host,
        'Give the address consumers reach this instance at, never a wildcard.',
      ),
    );
  }
  const port = registration.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new TypeError(
      invalidOption(
        'registration.port',
        port,
        'Give the port consumers call (1-65535), or leave it out to use the port the HTTP server is bound to.',
      ),
    );
  }
  const path = validateZnodePath(registration.path, 'ZkDiscoveryModule option `registration.path`');
  const name = validateServiceName(
    registration.name,
    'ZkDiscoveryModule option `registration.name`',
  );
  if (mode === 'bootstrap' && port === undefined)
    throw new TypeError(missingPort(`${path}/${name}`));
  const { format, metadata, status, traits } = resolveRegistrationFormat(registration);
  return {
    format,
    metadata,
    status,
    traits,
    path,
    name,
    data: registration.data,
    host,
    port,
    scheme: registration.scheme ?? REGISTRATION_DEFAULTS.scheme,
    mode,
    failFast: registration.failFast ?? REGISTRATION_DEFAULTS.failFast,
    drainDelayMs: nonNegative(
      registration.drainDelayMs,
      'registration.drainDelayMs',
      REGISTRATION_DEFAULTS.drainDelayMs,
    ),
    deregisterTimeoutMs: nonNegative(
      registration.deregisterTimeoutMs,
      'registration.deregisterTimeoutMs',
      REGISTRATION_DEFAULTS.deregisterTimeoutMs,
    ),
    health: registration.health === undefined ? undefined : checkedHealth(registration.health),
  };
}

/** `registration.health`, checked now (startup) rather than when the first check runs. */
function checkedHealth(health: RegistrationHealthOptions): RegistrationHealthOptions {
  resolveRegistrationHealth(health);
  return health;
}

/** The endpointer defaults, checked; the zone preference defaults to the app's own zone. */
function resolveEndpointer(
  endpointer: ZkEndpointerOptions,
  appZone: string | undefined,
): ZkEndpointerOptions & { startupWaitMs: number } {
  rejectUnknownKeys(endpointer, endpointerKeys, 'endpointer.');
  const startupWaitMs = checkEndpointerOptions(endpointer, 'endpointer');
  const zone = endpointer.zone === undefined ? appZone : endpointer.zone;
  return { ...endpointer, zone, startupWaitMs };
}

/**
 * Checks one set of endpointer options (the module's defaults, or one `@InjectEndpointer`'s) the
 * way the endpointer will, and returns its startup wait. `where` prefixes the error's message.
 */
export function checkEndpointerOptions(options: ZkEndpointerOptions, where: string): number {
  try {
    const { startupWaitMs, zone, ...config } = options;
    checkZkEndpointerConfig({ ...config, zone: zone === false ? undefined : zone });
    return checkTimerMs('startupWaitMs', startupWaitMs ?? ENDPOINTER_STARTUP_WAIT_MS, {
      zero: true,
      defaultValue: ENDPOINTER_STARTUP_WAIT_MS,
    });
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      error.message = `ZkDiscoveryModule ${where}: ${error.message}`;
    }
    throw error;
  }
}

function nonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  return checkTimerMs(name, value, { zero: true, defaultValue: fallback });
}

function rejectUnknownKeys(object: object, known: readonly string[], where: string): void {
  const unknown = Object.keys(object).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new TypeError(unknownOption(where, unknown, known));
}

function toZkLogger(logger: LoggerService | false | undefined): ZkLogger {
  if (logger === false) return silentLogger;
  if (!logger) return new Logger(LOGGER_CONTEXT);
  return {
    log: (message) => logger.log(message, LOGGER_CONTEXT),
    warn: (message) => logger.warn(message, LOGGER_CONTEXT),
    error: (message) => logger.error(message, undefined, LOGGER_CONTEXT),
    debug: (message) => logger.debug?.(message, LOGGER_CONTEXT),
  };
}
