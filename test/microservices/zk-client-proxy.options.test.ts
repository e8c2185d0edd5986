import { Transport } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import type { ZkClient } from '../../lib/client/index.js';
import {
  isTransportFailure,
  ZkClientProxy,
  type ZkClientProxyOptions,
} from '../../lib/microservices/index.js';

/** Enough of a client for the checks, which run before anything is watched. */
const client = { subscribeState: () => () => {} } as unknown as ZkClient;
const make = (options: Partial<ZkClientProxyOptions>) =>
  new ZkClientProxy({ client, path: '/services/math/tcp', ...options } as ZkClientProxyOptions);

describe('ZkClientProxy options', () => {
  it('refuses bad options with an error naming the option and the fix', () => {
    expect(() => new ZkClientProxy(undefined as unknown as ZkClientProxyOptions)).toThrow(
      /needs options \{ client, path \}.*customClass: ZkClientProxy/,
    );
    expect(() => make({ client: undefined })).toThrow(
      /option client must be the ZkClient \(in Nest, inject it with getZkClientToken\(\)/,
    );
    expect(() => make({ path: '' })).toThrow(/option path must name the service's ZooKeeper path/);
    expect(() => make({ transport: Transport.REDIS })).toThrow(
      /transport 1 is not supported; only Transport\.TCP/,
    );
    expect(() => make({ timeoutMs: 0 })).toThrow(
      'Invalid option `timeoutMs`: 0. Give a number of milliseconds above 0 to 2147483647 (default 5000).',
    );
    expect(() => make({ connectTimeoutMs: Number.NaN })).toThrow(/`connectTimeoutMs`: NaN/);
    expect(() => make({ isTransportFailure: 'yes' as never })).toThrow(
      /isTransportFailure must be a function/,
    );
    expect(make({ transport: Transport.TCP })).toBeInstanceOf(ZkClientProxy);
  });

  it('refuses a null or undefined pattern or data as Nest clients do', async () => {
    const proxy = make({});
    await expect(
      new Promise((_, reject) => proxy.send(null, {}).subscribe({ error: reject })),
    ).rejects.toThrow(/send\(pattern, data\): neither may be null or undefined/);
    await expect(
      new Promise((_, reject) => proxy.emit('hit', undefined).subscribe({ error: reject })),
    ).rejects.toThrow(/emit\(pattern, data\)/);
  });
});

describe('isTransportFailure', () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it('is true for what the transport says when the instance does not answer', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']) {
      expect(isTransportFailure(withCode(code)), code).toBe(true);
    }
    expect(isTransportFailure(new Error('Connection closed'))).toBe(true);
    expect(isTransportFailure(new DOMException('no answer', 'TimeoutError'))).toBe(true);
  });

  it("is false for what the instance sent back: the handler's errors, as data", () => {
    expect(isTransportFailure({ status: 'error', message: 'Internal server error' })).toBe(false);
    expect(isTransportFailure({ code: 'BOOM' })).toBe(false);
    expect(isTransportFailure('There is no matching message handler')).toBe(false);
    expect(isTransportFailure(new TypeError('cannot serialize'))).toBe(false);
    expect(isTransportFailure(withCode('ERR_SOMETHING_ELSE'))).toBe(false);
  });
});
