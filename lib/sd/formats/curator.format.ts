import { InstanceDecodeError } from '../errors/instance-decode.error.js';
import { InvalidServiceError } from '../errors/invalid-service.error.js';
import type { ServiceInstance } from '../service-instance.js';
import { validateServiceName } from '../service-validation.js';
import { parseBaseUrl } from './gokit.format.js';
import type { InstanceNode } from './instance-node.js';
import { traitsFromMetadata } from './instance-traits.js';
import { SPRING_INSTANCE_CLASS } from './spring.constants.js';
import { bracketIpv6, parseUriSpec, resolveUriSpec, type UriSpec } from './uri-spec.js';

/** The fields of Curator's `ServiceInstance` JSON, in the order Curator (Jackson) writes them. */
export const CURATOR_FIELDS = Object.freeze([
  'name',
  'id',
  'address',
  'port',
  'sslPort',
  'payload',
  'registrationTimeUTC',
  'serviceType',
  'uriSpec',
] as const);

/** A payload as Curator writes it: a JSON object whose `@class` names its Java class. */
export interface CuratorPayload {
  readonly '@class': string;
  readonly [field: string]: unknown;
}

/** What `encodeCuratorInstance` writes: a complete Curator `ServiceInstance`. */
export interface CuratorInstanceData {
  /** The service name (the node under the base path). */
  readonly name: string;
  /** The instance id, also the instance node's name (a UUID by convention). */
  readonly id: string;
  /** Host or IP consumers reach the instance at. */
  readonly address: string;
  /** The (plain) port; required: Java readers fail on a null port. */
  readonly port: number;
  /** The TLS port, when the instance serves TLS. @default null */
  readonly sslPort?: number;
  /** @default null */
  readonly payload?: CuratorPayload | null;
  /** Epoch milliseconds of the registration. */
  readonly registrationTimeUTC: number;
  /** @default null */
  readonly uriSpec?: UriSpec | null;
}

/**
 * True when `json` is a JSON object carrying Curator's `ServiceInstance` fields (at least three
 * of them, or `serviceType`): such a node is read as Curator/Spring, anything else as go-kit text.
 */
export function isCuratorInstanceJson(json: unknown): json is Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  if (Object.hasOwn(json, 'serviceType')) return true;
  return CURATOR_FIELDS.filter((field) => Object.hasOwn(json, field)).length >= 3;
}

/**
 * Turns a Curator (or Spring Cloud Zookeeper) instance node into an instance. `url` is the
 * resolved `uriSpec` when it gives a URL, else `http://address:port` (`https://address:sslPort`
 * when only an sslPort is given). `metadata` is a Spring payload's `metadata`, or a payload that is
 * a plain object of strings; its `weight`, `zone` and `port.<name>` give the instance's traits.
 * @throws InstanceDecodeError when the address or both ports are missing or invalid.
 */
export function decodeCuratorInstance(
  node: InstanceNode,
  json: Record<string, unknown>,
): ServiceInstance {
  const fail = (reason: string) =>
    new InstanceDecodeError(node.path, `Curator instance JSON ${reason}`);
  const address = json.address;
  if (typeof address !== 'string' || address.trim() === '') throw fail('has no "address"');
  const port = readPort(json, 'port', fail);
  const sslPort = readPort(json, 'sslPort', fail);
  if (port === undefined && sslPort === undefined) {
    throw fail('has neither a "port" nor an "sslPort"');
  }
  const payload = json.payload;
  const spring = isObject(payload) && payload['@class'] === SPRING_INSTANCE_CLASS;
  const metadata = spring
    ? stringEntries(isObject(payload) ? payload.metadata : undefined, false)
    : stringEntries(payload, true);
  const url =
    uriSpecUrl(json, { address, port, sslPort }) ??
    `${port === undefined ? 'https' : 'http'}://${bracketIpv6(address)}:${port ?? sslPort}`;
  const instance: ServiceInstance = {
    id: node.name,
    path: node.path,
    address,
    port: port ?? sslPort,
    url,
    metadata,
    raw: node.data,
    format: spring ? 'spring' : 'curator',
  };
  const traits = traitsFromMetadata(metadata, address);
  if (sslPort === undefined && traits === undefined) return instance;
  return { ...instance, ...(sslPort === undefined ? {} : { sslPort }), ...traits };
}

