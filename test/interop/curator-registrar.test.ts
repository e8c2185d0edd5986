import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { decodeInstance } from '../../lib/sd/formats/instance-decoder.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { FaultProxy } from '../../lib/testing/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { writeFixtures } from './fixtures.js';

const servers = inject('zkConnect');
const quiet = { log: () => {}, warn: () => {}, error: () => {} };
const SESSION_MS = 2000;

/** The fixture's bytes with its id and registration time replaced by a live registration's. */
function expectedBytes(
  fixtureName: string,
  id: string,
  registrationTimeUTC: number,
  port: number,
): string {
  const fixture = writeFixtures().cases.find((testCase) => testCase.name === fixtureName)!;
  return fixture.bytes
    .replaceAll(fixture.input.id!, id)
    .replace(String(fixture.input.registrationTimeUTC), String(registrationTimeUTC))
    .replace(`"port":${fixture.input.port}`, `"port":${port}`);
}

describe('our Curator- and Spring-format registrations, on a real server', () => {
  let client: ZkClient;
  let observer: ZkClient;

  beforeAll(async () => {
    [client, observer] = await Promise.all([
      ZkClient.connect({ servers }),
      ZkClient.connect({ servers }),
    ]);
  });
  afterAll(async () => {
    await client?.close();
    await observer?.close();
  });

  it.each([
    ['curator', "curator: the issue's example"],
    ['spring', "spring: the issue's example"],
  ] as const)(
    '%s: basePath/name/<uuid>, ephemeral, container parents, the fixture bytes modulo id and time',
    async (format, fixtureName) => {
      const basePath = `${uniqueRoot(format)}/services`;
      const {
        service,
        format: nodeFormat,
        id,
      } = curatorRegistration({
        format,
        basePath,
        name: 'hello',
        address: '127.0.0.1',
        port: 8080,
      });
      const registrar = new Registrar(client, service, { format: nodeFormat, logger: quiet });
      const node = await registrar.register();
      expect(node).toBe(`${basePath}/hello/${id}`);

      const { data, stat } = await observer.getData(node);
      const time = (JSON.parse(data.toString('utf8')) as { registrationTimeUTC: number })
        .registrationTimeUTC;
      expect(data.toString('utf8')).toBe(expectedBytes(fixtureName, id, time, 8080));
      expect(stat.ephemeralOwner).toBe(client.sessionId);
      // Parents exist and are not ephemeral. (ZooKeeper reports a container's ephemeralOwner to
      // clients as 0, like a persistent node's: the create mode is checked in curator-node-format.)
      for (const parent of [basePath, `${basePath}/hello`]) {
        expect((await observer.exists(parent))?.ephemeralOwner, parent).toBe('0');
      }
      expect(decodeInstance({ name: id, path: node, data })).toMatchObject({
        id,
        format,
        address: '127.0.0.1',
        port: 8080,
        url: 'http://127.0.0.1:8080',
      });
      expect(await registrar.deregister()).toBe(true);
      expect(await observer.exists(node)).toBeNull();
      registrar.close();
    },
  );

  it('takes the node over from a previous session that still holds it', async () => {
    const basePath = `${uniqueRoot('takeover')}/services`;
    const { service, format, id } = curatorRegistration({
      format: 'curator',
      basePath,
      name: 'hello',
      address: '127.0.0.1',
      port: 8080,
    });
    const previous = await ZkClient.connect({ servers });
    await previous.ensurePath(`${basePath}/hello`, 'container');
    await previous.create(`${basePath}/hello/${id}`, 'stale', { mode: 'ephemeral' });
    const registrar = new Registrar(client, service, { format, logger: quiet });
    const node = await registrar.register();
    const { data, stat } = await observer.getData(node);
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(data.equals(Buffer.from(service.data))).toBe(true);
    await registrar.deregister();
    registrar.close();
    await previous.close();
  });
});

describe('re-registration after a session expiry (fault proxy)', () => {
  let proxy: FaultProxy;
  let observer: ZkClient;

  beforeAll(async () => {
    const [host, port] = servers.split(',')[0]!.split(':');
    proxy = await FaultProxy.start({ host: host!, port: Number(port) });
    observer = await ZkClient.connect({ servers });
  });
  afterAll(async () => {
    await observer?.close();
    await proxy?.close();
  });

  it('registers again under the same instance id', async () => {
    const basePath = `${uniqueRoot('expiry')}/services`;
    const client = await ZkClient.connect({
      servers: proxy.connectString,
      sessionTimeoutMs: SESSION_MS,
      logger: quiet,
    });
    const { service, format, id } = curatorRegistration({
      format: 'spring',
      basePath,
      name: 'hello',
      address: '127.0.0.1',
      port: 8080,
    });
    const registrar = new Registrar(client, service, { format, logger: quiet });
    const node = await registrar.register();
    const { stat: first } = await observer.getData(node);

    proxy.partition();
    await waitFor(async () => (await observer.exists(node)) === null, {
      timeoutMs: SESSION_MS * 3,
    });
    proxy.heal();
    await waitFor(async () => (await observer.exists(node)) !== null, { timeoutMs: 10_000 });
    await waitFor(() => registrar.state === 'registered');

    expect(registrar.nodePath).toBe(`${basePath}/hello/${id}`);
    expect(await observer.getChildren(`${basePath}/hello`)).toEqual([id]);
    const { data, stat } = await observer.getData(node);
    expect(stat.ephemeralOwner).not.toBe(first.ephemeralOwner);
    expect(stat.ephemeralOwner).toBe(client.sessionId);
    expect(data.equals(Buffer.from(service.data))).toBe(true);
    await registrar.deregister();
    registrar.close();
    await client.close();
  });
});
