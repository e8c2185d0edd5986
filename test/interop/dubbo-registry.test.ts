import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { startConsumerApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { dubboNodeName, providerUrl } from './dubbo-names.js';
import { type HttpInstance, startHttpInstances } from './http-instances.js';

const servers = inject('zkConnect');
const SERVICE = 'com.foo.BarService';

/** The reader's requests since `before`, per operation. */
function requestsSince(client: ZkClient, before: ZkClient['requestCounts']) {
  const now = client.requestCounts;
  return {
    total: now.total - before.total,
    getChildren: now.getChildren - before.getChildren,
    getData: now.getData - before.getData,
    exists: now.exists - before.exists,
  };
}

const summary = (instances: readonly ServiceInstance[]) =>
  instances.map((instance) => ({
    format: instance.format,
    address: instance.address,
    port: instance.port,
    url: instance.url,
    weight: instance.weight,
    zone: instance.zone,
    group: instance.metadata.group,
    version: instance.metadata.version,
  }));

describe('Dubbo providers under /dubbo/<interface>/providers, as Dubbo registers them', () => {
  let writer: ZkClient;
  const dubboRoot = `${uniqueRoot('dubbo')}/dubbo`;
  const providers = `${dubboRoot}/${SERVICE}/providers`;
  const node = (url: string) => `${providers}/${dubboNodeName(url)}`;
  const blue = providerUrl('dubbo', 20880, SERVICE, {
    group: 'blue',
    version: '1.0.0',
    weight: '200',
  });
  const green = providerUrl('tri', 50051, SERVICE, { version: '1.0.0', zone: 'z1' });
  const disabled = providerUrl('dubbo', 20881, SERVICE, { disabled: 'true' });
  const noPort = `${providers}/${dubboNodeName(`dubbo://127.0.0.1/${SERVICE}?side=provider`)}`;

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    // As Dubbo's ZookeeperRegistry does: persistent category nodes, ephemeral URL-named providers
    // with empty data (some versions write the provider's IP; it is never read).
    for (const category of ['providers', 'consumers', 'routers', 'configurators']) {
      await writer.ensurePath(`${dubboRoot}/${SERVICE}/${category}`, 'persistent');
    }
    await writer.create(node(blue), '', { mode: 'ephemeral' });
    await writer.create(node(green), '127.0.0.1', { mode: 'ephemeral' });
    await writer.create(node(disabled), '', { mode: 'ephemeral' });
    await writer.create(noPort, '', { mode: 'ephemeral' });
  });
  afterAll(async () => {
    await writer?.close();
  });

  it('a ZkEndpointer yields the providers from their names: protocol, host, port, parameters, weight, zone', async () => {
    const warnings: string[] = [];
    const reader = await ZkClient.connect({ servers });
    const endpointer = new ZkEndpointer(reader, providers, {
      factory: (instance) => ({ endpoint: instance.url! }),
      logger: { log: () => {}, warn: (message) => warnings.push(message), error: () => {} },
    });
    try {
      await waitFor(() => endpointer.instances().length === 2);
      expect(summary(endpointer.instances())).toEqual([
        {
          format: 'dubbo',
          address: '127.0.0.1',
          port: 20880,
          url: 'dubbo://127.0.0.1:20880',
          weight: 200,
          zone: undefined,
          group: 'blue',
          version: '1.0.0',
        },
        {
          format: 'dubbo',
          address: '127.0.0.1',
          port: 50051,
          url: 'tri://127.0.0.1:50051',
          weight: 100,
          zone: 'z1',
          group: undefined,
          version: '1.0.0',
        },
      ]);
      expect([...endpointer.endpoints()].sort()).toEqual([
        'dubbo://127.0.0.1:20880',
        'tri://127.0.0.1:50051',
      ]);
      expect(endpointer.instances()[0]!.metadata).toMatchObject({
        application: 'hello',
        interface: SERVICE,
        methods: 'sayHello',
        side: 'provider',
      });
      // The disabled provider is left out silently; the one without a port is logged once.
      expect(warnings.filter((message) => message.includes(providers))).toEqual([
        `Instance node ${noPort} skipped: its name is not a Dubbo provider URL: "dubbo://127.0.0.1/${SERVICE}?side=provider" has no valid port (1-65535) (expected dubbo://host:port/...)`,
      ]);
    } finally {
      await endpointer.close();
      await reader.close();
    }
  });

  it('reads no node data: a join and a leave each cost one children read at most (none on a persistent watch), and the bad name is still logged once', async () => {
    // A service of its own: this test changes its providers.
    const counted = 'com.foo.CountedService';
    const path = `${dubboRoot}/${counted}/providers`;
    const node = (url: string) => `${path}/${dubboNodeName(url)}`;
    const blue = providerUrl('dubbo', 20880, counted, { weight: '200' });
    const green = providerUrl('tri', 50051, counted);
    const noPort = node(`dubbo://127.0.0.1/${counted}?side=provider`);
    await writer.ensurePath(path, 'persistent');
    for (const url of [blue, green]) await writer.create(node(url), '', { mode: 'ephemeral' });
    await writer.create(noPort, '', { mode: 'ephemeral' });

    const warnings: string[] = [];
    const reader = await ZkClient.connect({ servers });
    const before = reader.requestCounts;
    const endpointer = new ZkEndpointer(reader, path, {
      factory: (instance) => ({ endpoint: instance.url! }),
      logger: { log: () => {}, warn: (message) => warnings.push(message), error: () => {} },
    });
    const joining = providerUrl('dubbo', 20882, counted, { weight: '50' });
    // With a persistent recursive watch (protocol transport) the start adds it, and a join or a
    // leave is read from the event alone; with one-shot watches each reads the list again.
    const onChange = reader.transport === 'protocol' ? 0 : 1;
    try {
      await waitFor(() => endpointer.instances().length === 2);
      expect(requestsSince(reader, before)).toEqual({
        total: 2 - onChange,
        getChildren: 1,
        getData: 0,
        exists: 0,
      });

      const beforeJoin = reader.requestCounts;
      await writer.create(node(joining), '', { mode: 'ephemeral' });
      await waitFor(() => endpointer.instances().length === 3);
      expect(endpointer.instances().find((instance) => instance.port === 20882)?.weight).toBe(50);
      expect(requestsSince(reader, beforeJoin)).toEqual({
        total: onChange,
        getChildren: onChange,
        getData: 0,
        exists: 0,
      });

      const beforeLeave = reader.requestCounts;
      await writer.delete(node(blue));
      await waitFor(() => endpointer.instances().length === 2);
      expect(endpointer.instances().map((instance) => instance.port)).toEqual([20882, 50051]);
      expect(requestsSince(reader, beforeLeave)).toEqual({
        total: onChange,
        getChildren: onChange,
        getData: 0,
        exists: 0,
      });
      expect(warnings.filter((message) => message.includes(noPort))).toHaveLength(1);
    } finally {
      await endpointer.close();
      await reader.close();
    }
  });
});

