import { instanceStatus } from '../sd/formats/instance-status.js';
import type { ReadFormat } from '../sd/instance-format.js';
import type { NamedPort, ServiceInstance } from '../sd/service-instance.js';

/** One instance as the CLI prints it (also its JSON shape): no undefined, only null. */
export interface InstanceView {
  readonly id: string;
  readonly path: string;
  readonly format: ReadFormat | null;
  readonly address: string;
  readonly port: number | null;
  readonly sslPort: number | null;
  readonly url: string | null;
  /**
   * Spring's `instance_status`, Finagle's `status`, `DISABLED` or `WEIGHT_0` for a Dubbo provider
   * taking no traffic; null otherwise (go-kit, Curator, an enabled Dubbo provider).
   */
  readonly status: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** Its weight (1 when it publishes none). */
  readonly weight: number;
  readonly zone: string | null;
  /** Its named ports, `{ grpc: { address, port } }`. */
  readonly ports: Readonly<Record<string, NamedPort>>;
}

/** An instance in `ls`: its view, with what the node's stat says. */
export interface ListedInstance extends InstanceView {
  /** The node's creation time (ISO 8601). */
  readonly createdAt: string;
  /** Milliseconds since the node was created. */
  readonly ageMs: number;
  /** The session holding the ephemeral node (`0x...`). */
  readonly sessionOwner: string;
}

/** A child node that is not a usable instance (broken data). */
export interface SkippedNode {
  readonly id: string;
  readonly path: string;
  readonly reason: string;
}

/** A service: a node with instance children (or an empty leaf). */
export interface ListedService {
  readonly path: string;
  readonly instances: readonly ListedInstance[];
  readonly skipped: readonly SkippedNode[];
}

export function instanceView(instance: ServiceInstance): InstanceView {
  return {
    id: instance.id,
    path: instance.path,
    format: instance.format ?? null,
    address: instance.address,
    port: instance.port ?? null,
    sslPort: instance.sslPort ?? null,
    url: instance.url ?? null,
    status: instanceStatus(instance) ?? null,
    metadata: instance.metadata,
    weight: instance.weight ?? 1,
    zone: instance.zone ?? null,
    ports: instance.ports ?? {},
  };
}

/** Weight, zone and named ports for humans: `weight=3 zone=eu-1a grpc:9090`, '' when all unset. */
export function traitsOf(view: InstanceView): string {
  const parts: string[] = [];
  if (view.weight !== 1) parts.push(`weight=${view.weight}`);
  if (view.zone !== null) parts.push(`zone=${view.zone}`);
  for (const [name, named] of Object.entries(view.ports)) {
    const host = named.address === view.address ? '' : named.address;
    parts.push(`${name}=${host.includes(':') ? `[${host}]` : host}:${named.port}`);
  }
  return parts.join(' ');
}

/** The longest id shown whole in a table: a go-kit node name (`_c_<32 hex>-<10 digits>`). */
const ID_CHARS = 46;

/**
 * An instance id for humans: cut with `…` past 46 characters (a Dubbo provider's id is its
 * URL-encoded URL, hundreds of characters long; `--json` has it whole).
 */
export function displayId(id: string): string {
  return id.length > ID_CHARS ? `${id.slice(0, ID_CHARS - 1)}…` : id;
}

/** `42s`, `5m`, `3h`, `2d`: the largest whole unit. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** `address:port` for humans ('-' parts when unknown). */
export function endpointOf(view: InstanceView): string {
  const host = view.address.includes(':') ? `[${view.address}]` : view.address;
  return `${host || '-'}:${view.port ?? '-'}`;
}
