import { randomBytes, randomUUID } from 'node:crypto';
import { encodeCuratorInstance } from '../../lib/sd/formats/curator.format.js';
import { encodeSpringInstance } from '../../lib/sd/formats/spring.format.js';
import { Bare, type BareZk } from './bare-zk.js';

/**
 * Registers `count` instances under `path` the way go-kit and our Registrar name them
 * (`_c_<32 hex>-<10 digit seq>`, ephemeral, data `http://127.0.0.1:<port>`), through one bare
 * session, `inFlight` creates at a time. They live as long as that session.
 */
export async function registerFleet(
  zk: BareZk,
  path: string,
  count: number,
  inFlight = 1000,
): Promise<string[]> {
  await zk.ensurePath(path);
  const created = await createMany(count, inFlight, (index) =>
    zk.create(
      `${path}/_c_${randomBytes(16).toString('hex')}-`,
      `http://127.0.0.1:${20_000 + (index % 40_000)}`,
      Bare.EPHEMERAL_SEQUENTIAL,
    ),
  );
  return created.map((node) => node.slice(path.length + 1));
}

/**
 * Registers `count` instances of service `name` in Curator's format, as Curator's
 * `ServiceDiscovery.registerService` writes them: `basePath/name/<uuid>`, ephemeral, Curator's
 * `ServiceInstance` JSON (id the node's name, payload null), through one bare session, `inFlight`
 * at a time. Returns the service's path.
 */
export async function registerCuratorFleet(
  zk: BareZk,
  basePath: string,
  name: string,
  count: number,
  inFlight = 1000,
): Promise<string> {
  const path = `${basePath}/${name}`;
  await zk.ensurePath(path);
  await createMany(count, inFlight, (index) => {
    const id = randomUUID();
    const data = curatorInstanceJson(name, id, 20_000 + (index % 40_000));
    return zk.create(`${path}/${id}`, data, Bare.EPHEMERAL);
  });
  return path;
}

/** Curator's `ServiceInstance` JSON of one instance on 127.0.0.1 (what Curator 5.4 writes). */
export function curatorInstanceJson(name: string, id: string, port: number): string {
  return encodeCuratorInstance({
    name,
    id,
    address: '127.0.0.1',
    port,
    registrationTimeUTC: Date.now(),
  }).toString('utf8');
}

/** Runs `create(0..count-1)` with `inFlight` at a time; the created nodes, in completion order. */
async function createMany(
  count: number,
  inFlight: number,
  create: (index: number) => Promise<string>,
): Promise<string[]> {
  const created: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) created.push(await create(next++));
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return created;
}

/**
 * Registers one Spring instance per weight under `path` (`path/<uuid>`, ephemeral), with metadata
 * `weight`, on ports 20000 and up, through one bare session.
 */
export async function registerWeightedFleet(
  zk: BareZk,
  path: string,
  weights: readonly number[],
): Promise<void> {
  await zk.ensurePath(path);
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const [index, weight] of weights.entries()) {
    const id = randomUUID();
    const data = encodeSpringInstance({
      name,
      id,
      address: '127.0.0.1',
      port: 20_000 + index,
      weight,
      registrationTimeUTC: Date.now(),
    });
    await zk.create(`${path}/${id}`, data, Bare.EPHEMERAL);
  }
}

/** A path under the benchmark root no other run uses. */
export function benchPath(label: string): string {
  return `/bench/${label}-${randomBytes(4).toString('hex')}/svc`;
}
