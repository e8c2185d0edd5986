import { randomBytes } from 'node:crypto';
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
export function benchPath(label: string): string {
  return `/bench/${label}-${randomBytes(4).toString('hex')}/svc`;
}
