import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { encodeCuratorInstance } from '../../lib/sd/formats/curator.format.js';
import {
  type CuratorRegistrationSpec,
  curatorRegistration,
} from '../../lib/sd/formats/curator-registration.js';
import { instanceDecoder } from '../../lib/sd/formats/instance-decoder.js';
import { SPRING_INSTANCE_CLASS } from '../../lib/sd/formats/spring.constants.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { ZkEndpointer } from '../../lib/sd/zk-endpointer.js';
import { startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { CuratorPeer, type PeerInstance, type PeerSeen } from './curator-peer.js';
import { buildCuratorPeer, curatorPeerSkipReason } from './curator-peer-build.js';

const servers = inject('zkConnect');
const quiet = { log: () => {}, warn: () => {}, error: () => {} };
/** How we read a node, Spring instances out of service included (Curator lists them too). */
const decodeInstance = instanceDecoder({ includeNotUp: true });
const skipReason = curatorPeerSkipReason();
if (skipReason) {
  console.log(`curator-peer.test.ts: SKIPPED, no Java Curator peer on this machine: ${skipReason}`);
}

/** Fields both sides must agree on, from the peer's view of a Curator `ServiceInstance`. */
const javaView = (instance: PeerInstance) => ({
  id: instance.id,
  address: instance.address,
  port: instance.port,
  sslPort: instance.sslPort,
});

describe.skipIf(skipReason !== undefined)(
  'a real Curator ServiceDiscovery (Java peer) on the same ensemble',
  () => {
    const basePath = `${uniqueRoot('curator-peer')}/services`;
    let peer: CuratorPeer;
    let client: ZkClient;
    const registrars: Registrar[] = [];

    /** Registers one of ours with the core Registrar; returns it and how we decode its node. */
    async function registerOurs(spec: Omit<CuratorRegistrationSpec, 'basePath' | 'address'>) {
      const registration = curatorRegistration({ ...spec, basePath, address: '127.0.0.1' });
      const registrar = new Registrar(client, registration.service, {
        format: registration.format,
        logger: quiet,
      });
      registrars.push(registrar);
      const node = await registrar.register();
      const data = Buffer.from(registration.service.data);
      const ours = decodeInstance({ name: registration.id, path: node, data })!;
      return { registrar, id: registration.id, ours };
    }

    const sameAsOurs = (ours: ServiceInstance) => ({
      id: ours.id,
      address: ours.address,
      port: ours.port,
      sslPort: ours.sslPort ?? null,
    });

    beforeAll(async () => {
      const build = buildCuratorPeer();
      [peer, client] = await Promise.all([
        CuratorPeer.start(build, servers, basePath),
        ZkClient.connect({ servers, logger: quiet }),
      ]);
    });
    afterAll(async () => {
      for (const registrar of registrars) {
        await registrar.deregister();
        registrar.close();
      }
      await peer?.stop();
      await client?.close();
    });

    it('Curator-registered instances (no payload; a payload; an sslPort and a uriSpec) reach ZkEndpointer with their url, address, port and sslPort; an unregister is a leave', async () => {
      const [plain, withPayload, tls] = [randomUUID(), randomUUID(), randomUUID()];
      const common = { name: 'jvm', address: '127.0.0.1', registrationTimeUTC: 1_700_000_000_000 };
      await peer.register({ ...common, id: plain, port: 18081 });
      await peer.register({ ...common, id: withPayload, port: 18082, description: 'billing v2' });
      const registeredTls = await peer.register({
        ...common,
        id: tls,
        port: 18083,
        sslPort: 18443,
        uriSpec: '{scheme}://{address}:{ssl-port}/api',
      });
      expect(registeredTls.uri).toBe('https://127.0.0.1:18443/api');

      const endpointer = new ZkEndpointer(client, `${basePath}/jvm`, {
        factory: (instance) => ({ endpoint: instance }),
        logger: quiet,
      });
      try {
        await waitFor(() => endpointer.instances().length === 3);
        const byId = new Map(endpointer.instances().map((instance) => [instance.id, instance]));
        expect(byId.get(plain)).toMatchObject({
          format: 'curator',
          address: '127.0.0.1',
          port: 18081,
          url: 'http://127.0.0.1:18081',
          metadata: {},
        });
        expect(byId.get(plain)?.sslPort).toBeUndefined();
        expect(byId.get(withPayload)).toMatchObject({
          format: 'curator',
          port: 18082,
          url: 'http://127.0.0.1:18082',
          metadata: { description: 'billing v2' },
        });
        // Curator's own buildUriSpec() and ours give the same URL.
        expect(byId.get(tls)).toMatchObject({
          format: 'curator',
          port: 18083,
          sslPort: 18443,
          url: registeredTls.uri,
        });

        // Curator 5's default serializer writes what our encoder writes, byte for byte.
        expect(byId.get(plain)?.raw.toString('utf8')).toBe(
          encodeCuratorInstance({ ...common, id: plain, port: 18081 }).toString('utf8'),
        );
        const payload = { '@class': 'CuratorPeer$InstanceDetails', description: 'billing v2' };
        expect(byId.get(withPayload)?.raw.toString('utf8')).toBe(
          encodeCuratorInstance({ ...common, id: withPayload, port: 18082, payload }).toString(
            'utf8',
          ),
        );

        await peer.unregister(tls);
        await waitFor(() => endpointer.instances().length === 2);
        expect(endpointer.instances().map((instance) => instance.id)).not.toContain(tls);
      } finally {
        await endpointer.close();
      }
    });

    it('our curator registrations are read by ServiceCache and ServiceProvider with our address, port and sslPort; our deregistration is a leave', async () => {
      const name = 'node-curator';
      expect(await peer.watch(name)).toEqual([]);
      const plain = await registerOurs({ format: 'curator', name, port: 18091 });
      const tls = await registerOurs({ format: 'curator', name, port: 18092, sslPort: 18093 });

      const seen = await peer.cacheChange(name, (instances) => instances.length === 2);
      const expected = [plain.ours, tls.ours]
        .map(sameAsOurs)
        .sort((a, b) => a.id.localeCompare(b.id));
      expect(seen.map(javaView)).toEqual(expected);
      const view = await peer.instancesWhen(name, (got) => got.provider.length === 2);
      expect(view.provider.map(javaView)).toEqual(expected);
      expect([plain.id, tls.id]).toContain(view.pick?.id);
      // We write Curator's defaults: no payload and no uriSpec (buildUriSpec() gives ''), so
      // consumers build the URL from address and port as we do.
      for (const instance of view.cache) {
        expect(instance).toMatchObject({ payloadClass: null, uri: '', enabled: true });
      }
      expect(plain.ours.url).toBe('http://127.0.0.1:18091');
      expect((await peer.query(name)).map(javaView)).toEqual(expected);

      await plain.registrar.deregister();
      const left = await peer.cacheChange(name, (instances) => instances.length === 1);
      expect(left.map(javaView)).toEqual([sameAsOurs(tls.ours)]);
      await peer.instancesWhen(name, (got) => got.provider.length === 1);
    });

    it("our spring registrations (core Registrar and Nest module) deserialise into Spring's ZookeeperInstance with their metadata, and buildUriSpec() gives our url", async () => {
      const name = 'node-spring';
      expect(await peer.watch(name, { spring: true })).toEqual([]);
      const zoned = await registerOurs({
        format: 'spring',
        name,
        port: 18101,
        metadata: { zone: 'eu-1', weight: '3' },
      });
      const drained = await registerOurs({
        format: 'spring',
        name,
        port: 18102,
        sslPort: 18102,
        status: 'OUT_OF_SERVICE',
      });
      const nest = await startServiceApp({
        servers,
        path: basePath,
        name,
        instanceName: 'nest',
        registration: { format: 'spring', zone: 'eu-2', weight: 2, ports: { admin: 18199 } },
      });
      try {
        const nestNode = nest.discovery.registeredNode!;
        const nestOurs = decodeInstance({
          name: nestNode.slice(nestNode.lastIndexOf('/') + 1),
          path: nestNode,
          data: (await client.getData(nestNode)).data,
        })!;

        const seen = await peer.cacheChange(name, (instances) => instances.length === 3);
        const byId = new Map(seen.map((instance) => [instance.id, instance]));
        for (const ours of [zoned.ours, drained.ours, nestOurs]) {
          const theirs = byId.get(ours.id)!;
          expect(javaView(theirs)).toEqual(sameAsOurs(ours));
          expect(theirs.payloadClass).toBe(SPRING_INSTANCE_CLASS);
          expect(theirs.payload).toEqual({ id: name, name, metadata: ours.metadata });
          expect(theirs.uri).toBe(ours.url);
        }
        expect(byId.get(zoned.id)?.payload).toMatchObject({
          metadata: { instance_status: 'UP', zone: 'eu-1', weight: '3' },
        });
        expect(byId.get(drained.id)).toMatchObject({
          uri: 'https://127.0.0.1:18102',
          payload: { metadata: { instance_status: 'OUT_OF_SERVICE' } },
        });
        expect(byId.get(nestOurs.id)).toMatchObject({
          uri: nest.url,
          payload: {
            metadata: { instance_status: 'UP', zone: 'eu-2', weight: '2', 'port.admin': '18199' },
          },
        });
        const view = await peer.instancesWhen(name, (got) => got.provider.length === 3);
        expect(view.provider.map((instance) => instance.id).sort()).toEqual(
          [...byId.keys()].sort(),
        );
        expect(byId.has(view.pick!.id)).toBe(true);
        expect((await peer.query(name)).map(javaView)).toEqual(seen.map(javaView));
      } finally {
        await nest.app.close();
      }
      const left = await peer.cacheChange(name, (instances) => instances.length === 2);
      expect(left.map((instance) => instance.id).sort()).toEqual([zoned.id, drained.id].sort());
    });

    it("the timing mode (bench): its ServiceCache reports each instance it sees come and go, stamped with the JVM's System.nanoTime, which is this process's monotonic clock", async () => {
      const name = 'timed';
      const before = process.hrtime.bigint();
      const nanos = await peer.clock();
      expect(nanos).toBeGreaterThanOrEqual(before);
      expect(nanos).toBeLessThanOrEqual(process.hrtime.bigint());

      const already = await registerOurs({ format: 'curator', name, port: 18121 });
      const seen: PeerSeen[] = [];
      peer.onSeen((change) => seen.push(change));
      expect(await peer.time(name)).toBe(1);
      const registeredAt = process.hrtime.bigint();
      const joined = await registerOurs({ format: 'curator', name, port: 18122 });
      await waitFor(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ name, added: [joined.id], removed: [] });
      expect(seen[0]!.at).toBeGreaterThan(registeredAt);
      expect(seen[0]!.at).toBeLessThan(process.hrtime.bigint());

      await already.registrar.deregister();
      await waitFor(() => seen.length === 2);
      expect(seen[1]).toMatchObject({ name, added: [], removed: [already.id] });
      expect(seen[1]!.at).toBeGreaterThan(seen[0]!.at);

      await peer.untime(name);
      await joined.registrar.deregister();
      await delay(200);
      expect(seen).toHaveLength(2);
    });

    it('a broken JSON node and a go-kit URL node under the service do not break ServiceCache or ServiceProvider: they keep serving the good instances', async () => {
      const name = 'mixed';
      const servicePath = `${basePath}/${name}`;
      const good = await registerOurs({ format: 'spring', name, port: 18111 });
      const broken = `${servicePath}/${randomUUID()}`;
      const gokit = `${servicePath}/_c_${randomBytes(16).toString('hex')}-0000000000`;
      await client.create(broken, '{"name":"mixed","id":"cut","address":', { mode: 'ephemeral' });
      await client.create(gokit, 'http://127.0.0.1:18112', { mode: 'ephemeral' });

      // Started with the bad nodes already there, then a change after them.
      const initial = await peer.watch(name, { spring: true });
      expect(initial.map((instance) => instance.id)).toEqual([good.id]);
      const jvm = randomUUID();
      await peer.register({ name, id: jvm, address: '127.0.0.1', port: 18113 });
      const seen = await peer.cacheChange(name, (instances) => instances.length === 2);
      const goodIds = [good.id, jvm].sort();
      expect(seen.map((instance) => instance.id)).toEqual(goodIds);
      const view = await peer.instancesWhen(name, (got) => got.provider.length === 2);
      expect(view.provider.map((instance) => instance.id)).toEqual(goodIds);
      expect(goodIds).toContain(view.pick?.id);
      // Curator logs each bad child (its listener's exception) and leaves it out; only its
      // uncached read, queryForInstances, fails for the whole service on one malformed node.
      await waitFor(() => /ServiceCacheImpl\.addInstance/.test(peer.log));
      await expect(peer.query(name)).rejects.toThrow(
        /com\.fasterxml\.jackson\.core\.(JsonParseException|io\.JsonEOFException)/,
      );

      // Our side calls the go-kit node too, and skips only the broken one (opaque go-kit data
      // without a URL: the HTTP factory refuses it).
      const endpointer = new ZkEndpointer(client, servicePath, {
        factory: httpEndpointFactory(),
        logger: quiet,
      });
      try {
        await waitFor(() => endpointer.instances().length === 3);
        expect(
          endpointer
            .instances()
            .map((instance) => instance.format)
            .sort(),
        ).toEqual(['curator', 'gokit', 'spring']);
      } finally {
        await endpointer.close();
        await peer.unregister(jvm);
      }
    });
  },
);
