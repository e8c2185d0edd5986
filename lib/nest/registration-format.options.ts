import { SPRING_ONLY_FIELDS } from '../sd/formats/curator-registration.js';
import {
  type InstanceTraits,
  metadataTraitsProblem,
  traitsProblem,
} from '../sd/formats/instance-traits.js';
import { isValidSpringStatus, metadataProblem } from '../sd/formats/spring.format.js';
import { INSTANCE_FORMATS, type InstanceFormat, READ_ONLY_FORMATS } from '../sd/instance-format.js';
import { invalidOption } from './zk-discovery.messages.js';
import type { ZkRegistrationOptions } from './zk-discovery.options.js';

/** What a registration writes and where each format keeps it, checked. */
export interface RegistrationFormat {
  format: InstanceFormat;
  metadata: Record<string, string>;
  status: string;
  /** Weight, zone and named ports, as given. */
  traits: InstanceTraits;
}

export const REGISTRATION_FORMAT_DEFAULTS = {
  format: 'gokit' as InstanceFormat,
  status: 'UP',
};

/**
 * `format`, `metadata`, `status` and the traits (`weight`, `zone`, `ports`): all but the format
 * only where the format can carry them.
 */
export function resolveRegistrationFormat(registration: ZkRegistrationOptions): RegistrationFormat {
  const format = registration.format ?? REGISTRATION_FORMAT_DEFAULTS.format;
  if (!INSTANCE_FORMATS.includes(format)) {
    const readOnly = (READ_ONLY_FORMATS as readonly unknown[]).includes(format)
      ? `'${format}' is a format this library reads (${READ_ONLY_FORMATS.join(', ')}) but never writes. `
      : '';
    throw new TypeError(
      invalidOption(
        'registration.format',
        format,
        `${readOnly}Use one of ${INSTANCE_FORMATS.join(', ')}.`,
      ),
    );
  }
  if (format !== 'gokit' && registration.data !== undefined) {
    throw new TypeError(
      invalidOption(
        'registration.data',
        typeof registration.data,
        `With format '${format}' the node holds Curator's JSON, built from host, port and scheme; leave data out.`,
      ),
    );
  }
  for (const key of SPRING_ONLY_FIELDS) {
    if (registration[key] !== undefined && format !== 'spring') {
      throw new TypeError(
        invalidOption(
          `registration.${key}`,
          registration[key],
          `Only format 'spring' publishes ${key} (${noPlaceIn(format)}); set registration.format: 'spring'.`,
        ),
      );
    }
  }
  const traits = {
    weight: registration.weight,
    zone: registration.zone,
    ports: registration.ports,
  };
  const traitProblem = traitsProblem(traits);
  if (traitProblem) {
    throw new TypeError(
      invalidOption(`registration.${traitProblem.field}`, traitProblem.value, traitProblem.fix),
    );
  }
  // The rules are the core's (sd/formats/spring.format.ts); only the wording is the options'.
  const metadata = registration.metadata ?? {};
  const problem = metadataProblem(metadata);
  if (problem) {
    const badKey = problem.kind === 'not-an-object' ? undefined : problem.key;
    throw new TypeError(
      invalidOption(
        badKey ? `registration.metadata.${badKey}` : 'registration.metadata',
        badKey ? metadata[badKey] : metadata,
        problem.kind === 'status-key'
          ? 'Set the status with registration.status.'
          : 'Give an object of string values, e.g. { team: "payments" }.',
      ),
    );
  }
  const inMetadata = metadataTraitsProblem(metadata, traits);
  if (inMetadata) {
    throw new TypeError(
      invalidOption(`registration.${inMetadata.field}`, inMetadata.value, inMetadata.fix),
    );
  }
  const status = registration.status ?? REGISTRATION_FORMAT_DEFAULTS.status;
  if (!isValidSpringStatus(status)) {
    throw new TypeError(
      invalidOption('registration.status', status, 'Use "UP", or e.g. "OUT_OF_SERVICE".'),
    );
  }
  return { format, metadata: { ...metadata }, status, traits };
}

function noPlaceIn(format: InstanceFormat): string {
  return format === 'gokit'
    ? 'a go-kit node holds only the URL, which go-kit consumers hand to their factory as is'
    : "a plain Curator payload is typed by each consumer's Java class";
}
