import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { unboundPort } from './zk-discovery.messages.js';
import type { AdvertisedAddress } from './zk-discovery.options.js';
import type { ResolvedRegistration } from './zk-discovery.options-resolver.js';

const wildcards = new Set(['0.0.0.0', '::', '']);

/**
 * The address to register: configured host/port first, else what the server is bound to. A
 * wildcard bind is never advertised: it becomes this host's first non-internal IPv4 address.
 */
export function advertisedAddress(
  registration: ResolvedRegistration,
  bound: AddressInfo | string | null | undefined,
): AdvertisedAddress {
  const boundInfo = bound && typeof bound === 'object' ? bound : undefined;
  const port = registration.port ?? boundInfo?.port;
  if (!port) throw new Error(unboundPort(`${registration.path}/${registration.name}`));
  const boundHost = boundInfo && !wildcards.has(boundInfo.address) ? boundInfo.address : undefined;
  return {
    scheme: registration.scheme,
    host: registration.host ?? boundHost ?? firstExternalIPv4(),
    port,
  };
}

function firstExternalIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const external = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (external) return external.address;
  }
  return '127.0.0.1';
}
