import { Channel, credentials, type experimental, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { RESOLUTION_ATTRIBUTE, type ZkResolution } from '../../lib/grpc/grpc-addresses.js';
import {
  InvalidZkTargetError,
  registerZkResolver,
  ZK_GRPC_POLICY,
  zkChannelOptions,
} from '../../lib/grpc/index.js';
import type { LegacyResolverListener } from '../../lib/grpc/resolver-listener.js';
import { ZkResolver } from '../../lib/grpc/zk-resolver.js';
import { Registrar } from '../../lib/sd/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

let client: ZkClient;
let unregister: () => void;
const logger = new RecordingLogger();

beforeAll(async () => {
  client = await ZkClient.connect({ servers: inject('zkConnect') });
  unregister = registerZkResolver({ client, logger });
});

afterAll(async () => {
  unregister();
  await client.close();
});

/** The target `zk:///<path>` as grpc-js parses it. */
function uri(path: string): experimental.GrpcUri {
  return { scheme: 'zk', authority: '', path: path.slice(1) };
}

async function registered(path: string, port: number): Promise<Registrar> {
  const base = path.slice(0, path.lastIndexOf('/'));
  const registrar = new Registrar(client, {
    path: base,
    name: path.slice(base.length + 1),
    data: `grpc://127.0.0.1:${port}`,
  });
  await registrar.register();
  return registrar;
}

/** grpc-js before 1.14: an object with onSuccessfulResolution and onError. */
function legacyListener() {
  const results: Parameters<LegacyResolverListener['onSuccessfulResolution']>[] = [];
  const errors: Parameters<LegacyResolverListener['onError']>[0][] = [];
  const listener: LegacyResolverListener = {
    onSuccessfulResolution: (...args) => results.push(args),
    onError: (error) => errors.push(error),
  };
  return { listener, results, errors };
}

/** grpc-js 1.14: one function of StatusOr values. */
function currentListener() {
  const calls: Parameters<experimental.ResolverListener>[] = [];
  const listener: experimental.ResolverListener = (...args) => {
    calls.push(args);
    return true;
  };
  return { listener, calls };
}

const ports = (endpoints: experimental.Endpoint[]) =>
  endpoints.map((endpoint) => (endpoint.addresses[0] as { port: number }).port).sort();

describe('ZkResolver with the listener of grpc-js before 1.14', () => {
  it('reports the instances, our service config and their attribute, never synchronously', async () => {
    const path = `${uniqueRoot('resolver')}/hello/grpc`;
    const first = await registered(path, 5001);
    const { listener, results, errors } = legacyListener();
    const resolver = new ZkResolver(uri(path), listener, {});
    try {
      resolver.updateResolution();
      expect(results).toEqual([]);
      await waitFor(() => results.length === 1);
      const [endpoints, serviceConfig, serviceConfigError, configSelector, attributes] =
        results[0]!;
      expect(endpoints).toEqual([{ addresses: [{ host: '127.0.0.1', port: 5001 }] }]);
      expect(serviceConfig?.loadBalancingConfig).toEqual([
        { [ZK_GRPC_POLICY]: expect.objectContaining({ balancer: 'roundRobin' }) },
      ]);
      expect(serviceConfig?.methodConfig[0]?.retryPolicy?.retryableStatusCodes).toEqual([
        'UNAVAILABLE',
      ]);
      expect(serviceConfigError).toBeNull();
      expect(configSelector).toBeNull();
      const resolution = attributes[RESOLUTION_ATTRIBUTE] as ZkResolution;
      expect(resolution.path).toBe(path);
      expect(resolution.instances.get('127.0.0.1:5001')?.id).toMatch(/^_c_/);

      const second = await registered(path, 5002);
      await waitFor(() => results.length === 2);
      expect(ports(results[1]![0])).toEqual([5001, 5002]);

      await second.deregister();
      await waitFor(() => results.length === 3);
      expect(ports(results[2]![0])).toEqual([5001]);
      expect(errors).toEqual([]);
    } finally {
      resolver.destroy();
      await first.deregister();
    }
  });

  it('reports an error saying how to give a client when none is registered', async () => {
    const path = `${uniqueRoot('resolver')}/hello/grpc`;
    const { listener, results, errors } = legacyListener();
    unregister();
    const resolver = new ZkResolver(uri(path), listener, {});
    try {
      resolver.updateResolution();
      await waitFor(() => errors.length === 1);
      expect(errors[0]).toMatchObject({ code: status.UNAVAILABLE });
      expect(errors[0]!.details).toContain('registerZkResolver({ client })');
      expect(results).toEqual([]);
    } finally {
      resolver.destroy();
      unregister = registerZkResolver({ client, logger });
    }
  });
});

describe('ZkResolver with the listener of grpc-js 1.14', () => {
  it('reports StatusOr values; no service config when the channel has its own', async () => {
    const path = `${uniqueRoot('resolver')}/hello/grpc`;
    const registrar = await registered(path, 5003);
    const { listener, calls } = currentListener();
    const resolver = new ZkResolver(uri(path), listener, { 'grpc.service_config': '{}' });
    try {
      resolver.updateResolution();
      await waitFor(() => calls.length === 1);
      const [endpoints, attributes, serviceConfig, note] = calls[0]!;
      expect(endpoints).toEqual({
        ok: true,
        value: [{ addresses: [{ host: '127.0.0.1', port: 5003 }] }],
      });
      expect(attributes[RESOLUTION_ATTRIBUTE]).toBeDefined();
      expect(serviceConfig).toBeNull();
      expect(note).toBe('');

      // Asked again (a policy whose connection dropped): nothing newer to say; the next report is
      // the next change.
      resolver.updateResolution();
      const second = await registered(path, 5006);
      await waitFor(() => calls.length === 2);
      expect(ports((calls[1]![0] as { value: experimental.Endpoint[] }).value)).toEqual([
        5003, 5006,
      ]);
      await second.deregister();
    } finally {
      resolver.destroy();
      await registrar.deregister();
    }
  });

  it('reports an empty list with a note naming the path, and stops after destroy()', async () => {
    const path = `${uniqueRoot('resolver')}/hello/grpc`;
    const { listener, calls } = currentListener();
    const resolver = new ZkResolver(uri(path), listener, {});
    const witness = currentListener();
    const other = new ZkResolver(uri(path), witness.listener, {});
    try {
      resolver.updateResolution();
      other.updateResolution();
      await waitFor(() => calls.length === 1 && witness.calls.length === 1);
      expect(calls[0]![0]).toEqual({ ok: true, value: [] });
      expect(calls[0]![3]).toBe(`no instance is registered under ${path}`);

      resolver.destroy();
      const registrar = await registered(path, 5004);
      await waitFor(() => witness.calls.length === 2);
      expect(calls).toHaveLength(1);
      await registrar.deregister();
    } finally {
      resolver.destroy();
      other.destroy();
    }
  });
});

describe('a malformed zk: target', () => {
  const insecure = credentials.createInsecure();

  it.each([
    ['zk://127.0.0.1:2181', 'it names no service path after its servers'],
    ['zk:///services//hello', 'segment "" is not allowed'],
    ['zk:///zookeeper/quota', '/zookeeper is reserved by ZooKeeper'],
    ['zk://localhost/services/hello', 'its servers "localhost" are not a ZooKeeper connect string'],
    ['zk://user@127.0.0.1:2181/services/hello', 'its authority holds credentials'],
  ])('%s fails the channel at once: %s', (target, problem) => {
    const make = () => new Channel(target, insecure, {});
    expect(make).toThrow(InvalidZkTargetError);
    expect(make).toThrow(problem);
    expect(make).toThrow('Use zk:///services/hello/grpc');
  });

  it('names the last segment of its path as the default authority', () => {
    expect(ZkResolver.getDefaultAuthority(uri('/services/hello/grpc'))).toBe('grpc');
  });
});

describe('bad balancing options', () => {
  it.each([
    [{ balancer: 'fastest' }, 'Invalid option `balancer`: "fastest"'],
    [{ zone: { zone: 'a', minHealthyShare: 2 } }, 'Invalid option `zone.minHealthyShare`: 2'],
    [{ outlierDetection: { consecutiveFailures: 0 } }, 'consecutiveFailures'],
    [{ failureCodes: ['NOPE'] }, '"NOPE" is not a gRPC status'],
    [{ retry: { maxAttempts: 9 } }, 'Invalid option `retry.maxAttempts`: 9'],
    [{ speed: 'max' }, 'zk_discovery has no option "speed"'],
  ])('zkChannelOptions(%j) throws at once: %s', (options, message) => {
    expect(() => zkChannelOptions(options as never)).toThrow(message);
  });

  it('fail the calls of a channel whose own service config has them, and say why in the log', async () => {
    const path = `${uniqueRoot('resolver')}/hello/grpc`;
    const registrar = await registered(path, 5005);
    const config = { loadBalancingConfig: [{ [ZK_GRPC_POLICY]: { balancer: 'fastest' } }] };
    const channel = new Channel(`zk://${path}`, credentials.createInsecure(), {
      'grpc.service_config': JSON.stringify(config),
    });
    try {
      channel.getConnectivityState(true);
      await waitFor(() => logger.matching('entry is refused').length > 0);
      expect(logger.matching('entry is refused')[0]).toContain(
        'Invalid option `balancer`: "fastest"',
      );
    } finally {
      channel.close();
      await registrar.deregister();
    }
  });
});
