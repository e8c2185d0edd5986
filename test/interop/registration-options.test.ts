import { describe, expect, it } from 'vitest';
import type { ZkRegistrationOptions } from '../../lib/nest/zk-discovery.options.js';
import { resolveZkDiscoveryOptions } from '../../lib/nest/zk-discovery.options-resolver.js';

const resolve = (registration: Partial<ZkRegistrationOptions>) =>
  resolveZkDiscoveryOptions({
    servers: '127.0.0.1:2181',
    logger: false,
    registration: { path: '/services', name: 'hello', ...registration },
  }).registration!;

describe('registration.format, metadata and status', () => {
  it('defaults to go-kit, no metadata, status UP', () => {
    expect(resolve({})).toMatchObject({ format: 'gokit', metadata: {}, status: 'UP' });
  });

  it('accepts Spring metadata and a status', () => {
    expect(
      resolve({ format: 'spring', metadata: { zone: 'eu-1' }, status: 'OUT_OF_SERVICE' }),
    ).toMatchObject({ format: 'spring', metadata: { zone: 'eu-1' }, status: 'OUT_OF_SERVICE' });
  });

  it.each([
    [{ format: 'eureka' }, 'registration.format`: "eureka". Use one of gokit, curator, spring'],
    [
      { format: 'dubbo' },
      'registration.format`: "dubbo". \'dubbo\' is a format this library reads (dubbo, finagle) but never writes. Use one of gokit, curator, spring.',
    ],
    [{ format: 'finagle' }, "'finagle' is a format this library reads"],
    [
      { format: 'curator', data: 'http://x' },
      "With format 'curator' the node holds Curator's JSON",
    ],
    [{ metadata: { zone: 'eu-1' } }, "Only format 'spring' publishes metadata"],
    [{ format: 'curator', status: 'UP' }, "Only format 'spring' publishes status"],
    [{ format: 'spring', metadata: { weight: 3 } }, 'registration.metadata.weight`: 3'],
    [
      { format: 'spring', metadata: { instance_status: 'UP' } },
      'Set the status with registration.status',
    ],
    [{ format: 'spring', status: '' }, 'registration.status`: ""'],
  ] as Array<[Partial<ZkRegistrationOptions>, string]>)(
    'rejects %j naming the option and the fix',
    (registration, message) => {
      expect(() => resolve(registration)).toThrow(TypeError);
      expect(() => resolve(registration)).toThrow(message);
    },
  );
});
