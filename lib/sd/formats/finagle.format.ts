import { InstanceDecodeError } from '../errors/instance-decode.error.js';
import type { NamedPort, ServiceInstance } from '../service-instance.js';
import type { InstanceNode } from './instance-node.js';
import { traitsFromMetadata } from './instance-traits.js';
import { bracketIpv6 } from './uri-spec.js';

/** The metadata key holding a serverset member's `status`. */
export const FINAGLE_STATUS_KEY = 'status';
/** The metadata key holding a serverset member's `shard`. */
export const FINAGLE_SHARD_KEY = 'shard';
/** The status of a member that takes traffic: Finagle's resolver keeps only these. */
export const FINAGLE_STATUS_ALIVE = 'ALIVE';
/** A member without a status: Finagle reads it as UNKNOWN, which takes no traffic. */
export const FINAGLE_STATUS_UNKNOWN = 'UNKNOWN';

/**
 * True when `json` is a serverset member, Twitter's `ServiceInstance` as JSON: a top-level
 * `serviceEndpoint` object. Curator's JSON never has one (its fields are `name`, `id`, `address`,
 * `port`...), and a JSON carrying Curator's fields is read as Curator's first.
 */
export function isFinagleServersetJson(json: Record<string, unknown>): boolean {
  return isObject(json.serviceEndpoint);
}

/**
 * Turns a Finagle / Aurora serverset member (`member_<seq>`) into an instance: `address` and
 * `port` from `serviceEndpoint`, `ports` from `additionalEndpoints` (an entry without a host and
 * a port is left out), `url` `http://host:port`, and in `metadata` its `status` (`UNKNOWN` when
 * absent), its `shard`, and the string entries of a `metadata` object (newer Finagle writes one;
 * its `weight` and `zone` are read as traits).
 * @throws InstanceDecodeError when `serviceEndpoint` has no host or no valid port.
 */
export function decodeFinagleMember(
  node: InstanceNode,
  json: Record<string, unknown>,
): ServiceInstance {
  const main = endpointOf(json.serviceEndpoint);
  if (!main) {
    throw new InstanceDecodeError(
      node.path,
      `Finagle serverset member has no "serviceEndpoint" with a "host" and a "port" (1-65535): ${JSON.stringify(json.serviceEndpoint)}`,
    );
  }
  const metadata: Record<string, string> = stringEntries(json.metadata);
  metadata[FINAGLE_STATUS_KEY] =
    typeof json.status === 'string' ? json.status : FINAGLE_STATUS_UNKNOWN;
  if (Number.isInteger(json.shard)) metadata[FINAGLE_SHARD_KEY] = String(json.shard);
  const traits = traitsFromMetadata(metadata, main.address);
  const additional = additionalPorts(json.additionalEndpoints);
  const ports =
    traits?.ports || additional ? Object.freeze({ ...traits?.ports, ...additional }) : undefined;
  return {
    id: node.name,
    path: node.path,
    address: main.address,
    port: main.port,
    url: `http://${bracketIpv6(main.address)}:${main.port}`,
    metadata: Object.freeze(metadata),
    raw: node.data,
    format: 'finagle',
    ...traits,
    ...(ports ? { ports } : {}),
  };
}

function additionalPorts(value: unknown): Record<string, NamedPort> | undefined {
  if (!isObject(value)) return undefined;
  const ports = new Map<string, NamedPort>();
  for (const [name, endpoint] of Object.entries(value)) {
    const named = endpointOf(endpoint);
    if (named && name.trim() !== '') ports.set(name, named);
  }
  return ports.size === 0 ? undefined : Object.fromEntries(ports);
}

/** `{"host": "10.0.0.5", "port": 8080}` as a named port, or undefined. */
function endpointOf(value: unknown): NamedPort | undefined {
  if (!isObject(value)) return undefined;
  const { host, port } = value;
  if (typeof host !== 'string' || host.trim() === '') return undefined;
  if (!(Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)) {
    return undefined;
  }
  return { address: host, port: port as number };
}

function stringEntries(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
