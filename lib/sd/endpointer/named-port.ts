import { InvalidInstanceError } from '../errors/invalid-instance.error.js';
import { bracketIpv6 } from '../formats/uri-spec.js';
import type { ServiceInstance } from '../service-instance.js';
import type { EndpointFactory } from './endpoint-factory.js';

/**
 * A factory that makes each endpoint on the instance's port named `name` (`grpc`, `admin`): the
 * instance handed to `factory` has that port's address and port, and a URL with the scheme of
 * its main URL (`http` when it has none). An instance without such a port is skipped, and logged
 * once, naming the ports it has.
 */
export function onNamedPort<E>(factory: EndpointFactory<E>, name: string): EndpointFactory<E> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new TypeError(
      `port must name one of the instances' ports, e.g. "grpc"; got ${JSON.stringify(name)}`,
    );
  }
  return (instance) => factory(instanceOnPort(instance, name));
}

/** `instance` as reached on its port `name`. @throws InvalidInstanceError when it has none. */
export function instanceOnPort(instance: ServiceInstance, name: string): ServiceInstance {
  const named = instance.ports?.[name];
  if (!named) {
    const has = Object.keys(instance.ports ?? {});
    throw new InvalidInstanceError(
      instance.id,
      `instance ${instance.id} advertises no port named ${JSON.stringify(name)} ` +
        `(${has.length === 0 ? 'it has no named ports' : `its ports: ${has.join(', ')}`})`,
    );
  }
  const scheme = instance.url?.startsWith('https:') ? 'https' : 'http';
  return {
    ...instance,
    address: named.address,
    port: named.port,
    sslPort: undefined,
    url: `${scheme}://${bracketIpv6(named.address)}:${named.port}`,
  };
}
