import { InvalidServiceError } from '../errors/invalid-service.error.js';
import { INSTANCE_FORMATS, type InstanceFormat, READ_ONLY_FORMATS } from '../instance-format.js';
import type { ServiceRegistration } from '../service-registration.js';
import { curatorRegistration } from './curator-registration.js';
import type { InstanceNodeFormat } from './instance-node-format.js';
import type { InstanceTraits } from './instance-traits.js';

/** The address an instance is reached at, as its registration advertises it. */
export interface AdvertisedAddress {
  scheme: string;
  host: string;
  port: number;
}

/** A registration in any of the formats, before it is written. */
export interface RegistrationInFormatSpec {
  format: InstanceFormat;
  /** go-kit: the parent of the service node; Curator and Spring: the base path. */
  path: string;
  name: string;
  address: AdvertisedAddress;
  /** go-kit only: the node's data. */
  data: Buffer | string;
  /** Spring only. */
  metadata?: Readonly<Record<string, string>>;
  /** Spring only. */
  status?: string;
  /** Spring only: weight, zone and named ports, in the metadata. */
  traits?: InstanceTraits;
}

/**
 * What to hand a `Registrar` for a registration in `format`: go-kit's node holds `data`;
 * Curator's and Spring's JSON (and their node `path/name/<uuid>`) come from the address.
 */
export function registrationInFormat(spec: RegistrationInFormatSpec): {
  service: ServiceRegistration;
  format: InstanceNodeFormat | undefined;
} {
  if (!INSTANCE_FORMATS.includes(spec.format)) {
    const readOnly = (READ_ONLY_FORMATS as readonly unknown[]).includes(spec.format)
      ? ` ${JSON.stringify(spec.format)} is read (${READ_ONLY_FORMATS.join(', ')}) but never written.`
      : '';
    throw new InvalidServiceError(
      `Invalid registration format ${JSON.stringify(spec.format)} for ${JSON.stringify(spec.name)}:${readOnly} Use one of ${INSTANCE_FORMATS.join(', ')}.`,
    );
  }
  if (spec.format === 'gokit') {
    const carried = Object.entries(spec.traits ?? {}).filter(([, value]) => value !== undefined);
    if (carried.length > 0) {
      throw new InvalidServiceError(
        `Invalid go-kit registration of ${JSON.stringify(spec.name)}: ${carried.map(([key]) => key).join(', ')} cannot be carried. ` +
          "A go-kit node holds only the instance's URL, which go-kit consumers hand to their factory as is; use format 'spring' to publish them.",
      );
    }
    return { service: { path: spec.path, name: spec.name, data: spec.data }, format: undefined };
  }
  return curatorRegistration({
    format: spec.format,
    basePath: spec.path,
    name: spec.name,
    address: spec.address.host,
    port: spec.address.port,
    sslPort: spec.address.scheme === 'https' ? spec.address.port : undefined,
    ...(spec.format === 'spring' ? { metadata: spec.metadata, status: spec.status } : {}),
    // A Curator registration rejects them with a clear error: it has no place for them.
    ...spec.traits,
  });
}
