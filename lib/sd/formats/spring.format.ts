import { InvalidServiceError } from '../errors/invalid-service.error.js';
import { type CuratorPayload, encodeCuratorInstance } from './curator.format.js';
import {
  type InstanceTraits,
  metadataTraitsProblem,
  traitsProblem,
  traitsToMetadata,
} from './instance-traits.js';
import { SPRING_INSTANCE_CLASS, SPRING_STATUS_KEY, SPRING_STATUS_UP } from './spring.constants.js';
import { SPRING_URI_SPEC } from './uri-spec.js';

/**
 * What `encodeSpringInstance` writes: a Spring Cloud Zookeeper registration. Its `weight`, `zone`
 * and `ports` are published in the metadata (`weight`, `zone`, `port.<name>`).
 */
export interface SpringInstanceData extends InstanceTraits {
  /** `spring.application.name`: the service name. */
  readonly name: string;
  /** The instance id, also the instance node's name (a UUID by convention). */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  /** @default null */
  readonly sslPort?: number;
  /** The payload's `id`, Spring's application context id. @default `name` */
  readonly appId?: string;
  /** Labels for consumers (string values only); `instance_status` is set from `status`. @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Published as `metadata.instance_status`; only `UP` instances take traffic. @default 'UP' */
  readonly status?: string;
  /** Epoch milliseconds of the registration. */
  readonly registrationTimeUTC: number;
}

/**
 * Spring Cloud Zookeeper's instance JSON: Curator's fields with a `ZookeeperInstance` payload
 * (`id`, `name`, `metadata` with `instance_status` first) and the uriSpec
 * `{scheme}://{address}:{port}`.
 * @throws InvalidServiceError when a field is missing or invalid.
 */
export function encodeSpringInstance(data: SpringInstanceData): Buffer {
  const status = data.status ?? SPRING_STATUS_UP;
  const where = `Spring instance ${JSON.stringify(data.id)} of ${JSON.stringify(data.name)}`;
  if (!isValidSpringStatus(status)) {
    throw new InvalidServiceError(
      `Invalid ${where}: status ${JSON.stringify(status)} is empty. Use "UP", or e.g. "OUT_OF_SERVICE" to take no traffic.`,
    );
  }
  const metadata = validateMetadata(data.metadata ?? {}, where);
  const traits = { weight: data.weight, zone: data.zone, ports: data.ports };
  const problem = traitsProblem(traits) ?? metadataTraitsProblem(metadata, traits);
  if (problem) {
    throw new InvalidServiceError(
      `Invalid ${where}: ${problem.field} ${JSON.stringify(problem.value)}. ${problem.fix}`,
    );
  }
  const payload: CuratorPayload = {
    '@class': SPRING_INSTANCE_CLASS,
    id: data.appId ?? data.name,
    name: data.name,
    metadata: { [SPRING_STATUS_KEY]: status, ...metadata, ...traitsToMetadata(traits) },
  };
  return encodeCuratorInstance({
    name: data.name,
    id: data.id,
    address: data.address,
    port: data.port,
    sslPort: data.sslPort,
    payload,
    registrationTimeUTC: data.registrationTimeUTC,
    uriSpec: SPRING_URI_SPEC,
  });
}

/**
 * The one rule for Spring registration metadata: an object of string values, without
 * `instance_status` (set from `status`). What is wrong with `metadata`, or undefined; callers word
 * the error (this module for the core, the Nest options resolver in option names). The traits'
 * keys (`weight`, `zone`, `port.<name>`) are checked by `metadataTraitsProblem`.
 */
export type MetadataProblem =
  | { kind: 'not-an-object' }
  | { kind: 'not-a-string'; key: string; value: unknown }
  | { kind: 'status-key'; key: string; value: unknown };

export function metadataProblem(metadata: unknown): MetadataProblem | undefined {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return { kind: 'not-an-object' };
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') return { kind: 'not-a-string', key, value };
    if (key === SPRING_STATUS_KEY) return { kind: 'status-key', key, value };
  }
  return undefined;
}

/** The rule for a Spring status: a non-empty string (`UP` takes traffic, anything else not). */
export function isValidSpringStatus(status: unknown): status is string {
  return typeof status === 'string' && status.trim() !== '';
}

/**
 * Checks registration metadata ({@link metadataProblem}) and returns a copy.
 * @throws InvalidServiceError naming the offending key.
 */
export function validateMetadata(
  metadata: unknown,
  where: string,
): Readonly<Record<string, string>> {
  const problem = metadataProblem(metadata);
  if (problem?.kind === 'not-an-object') {
    throw new InvalidServiceError(
      `Invalid ${where}: metadata must be an object of strings such as { zone: "eu-1" }, got ${JSON.stringify(metadata)}.`,
    );
  }
  if (problem?.kind === 'not-a-string') {
    throw new InvalidServiceError(
      `Invalid ${where}: metadata.${problem.key} is ${JSON.stringify(problem.value)}; metadata values must be strings (Spring reads a Map<String, String>).`,
    );
  }
  if (problem?.kind === 'status-key') {
    throw new InvalidServiceError(
      `Invalid ${where}: metadata.${SPRING_STATUS_KEY} is set from the status option; give status: ${JSON.stringify(problem.value)} instead.`,
    );
  }

  return { ...(metadata as Record<string, string>) };
}
