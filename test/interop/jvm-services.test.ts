import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { readCases } from './fixtures.js';
import { type HttpInstance, startHttpInstances } from './http-instances.js';

const servers = inject('zkConnect');

/** A fixture's exact bytes with its address and port swapped for a live server's. */
function fixtureBytes(
  format: 'curator' | 'spring',
  name: string,
  id: string,
  port: number,
): Buffer {
  const testCase = readCases(format).find((candidate) => candidate.name === name);
  if (!testCase?.data) throw new Error(`no ${format} fixture named ${name}`);
  const data = testCase.data
    .replaceAll('3f00093e-39b4-4837-b045-c9b8b0820715', id)
    .replace('"port":8080', `"port":${port}`);
  return Buffer.from(data, 'utf8');
}

const addressAndPort = (instances: readonly ServiceInstance[]) =>
  instances.map((instance) => `${instance.format} ${instance.address}:${instance.port}`).sort();

describe('JVM services on the same ensemble: Curator and Spring nodes written by a plain client', () => {
  let writer: ZkClient;
  let jvm: HttpInstance[];
  const servicePath = `${uniqueRoot('interop')}/services/hello`;
  const ids = [
    '11111111-1111-4111-8111-111111111111',
    '22222222-2222-4222-8222-222222222222',
    '33333333-3333-4333-8333-333333333333',
  ];

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    jvm = await startHttpInstances(['curator-a', 'spring-b', 'curator-c']);
    // As Curator's ServiceDiscovery and Spring Cloud Zookeeper do: container parents, ephemeral
    // children named by the instance id, the JSON of the fixtures.
    await writer.ensurePath(servicePath, 'container');
    const nodes: Array<[string, Buffer]> = [
      [
        ids[0]!,
        fixtureBytes(
          'curator',
          "the issue's example: payload null, no uriSpec",
          ids[0]!,
          jvm[0]!.port,
        ),
      ],
      [
        ids[1]!,
        fixtureBytes('spring', 'as Spring Cloud Zookeeper writes it, UP', ids[1]!, jvm[1]!.port),
      ],
      [
        ids[2]!,
        fixtureBytes(
          'curator',
          'missing fields: only name, id, address and port',
          ids[2]!,
          jvm[2]!.port,
        ),
      ],
      // Neither may be called: a Spring instance out of service, and a node without a port.
      [
        '44444444-4444-4444-8444-444444444444',
        fixtureBytes('spring', 'OUT_OF_SERVICE: left out by default', '4', 1),
      ],
      [
        '55555555-5555-4555-8555-555555555555',
        fixtureBytes('curator', 'null port and null sslPort: skipped', '5', 1),
      ],
    ];
    for (const [id, data] of nodes)
      await writer.create(`${servicePath}/${id}`, data, { mode: 'ephemeral' });
  });
  afterAll(async () => {
    await writer?.close();
    await Promise.all((jvm ?? []).map((instance) => instance.close()));
  });

  it('ZkEndpointer lists the three with address and port, balances over them, skips the rest and logs the broken node once', async () => {
    const warnings: string[] = [];
    const reader = await ZkClient.connect({ servers });
    const endpointer = new ZkEndpointer(reader, servicePath, {
      factory: httpEndpointFactory(),
      logger: { log: () => {}, warn: (message) => warnings.push(message), error: () => {} },
    });
    try {
      await waitFor(() => endpointer.instances().length === 3);
      expect(addressAndPort(endpointer.instances())).toEqual(
        [
          `curator 127.0.0.1:${jvm[0]!.port}`,
          `spring 127.0.0.1:${jvm[1]!.port}`,
          `curator 127.0.0.1:${jvm[2]!.port}`,
        ].sort(),
      );
      expect(endpointer.instances().map((instance) => instance.id)).toEqual(ids);
      const answers: string[] = [];
      for (let call = 0; call < 6; call++) {
        const body = await endpointer.call((endpoint) =>
          endpoint.json<{ name: string }>('/whoami'),
        );
        answers.push(body.name);
      }
      expect(answers.sort()).toEqual([
        'curator-a',
        'curator-a',
        'curator-c',
        'curator-c',
        'spring-b',
        'spring-b',
      ]);
      const broken = warnings.filter((message) => message.includes('55555555'));
      expect(broken).toHaveLength(1);
      expect(broken[0]).toContain('has neither a "port" nor an "sslPort"');
      expect(warnings.some((message) => message.includes('44444444'))).toBe(false);
    } finally {
      await endpointer.close();
      await reader.close();
    }
  });

  it('@InjectEndpointer on the Spring service path works the same, and sees a JVM instance leave', async () => {
    const { app, endpointer } = await startConsumerApp(servers, servicePath);
    try {
      expect(endpointer.instances()).toHaveLength(3);
      const body = await endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));
      expect(['curator-a', 'spring-b', 'curator-c']).toContain(body.name);
      await writer.delete(`${servicePath}/${ids[1]}`);
      await waitFor(() => endpointer.instances().length === 2);
      expect(endpointer.instances().every((instance) => instance.format === 'curator')).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('a Nest app registered in Spring format', () => {
  it('is found by a consumer with its metadata; an out-of-service one is not called', async () => {
    const root = uniqueRoot('spring-nest');
    const up = await startServiceApp({
      servers,
      path: `${root}/services`,
      name: 'hello',
      instanceName: 'up',
      registration: { format: 'spring', metadata: { zone: 'eu-1' } },
    });
    const out = await startServiceApp({
      servers,
      path: `${root}/services`,
      name: 'hello',
      instanceName: 'out',
      registration: { format: 'spring', status: 'OUT_OF_SERVICE' },
    });
    const consumer = await startConsumerApp(servers, `${root}/services/hello`);
    try {
      const node = up.discovery.registeredNode!;
      expect(node).toMatch(new RegExp(`^${root}/services/hello/[0-9a-f-]{36}$`));
      expect(consumer.endpointer.instances()).toHaveLength(1);
      const [instance] = consumer.endpointer.instances();
      expect(instance).toMatchObject({
        format: 'spring',
        address: '127.0.0.1',
        port: up.port,
        url: up.url,
        metadata: { instance_status: 'UP', zone: 'eu-1' },
      });
      const body = await consumer.endpointer.call((endpoint) =>
        endpoint.json<{ name: string }>('/whoami'),
      );
      expect(body.name).toBe('up');
    } finally {
      await consumer.app.close();
      await out.app.close();
      await up.app.close();
    }
  });
});
