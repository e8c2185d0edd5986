import { randomBytes, randomUUID } from 'node:crypto';
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
  const names: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const prefix = `${path}/_c_${randomBytes(16).toString('hex')}-`;
      const created = await zk.create(
        prefix,
        `http://127.0.0.1:${20_000 + (index % 40_000)}`,
        Bare.EPHEMERAL_SEQUENTIAL,
      );
      names.push(created.slice(path.length + 1));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return names;
}

/** A path under the benchmark root no other run uses. */
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

export function benchPath(label: string): string {
  return `/bench/${label}-${randomBytes(4).toString('hex')}/svc`;
}
