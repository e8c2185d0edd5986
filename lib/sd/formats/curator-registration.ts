import { randomUUID } from 'node:crypto';
import { InvalidServiceError } from '../errors/invalid-service.error.js';
import type { ServiceRegistration } from '../service-registration.js';
import { encodeCuratorInstance } from './curator.format.js';
import { curatorNodeFormat } from './curator-node.format.js';
import type { InstanceNodeFormat } from './instance-node-format.js';
import type { InstanceTraits } from './instance-traits.js';
import { encodeSpringInstance } from './spring.format.js';

/**
 * A registration in Curator's or Spring Cloud Zookeeper's format. `weight`, `zone` and `ports`
 * (Spring only) are published in the payload's metadata.
 */
export interface CuratorRegistrationSpec extends InstanceTraits {
  /** `'curator'`: a plain Curator `ServiceInstance` (payload null); `'spring'`: Spring's. */
  format: 'curator' | 'spring';
  /** Curator's base path, e.g. `/services` (Spring's default). */
  basePath: string;
  /** The service name: instances are `basePath/name/<id>`. */
  name: string;
  /** Host or IP consumers reach this instance at. */
  address: string;
  /** The port consumers call. */
  port: number;
  /** The TLS port, when the instance serves TLS (Curator's `scheme` variable becomes https). */
  sslPort?: number;
  /** The instance id and node name. @default a random UUID */
  id?: string;
  /** Spring only: labels for consumers (`metadata` of the payload). @default {} */
  metadata?: Readonly<Record<string, string>>;
  /** Spring only: `metadata.instance_status`. @default 'UP' */
  status?: string;
  /** @default Date.now() */
  registrationTimeUTC?: number;
}

/** What only the Spring format can publish (in its payload's metadata). */
export const SPRING_ONLY_FIELDS = Object.freeze([
  'metadata',
  'status',
  'weight',
  'zone',
  'ports',
] as const);

/** What to hand a `Registrar`: `new Registrar(client, service, { format })`. */
export interface CuratorRegistration {
  /** `{ path: basePath, name, data }`: the registrar writes under `basePath/name`. */
  readonly service: ServiceRegistration;
  /** Writes `basePath/name/<id>`, ephemeral, with container parents. */
  readonly format: InstanceNodeFormat;
  /** The instance id (node name and JSON `id`), the same for every re-registration. */
  readonly id: string;
}

/**
 * Builds a complete Curator or Spring registration: JSON validated and encoded once (a stable id
 * and registration time), and the node format that writes it where Java consumers look.
 *
 * ```ts
 * const { service, format } = curatorRegistration({ format: 'spring', basePath: '/services',
 *   name: 'hello', address: '10.0.0.5', port: 8080, metadata: { zone: 'eu-1' } });
 * await new Registrar(client, service, { format }).register();
 * ```
 * @throws InvalidServiceError when a field is missing or invalid (nothing is written).
 */
export function curatorRegistration(spec: CuratorRegistrationSpec): CuratorRegistration {
  const id = spec.id ?? randomUUID();
  const registrationTimeUTC = spec.registrationTimeUTC ?? Date.now();
  const common = {
    name: spec.name,
    id,
    address: spec.address,
    port: spec.port,
    sslPort: spec.sslPort,
    registrationTimeUTC,
  };
  let data: Buffer;
  if (spec.format === 'spring') {
    data = encodeSpringInstance({
      ...common,
      metadata: spec.metadata,
      status: spec.status,
      weight: spec.weight,
      zone: spec.zone,
      ports: spec.ports,
    });
  } else if (spec.format === 'curator') {
    const springOnly = SPRING_ONLY_FIELDS.filter((key) => spec[key] !== undefined);
    if (springOnly.length > 0) {
      throw new InvalidServiceError(
        `Invalid Curator registration of ${JSON.stringify(spec.name)}: ${springOnly.join(', ')} can only be published in format "spring" ` +
          "(a plain Curator payload is typed by each consumer's Java class, so none is written).",
      );
    }
    data = encodeCuratorInstance(common);
  } else {
    throw new InvalidServiceError(
      `Invalid registration format ${JSON.stringify(spec.format)}: use "curator" or "spring".`,
    );
  }
  return {
    service: { path: spec.basePath, name: spec.name, data },
    format: curatorNodeFormat(id, spec.format),
    id,
  };
}
