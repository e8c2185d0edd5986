import { describe, expect, it } from 'vitest';
import type { ZkRegistrationOptions } from '../../lib/nest/zk-discovery.options.js';
import { resolveZkDiscoveryOptions } from '../../lib/nest/zk-discovery.options-resolver.js';
import { instanceOnPort } from '../../lib/sd/endpointer/named-port.js';
import { InvalidInstanceError } from '../../lib/sd/errors/invalid-instance.error.js';
import { InvalidServiceError } from '../../lib/sd/errors/invalid-service.error.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { decodeInstance } from '../../lib/sd/formats/instance-decoder.js';
import { registrationInFormat } from '../../lib/sd/formats/registration-in-format.js';

const spring = (extra: Record<string, unknown>) =>
  curatorRegistration({
    format: 'spring',
    basePath: '/services',
    name: 'hello',
    id: '3f00093e-39b4-4837-b045-c9b8b0820715',
    address: '10.0.0.5',
    port: 8080,
    registrationTimeUTC: 1795535500000,
    ...extra,
  });

const read = (data: Buffer | string) =>
  decodeInstance({
    name: '3f00093e-39b4-4837-b045-c9b8b0820715',
    path: '/services/hello/3f00093e-39b4-4837-b045-c9b8b0820715',
    data: Buffer.from(data),
  })!;

