import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { Instancer } from '../../lib/sd/instancer/instancer.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { type HttpInstance, startHttpInstances } from './http-instances.js';

const servers = inject('zkConnect');

/** A member's JSON as Finagle's announcer (Twitter's ServiceInstance) writes it. */
function memberJson(main: number, admin: number, status: string, shard: number): string {
  return JSON.stringify({
    serviceEndpoint: { host: '127.0.0.1', port: main },
    additionalEndpoints: {
      admin: { host: '127.0.0.1', port: admin },
      grpc: { host: '127.0.0.1', port: 9091 },
    },
    status,
    shard,
  });
}

const quiet = { log: () => {}, warn: () => {}, error: () => {} };

describe('Finagle / Aurora serversets: member_<seq> nodes', () => {
  let writer: ZkClient;
  let reader: ZkClient;
  let http: HttpInstance[];
  const path = `${uniqueRoot('finagle')}/aurora/prod/hello`;
  const members: string[] = [];

  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
    reader = await ZkClient.connect({ servers });
    // Main and admin servers of two live members; a third member is stopping.
    http = await startHttpInstances(['a-main', 'a-admin', 'b-main', 'b-admin', 'c-admin']);
    const [aMain, aAdmin, bMain, bAdmin, cAdmin] = http.map((instance) => instance.port);
    await writer.ensurePath(path, 'persistent');
    for (const json of [
      memberJson(aMain!, aAdmin!, 'ALIVE', 0),
      memberJson(bMain!, bAdmin!, 'ALIVE', 1),
      memberJson(1, cAdmin!, 'STOPPING', 2),
    ]) {
      members.push(await writer.create(`${path}/member_`, json, { mode: 'ephemeral-sequential' }));
    }
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await Promise.all((http ?? []).map((instance) => instance.close()));
  });

  it('yields the ALIVE members with their named ports, shard and status', async () => {
    const endpointer = new ZkEndpointer(reader, path, {
      factory: httpEndpointFactory(),
      logger: quiet,
    });
    try {
      await waitFor(() => endpointer.instances().length === 2);
      const instances = endpointer.instances();
      expect(instances.map((instance) => instance.id)).toEqual(
        members.slice(0, 2).map((member) => member.slice(path.length + 1)),
      );
      expect(instances[0]!.id).toMatch(/^member_\d{10}$/);
      expect(instances[0]).toMatchObject({
        format: 'finagle',
        address: '127.0.0.1',
        port: http[0]!.port,
        url: `http://127.0.0.1:${http[0]!.port}`,
        metadata: { status: 'ALIVE', shard: '0' },
        ports: {
          admin: { address: '127.0.0.1', port: http[1]!.port },
          grpc: { address: '127.0.0.1', port: 9091 },
        },
      });
      const body = await endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));
      expect(['a-main', 'b-main']).toContain(body.name);
    } finally {
      await endpointer.close();
    }
  });

  it("an endpointer with port: 'admin' calls each member's admin port; a member that stops leaves the set", async () => {
    const admin = new ZkEndpointer(reader, path, {
      factory: httpEndpointFactory(),
      port: 'admin',
      logger: quiet,
    });
    try {
      await waitFor(() => admin.endpoints().length === 2);
      const names: string[] = [];
      for (let call = 0; call < 4; call++) {
        const body = await admin.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));
        names.push(body.name);
      }
      expect(names.sort()).toEqual(['a-admin', 'a-admin', 'b-admin', 'b-admin']);
      expect(http[4]!.hits()).toBe(0);

      // Member a announces it is stopping (Finagle rewrites its node's status): left out.
      await writer.setData(members[0]!, memberJson(http[0]!.port, http[1]!.port, 'STOPPING', 0));
      await waitFor(() => admin.endpoints().length === 1);
      const body = await admin.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));
      expect(body.name).toBe('b-admin');

      // And it is ALIVE again.
      await writer.setData(members[0]!, memberJson(http[0]!.port, http[1]!.port, 'ALIVE', 0));
      await waitFor(() => admin.endpoints().length === 2);
    } finally {
      await admin.close();
    }
  });

  it('includeNotUp keeps the stopping member, with its status', async () => {
    const instancer = new Instancer(reader, path, { includeNotUp: true, logger: quiet });
    try {
      await waitFor(() => instancer.snapshot?.instances.length === 3);
      expect(instancer.snapshot!.instances.map((instance) => instance.metadata.status)).toEqual([
        'ALIVE',
        'ALIVE',
        'STOPPING',
      ]);
    } finally {
      instancer.close();
    }
  });
});
