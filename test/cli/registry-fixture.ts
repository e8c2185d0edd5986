import type { ZkClient } from '../../lib/client/zk-client.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';

const quiet = { log: () => {}, warn: () => {}, error: () => {} };

/** A registry with services in all three formats under `base` (e.g. `/t-cli-x/services`). */
export interface Registry {
  readonly base: string;
  readonly registrars: Registrar[];
  /** Instance ids by service name. */
  readonly ids: Record<'gokit' | 'curator' | 'spring' | 'springOut', string>;
  close(): Promise<void>;
}

/**
 * Writes, with `client`'s session:
 * - `base/orders/v1/_c_...` go-kit, `http://127.0.0.1:7001`;
 * - `base/billing/<uuid>` Curator, 127.0.0.1:7002;
 * - `base/hello/<uuid>` Spring UP (127.0.0.1:7003) and OUT_OF_SERVICE (127.0.0.1:7004);
 * - `base/hello/broken` a node without a port; `base/empty` a service without instances.
 */
export async function writeRegistry(client: ZkClient, base: string): Promise<Registry> {
  const gokit = new Registrar(
    client,
    { path: `${base}/orders`, name: 'v1', data: 'http://127.0.0.1:7001' },
    { logger: quiet },
  );
  const curator = curatorRegistration({
    format: 'curator',
    basePath: base,
    name: 'billing',
    address: '127.0.0.1',
    port: 7002,
  });
  const spring = curatorRegistration({
    format: 'spring',
    basePath: base,
    name: 'hello',
    address: '127.0.0.1',
    port: 7003,
    metadata: { zone: 'eu-1' },
    weight: 3,
    ports: { grpc: 9003 },
  });
  const springOut = curatorRegistration({
    format: 'spring',
    basePath: base,
    name: 'hello',
    address: '127.0.0.1',
    port: 7004,
    status: 'OUT_OF_SERVICE',
  });
  const registrars = [
    gokit,
    ...[curator, spring, springOut].map(
      ({ service, format }) => new Registrar(client, service, { format, logger: quiet }),
    ),
  ];
  const [gokitNode] = await Promise.all(registrars.map((registrar) => registrar.register()));
  await client.create(
    `${base}/hello/broken`,
    '{"name":"hello","id":"broken","address":"127.0.0.1","port":null}',
    {
      mode: 'ephemeral',
    },
  );
  await client.ensurePath(`${base}/empty`);
  return {
    base,
    registrars,
    ids: {
      gokit: gokitNode!.slice(gokitNode!.lastIndexOf('/') + 1),
      curator: curator.id,
      spring: spring.id,
      springOut: springOut.id,
    },
    close: async () => {
      await Promise.all(registrars.map((registrar) => registrar.deregister()));
      for (const registrar of registrars) registrar.close();
    },
  };
}