/**
 * Curator's `ServiceInstance` as UTF-8 JSON, byte for byte as Curator writes it: every field, in
 * Curator's order, `serviceType` DYNAMIC, nulls written out.
 * @throws InvalidServiceError when a field is missing or invalid (never writes a null port).
 */
export function encodeCuratorInstance(data: CuratorInstanceData): Buffer {
  const what = `Curator instance ${JSON.stringify(data?.id)} of ${JSON.stringify(data?.name)}`;
  validateServiceName(data?.name, `${what}: name`);
  validateServiceName(data.id, `${what}: id`);
  if (typeof data.address !== 'string' || data.address.trim() === '') {
    throw new InvalidServiceError(
      `Invalid ${what}: address ${JSON.stringify(data.address)} is empty. Give the host or IP consumers reach it at.`,
    );
  }
  requirePort(data.port, 'port', what);
  if (data.sslPort !== undefined) requirePort(data.sslPort, 'sslPort', what);
  if (!Number.isSafeInteger(data.registrationTimeUTC) || data.registrationTimeUTC < 0) {
    throw new InvalidServiceError(
      `Invalid ${what}: registrationTimeUTC ${JSON.stringify(data.registrationTimeUTC)} is not epoch milliseconds (e.g. Date.now()).`,
    );
  }
  const payload = data.payload ?? null;
  if (payload !== null && (!isObject(payload) || typeof payload['@class'] !== 'string')) {
    throw new InvalidServiceError(
      `Invalid ${what}: a payload must be an object whose "@class" names its Java class (Java readers fail without one), or null.`,
    );
  }
  const json = {
    name: data.name,
    id: data.id,
    address: data.address,
    port: data.port,
    sslPort: data.sslPort ?? null,
    payload,
    registrationTimeUTC: data.registrationTimeUTC,
    serviceType: 'DYNAMIC',
    uriSpec: data.uriSpec ?? null,
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

function requirePort(port: unknown, field: string, what: string): void {
  if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) return;
  throw new InvalidServiceError(
    `Invalid ${what}: ${field} ${JSON.stringify(port)} is not a port number (1-65535). ` +
      'Curator and Spring readers fail on a null or missing port; give the port the instance serves on.',
  );
}

function readPort(
  json: Record<string, unknown>,
  field: 'port' | 'sslPort',
  fail: (reason: string) => Error,
): number | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535)
    return value;
  throw fail(`has an invalid "${field}" ${JSON.stringify(value)}`);
}

/** The resolved uriSpec, when the node has one and it resolves to an absolute URL. */
function uriSpecUrl(
  json: Record<string, unknown>,
  ports: { address: string; port: number | undefined; sslPort: number | undefined },
): string | undefined {
  const spec = parseUriSpec(json.uriSpec);
  if (!spec) return undefined;
  const resolved = resolveUriSpec(spec, {
    ...ports,
    name: typeof json.name === 'string' ? json.name : '',
    id: typeof json.id === 'string' ? json.id : '',
    registrationTimeUTC:
      typeof json.registrationTimeUTC === 'number' ? json.registrationTimeUTC : undefined,
    serviceType: typeof json.serviceType === 'string' ? json.serviceType : undefined,
  }).trim();
  return parseBaseUrl(resolved) ? resolved.replace(/\/+$/, '') : undefined;
}

/**
 * The string entries of an object (without its `@class`). With `allOrNothing`, an object with
 * any other kind of value gives {}: it is a typed Java payload, not a set of labels.
 */
function stringEntries(value: unknown, allOrNothing: boolean): Record<string, string> {
  if (!isObject(value)) return {};
  const entries = Object.entries(value).filter(([key]) => key !== '@class');
  const strings = entries.filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  if (allOrNothing && strings.length !== entries.length) return {};
  return Object.fromEntries(strings);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