describe('Dubbo rest providers through @InjectEndpointer', () => {
  let writer: ZkClient;
  let servers2: HttpInstance[];
  const service = 'com.foo.RestService';
  const providers = `${uniqueRoot('dubbo-rest')}/dubbo/${service}/providers`;

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    servers2 = await startHttpInstances(['rest-a', 'rest-b']);
    await writer.ensurePath(providers, 'persistent');
    for (const instance of servers2) {
      const url = providerUrl(
        'rest',
        instance.port,
        service,
        { contextpath: 'api', server: 'netty' },
        `api/${service}`,
      );
      await writer.create(`${providers}/${dubboNodeName(url)}`, '', { mode: 'ephemeral' });
    }
  });
  afterAll(async () => {
    await writer?.close();
    await Promise.all((servers2 ?? []).map((instance) => instance.close()));
  });

  it('calls each provider over HTTP under its context path, and sees one leave', async () => {
    const { app, endpointer } = await startConsumerApp(servers, providers);
    try {
      expect(endpointer.instances().map((instance) => instance.url)).toEqual(
        servers2.map((instance) => `http://127.0.0.1:${instance.port}/api`).sort(),
      );
      const answers: Array<{ name: string; path: string }> = [];
      for (let call = 0; call < 4; call++) {
        answers.push(await endpointer.call((endpoint) => endpoint.json('whoami')));
      }
      expect(answers.map((answer) => answer.name).sort()).toEqual([
        'rest-a',
        'rest-a',
        'rest-b',
        'rest-b',
      ]);
      expect(new Set(answers.map((answer) => answer.path))).toEqual(new Set(['/api/whoami']));

      const [leaving] = await writer.getChildren(providers);
      await writer.delete(`${providers}/${leaving}`);
      await waitFor(() => endpointer.instances().length === 1);
    } finally {
      await app.close();
    }
  });
});
