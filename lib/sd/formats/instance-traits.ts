import type { NamedPort } from '../service-instance.js';

/**
 * Weight, zone and named ports: what an instance tells consumers beyond its address. They live
 * in metadata, under the keys Spring Cloud LoadBalancer reads (`weight`, `zone`) and `port.<name>`
 * for named ports, so a Spring consumer sees the same weight and zone as ours.
 */
export interface InstanceTraits {
  /** An integer from 1 to {@link MAX_WEIGHT}. @default 1 */
  readonly weight?: number;
  readonly zone?: string;
  /** Port numbers by name, on the instance's own address. */
  readonly ports?: Readonly<Record<string, number>>;
}

export const WEIGHT_KEY = 'weight';
export const ZONE_KEY = 'zone';
export const PORT_KEY_PREFIX = 'port.';
export const MAX_WEIGHT = 1_000_000;
const PORT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const DIGITS = /^[0-9]{1,7}$/;

/** What a decoder adds to an instance: only the traits its metadata carries. */
export interface DecodedTraits {
  weight?: number;
  zone?: string;
  ports?: Readonly<Record<string, NamedPort>>;
}

/**
 * The traits in `metadata`. A value that is not valid is left out (a weight that is not an
 * integer ≥ 1 counts as 1, as in Spring): one bad label never costs a consumer the instance.
 */
export function traitsFromMetadata(
  metadata: Readonly<Record<string, string>>,
  address: string,
): DecodedTraits | undefined {
  let weight: number | undefined;
  let zone: string | undefined;
  let ports: Record<string, NamedPort> | undefined;
  for (const key in metadata) {
    const value = metadata[key]!;
    if (key === WEIGHT_KEY) {
      weight = parseWeight(value);
    } else if (key === ZONE_KEY) {
      if (value.trim() !== '') zone = value;
    } else if (key.startsWith(PORT_KEY_PREFIX)) {
      const name = key.slice(PORT_KEY_PREFIX.length);
      const port = DIGITS.test(value) ? Number(value) : 0;
      if (!PORT_NAME.test(name) || port < 1 || port > 65535) continue;
      ports ??= {};
      ports[name] = { address, port };
    }
  }
  if (weight === undefined && zone === undefined && ports === undefined) return undefined;
  const traits: DecodedTraits = {};
  if (weight !== undefined) traits.weight = weight;
  if (zone !== undefined) traits.zone = zone;
  if (ports !== undefined) traits.ports = Object.freeze(ports);
  return traits;
}

/** `value` as a weight, or undefined when it is not an integer from 1 to MAX_WEIGHT. */
export function parseWeight(value: string): number | undefined {
  if (!DIGITS.test(value)) return undefined;
  const weight = Number(value);
  return weight >= 1 && weight <= MAX_WEIGHT ? weight : undefined;
}

/** The metadata entries that publish `traits` (after validation). */
export function traitsToMetadata(traits: InstanceTraits): Record<string, string> {
  const entries: Record<string, string> = {};
  if (traits.weight !== undefined) entries[WEIGHT_KEY] = String(traits.weight);
  if (traits.zone !== undefined) entries[ZONE_KEY] = traits.zone;
  for (const [name, port] of Object.entries(traits.ports ?? {})) {
    entries[`${PORT_KEY_PREFIX}${name}`] = String(port);
  }
  return entries;
}

/** The option that sets a metadata key, or undefined for a key of no trait. */
export function traitOfKey(key: string): 'weight' | 'zone' | 'ports' | undefined {
  if (key === WEIGHT_KEY || key === ZONE_KEY) return key;
  return key.startsWith(PORT_KEY_PREFIX) ? 'ports' : undefined;
}

/**
 * What is wrong with the traits written straight into metadata (`{ zone: "eu-1" }` is the same as
 * the `zone` option): a value consumers would not read, or a trait also given by its option.
 */
export function metadataTraitsProblem(
  metadata: Readonly<Record<string, string>>,
  traits: InstanceTraits,
): Problem | undefined {
  for (const [key, value] of Object.entries(metadata)) {
    const option = traitOfKey(key);
    if (option === undefined) continue;
    const name = key.slice(PORT_KEY_PREFIX.length);
    const twice =
      option === 'ports' ? traits.ports?.[name] !== undefined : traits[option] !== undefined;
    if (twice) {
      return {
        field: `metadata.${key}`,
        value,
        fix: `It is also given as ${option}; give it once.`,
      };
    }
    const problem =
      option === 'weight'
        ? traitsProblem({ weight: parseWeight(value) ?? Number.NaN })
        : option === 'zone'
          ? traitsProblem({ zone: value })
          : traitsProblem({ ports: { [name]: DIGITS.test(value) ? Number(value) : Number.NaN } });
    if (problem) return { field: `metadata.${key}`, value, fix: problem.fix };
  }
  return undefined;
}

/** A trait that is not valid: the field, its value, and how to fix it. */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

/**
 * What is wrong with `traits`, or undefined. One rule for the core and the Nest options, which
 * word the field as their option name.
 */
export function traitsProblem(traits: InstanceTraits): Problem | undefined {
  const { weight, zone, ports } = traits;
  if (weight !== undefined && !(Number.isInteger(weight) && weight >= 1 && weight <= MAX_WEIGHT)) {
    return {
      field: 'weight',
      value: weight,
      fix: `Give an integer from 1 to ${MAX_WEIGHT} (the default is 1); to take no traffic, use setOutOfService().`,
    };
  }
  if (zone !== undefined && (typeof zone !== 'string' || zone.trim() === '')) {
    return {
      field: 'zone',
      value: zone,
      fix: 'Give the zone as a non-empty string, e.g. "eu-1a".',
    };
  }
  if (ports === undefined) return undefined;
  if (ports === null || typeof ports !== 'object' || Array.isArray(ports)) {
    return { field: 'ports', value: ports, fix: 'Give an object such as { grpc: 9090 }.' };
  }
  for (const [name, port] of Object.entries(ports)) {
    if (!PORT_NAME.test(name)) {
      return {
        field: `ports[${JSON.stringify(name)}]`,
        value: name,
        fix: 'Name ports with letters, digits, "_" and "-" (up to 63), e.g. grpc or admin.',
      };
    }
    if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      return { field: `ports.${name}`, value: port, fix: 'Give a port number (1-65535).' };
    }
  }
  return undefined;
}
