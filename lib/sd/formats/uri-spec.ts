/** One token of Curator's `UriSpec`: a literal, or a variable replaced from the instance. */
export interface UriSpecPart {
  readonly value: string;
  readonly variable: boolean;
}

/** Curator's `UriSpec` as serialized in an instance node: `{"parts":[...]}`. */
export interface UriSpec {
  readonly parts: readonly UriSpecPart[];
}

/** The instance fields Curator's `UriSpec.build(instance)` substitutes. */
export interface UriSpecInstance {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly port: number | undefined;
  readonly sslPort: number | undefined;
  readonly registrationTimeUTC: number | undefined;
  readonly serviceType: string | undefined;
}

/** Spring Cloud Zookeeper's uriSpec, `{scheme}://{address}:{port}`, exactly as it writes it. */
export const SPRING_URI_SPEC: UriSpec = Object.freeze({
  parts: Object.freeze([
    Object.freeze({ value: 'scheme', variable: true }),
    Object.freeze({ value: '://', variable: false }),
    Object.freeze({ value: 'address', variable: true }),
    Object.freeze({ value: ':', variable: false }),
    Object.freeze({ value: 'port', variable: true }),
  ]),
});

/** The uriSpec of a node's JSON, when it has the shape Curator writes; otherwise undefined. */
export function parseUriSpec(value: unknown): UriSpec | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const parts = (value as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) return undefined;
  const valid = parts.every(
    (part: unknown) =>
      part !== null &&
      typeof part === 'object' &&
      typeof (part as UriSpecPart).value === 'string' &&
      typeof (part as UriSpecPart).variable === 'boolean',
  );
  return valid ? { parts: parts as UriSpecPart[] } : undefined;
}

/**
 * Builds the URI the way Curator's `UriSpec.build(instance)` does: `scheme` is `https` when the
 * instance has an sslPort, else `http`; `name`, `id`, `address`, `port`, `ssl-port`,
 * `registration-time-utc` and `service-type` (lower case) come from the instance, a missing value
 * gives ''; `[` and `]` give `{` and `}`; an unknown variable gives ''. One difference: an IPv6
 * address is put in brackets, so the result is a usable URL.
 */
export function resolveUriSpec(spec: UriSpec, instance: UriSpecInstance): string {
  const variables = new Map<string, string>([
    ['[', '{'],
    [']', '}'],
    ['scheme', instance.sslPort !== undefined ? 'https' : 'http'],
    ['name', instance.name],
    ['id', instance.id],
    ['address', bracketIpv6(instance.address)],
    ['port', instance.port === undefined ? '' : String(instance.port)],
    ['ssl-port', instance.sslPort === undefined ? '' : String(instance.sslPort)],
    [
      'registration-time-utc',
      instance.registrationTimeUTC === undefined ? '' : String(instance.registrationTimeUTC),
    ],
    ['service-type', instance.serviceType?.toLowerCase() ?? ''],
  ]);
  return spec.parts
    .map((part) => (part.variable ? (variables.get(part.value) ?? '') : part.value))
    .join('');
}

/** IPv6 literals need brackets in a URL. */
export function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
