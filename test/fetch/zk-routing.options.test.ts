import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ZkClient } from '../../lib/client/index.js';
import { ZkRouting, type ZkRoutingOptions } from '../../lib/fetch/index.js';
import { isReplayable } from '../../lib/fetch/routed-request.js';

/** Enough of a client for the checks, which run before anything is watched. */
const client = { subscribeState: () => () => {} } as unknown as ZkClient;
const make = (options: Partial<ZkRoutingOptions>) =>
  new ZkRouting({ client, hosts: { 'hello.abc': '/services/hello/abc' }, ...options });

describe('ZkRouting options', () => {
  it('refuses bad options with an error naming the option and the fix', () => {
    expect(() => new ZkRouting(undefined as unknown as ZkRoutingOptions)).toThrow(
      /needs options \{ client, hosts \}/,
    );
    expect(() => make({ client: undefined })).toThrow(/option client must be a ZkClient/);
    expect(() => make({ hosts: {} })).toThrow(
      /option hosts must map at least one host name to a service path, e\.g\. \{ 'hello\.abc': '\/services\/hello\/abc' \}; got \{\}/,
    );
    expect(() => make({ hosts: { 'http://hello.abc': '/a' } })).toThrow(
      /"http:\/\/hello\.abc" is not a host name\. Give the name the URLs use, without scheme, port or path/,
    );
    expect(() => make({ hosts: { 'Hello.abc': '/a', 'hello.ABC': '/b' } })).toThrow(
      /host hello\.abc is given twice/,
    );
    expect(() => make({ hosts: { 'hello.abc': '/a/../b' } })).toThrow(
      /Invalid service path of host hello\.abc "\/a\/\.\.\/b"/,
    );
    expect(() => make({ hosts: { 'hello.abc': 42 as never } })).toThrow(
      /host hello\.abc must map to a service path or \{ path, \.\.\. \}; got number/,
    );
    expect(() => make({ headersTimeoutMs: -1 })).toThrow(
      "Invalid option `hosts['hello.abc'].headersTimeoutMs`: -1. Give a number of milliseconds above 0 to 2147483647 (default 5000).",
    );
  });
});

describe('which requests another instance may take after a failure', () => {
  const request = (method: string, extra: object = {}) =>
    ({ path: '/', method, ...extra }) as never;

  it('idempotent methods whose body can be sent again', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE', 'get']) {
      expect(isReplayable(request(method)), method).toBe(true);
    }
    expect(isReplayable(request('PUT', { body: '{"a":1}' }))).toBe(true);
    expect(isReplayable(request('PUT', { body: Buffer.from('x') }))).toBe(true);
    expect(isReplayable(request('POST', { body: 'x', idempotent: true }))).toBe(true);
  });

  it('not a POST or PATCH, a body read as it is sent (a stream: fetch sends every body so), nor an upgrade', () => {
    expect(isReplayable(request('POST'))).toBe(false);
    expect(isReplayable(request('PATCH'))).toBe(false);
    expect(isReplayable(request('PUT', { body: Readable.from(['x']) }))).toBe(false);
    expect(isReplayable(request('GET', { idempotent: false }))).toBe(false);
    expect(isReplayable(request('GET', { upgrade: 'websocket' }))).toBe(false);
  });
});