describe('weight, zone and named ports in the Spring format', () => {
  it("are written into the payload's metadata where Spring reads them, and read back", () => {
    const { service } = spring({ weight: 3, zone: 'eu-1a', ports: { grpc: 9090, admin: 8081 } });
    const json = JSON.parse(String(service.data));
    expect(json.payload.metadata).toEqual({
      instance_status: 'UP',
      weight: '3',
      zone: 'eu-1a',
      'port.grpc': '9090',
      'port.admin': '8081',
    });
    const instance = read(service.data as Buffer);
    expect(instance).toMatchObject({
      weight: 3,
      zone: 'eu-1a',
      ports: {
        grpc: { address: '10.0.0.5', port: 9090 },
        admin: { address: '10.0.0.5', port: 8081 },
      },
    });
  });

  it('reads the same traits from metadata written by hand (or by a Spring app)', () => {
    const { service } = spring({ metadata: { zone: 'eu-2', weight: '5', 'port.grpc': '9091' } });
    expect(read(service.data as Buffer)).toMatchObject({
      weight: 5,
      zone: 'eu-2',
      ports: { grpc: { address: '10.0.0.5', port: 9091 } },
    });
  });

  it('reads an instance without traits with none set: weight 1, no zone, no ports', () => {
    const instance = read(spring({}).service.data as Buffer);
    expect([instance.weight, instance.zone, instance.ports]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("ignores, rather than drops the instance for, another writer's traits it cannot use", () => {
    const { service } = spring({});
    const json = JSON.parse(String(service.data));
    json.payload.metadata = {
      instance_status: 'UP',
      weight: '0',
      zone: ' ',
      'port.grpc': 'abc',
      'port.bad name': '9000',
      'port.ok': '9001',
    };
    const instance = read(JSON.stringify(json));
    expect(instance.url).toBe('http://10.0.0.5:8080');
    expect([instance.weight, instance.zone]).toEqual([undefined, undefined]);
    expect(instance.ports).toEqual({ ok: { address: '10.0.0.5', port: 9001 } });
  });

  it.each([
    [{ weight: 0 }, 'weight 0. Give an integer from 1 to 1000000'],
    [{ weight: 2.5 }, 'weight 2.5'],
    [{ zone: '' }, 'zone "". Give the zone as a non-empty string'],
    [{ ports: { 'g rpc': 9090 } }, 'Name ports with letters, digits'],
    [{ ports: { grpc: 70000 } }, 'ports.grpc 70000. Give a port number (1-65535)'],
    [{ metadata: { weight: 'heavy' } }, 'metadata.weight "heavy". Give an integer from 1'],
    [{ zone: 'eu-1', metadata: { zone: 'eu-1' } }, 'It is also given as zone; give it once.'],
    [
      { ports: { grpc: 1 }, metadata: { 'port.grpc': '2' } },
      'metadata.port.grpc "2". It is also given as ports',
    ],
  ])('refuses %j with an error that says what to fix', (extra, message) => {
    expect(() => spring(extra)).toThrow(InvalidServiceError);
    expect(() => spring(extra)).toThrow(message);
  });

  it('are refused for the Curator and go-kit formats, which have no place for them', () => {
    expect(() =>
      curatorRegistration({
        format: 'curator',
        basePath: '/services',
        name: 'hello',
        address: '10.0.0.5',
        port: 8080,
        weight: 2,
        zone: 'eu-1',
      }),
    ).toThrow('weight, zone can only be published in format "spring"');
    expect(() =>
      registrationInFormat({
        format: 'gokit',
        path: '/services/hello',
        name: 'abc',
        address: { scheme: 'http', host: '10.0.0.5', port: 8080 },
        data: 'http://10.0.0.5:8080',
        traits: { ports: { grpc: 9090 } },
      }),
    ).toThrow(
      "ports cannot be carried. A go-kit node holds only the instance's URL, which go-kit consumers hand to their factory as is",
    );
  });
});

describe('a named port', () => {
  const instance = read(spring({ ports: { admin: 8081 } }).service.data as Buffer);

  it('gives the instance on that port, with the scheme of its main URL', () => {
    expect(instanceOnPort(instance, 'admin')).toMatchObject({
      address: '10.0.0.5',
      port: 8081,
      sslPort: undefined,
      url: 'http://10.0.0.5:8081',
    });
    const tls = read(spring({ ports: { admin: 8081 }, sslPort: 8443 }).service.data as Buffer);
    expect(tls.url).toBe('https://10.0.0.5:8080');
    expect(instanceOnPort(tls, 'admin').url).toBe('https://10.0.0.5:8081');
  });

  it('is an InvalidInstanceError naming the ports it has when the instance lacks it', () => {
    expect(() => instanceOnPort(instance, 'grpc')).toThrow(InvalidInstanceError);
    expect(() => instanceOnPort(instance, 'grpc')).toThrow(
      `instance ${instance.id} advertises no port named "grpc" (its ports: admin)`,
    );
  });
});

describe('the Nest options for weight, zone and ports', () => {
  const resolve = (registration: Partial<ZkRegistrationOptions>, endpointer = {}) =>
    resolveZkDiscoveryOptions({
      servers: '127.0.0.1:2181',
      logger: false,
      registration: { path: '/services', name: 'hello', ...registration },
      endpointer,
    });

  it("make the app's zone its endpointers' default zone preference", () => {
    const options = resolve({ format: 'spring', zone: 'eu-1', weight: 2, ports: { grpc: 9090 } });
    expect(options.registration?.traits).toEqual({
      weight: 2,
      zone: 'eu-1',
      ports: { grpc: 9090 },
    });
    expect(options.endpointer.zone).toBe('eu-1');
    expect(resolve({ format: 'spring', zone: 'eu-1' }, { zone: false }).endpointer.zone).toBe(
      false,
    );
    expect(resolve({ format: 'spring', zone: 'eu-1' }, { zone: 'eu-2' }).endpointer.zone).toBe(
      'eu-2',
    );
  });

  it.each([
    [
      { weight: 2 },
      "`registration.weight`: 2. Only format 'spring' publishes weight (a go-kit node holds only the URL",
    ],
    [
      { format: 'curator', zone: 'eu-1' },
      "Only format 'spring' publishes zone (a plain Curator payload",
    ],
    [
      { format: 'spring', weight: -1 },
      '`registration.weight`: -1. Give an integer from 1 to 1000000',
    ],
    [{ format: 'spring', ports: { grpc: 0 } }, '`registration.ports.grpc`: 0. Give a port number'],
    [
      { format: 'spring', metadata: { weight: 'x' } },
      '`registration.metadata.weight`: "x". Give an integer from 1',
    ],
  ])('refuse %j naming the option', (registration, message) => {
    expect(() => resolve(registration as Partial<ZkRegistrationOptions>)).toThrow(message);
  });

  it('refuse an endpointer port that names nothing', () => {
    expect(() => resolve({}, { port: '' })).toThrow(
      'ZkDiscoveryModule endpointer: Invalid option `port`: "". Name a port the instances publish, e.g. "grpc".',
    );
  });
});
