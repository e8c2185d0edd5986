import { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { silentLogger } from '../../lib/client/zk-logger.js';
import type { HttpEndpoint } from '../../lib/sd/http/http-endpoint.factory.js';
import { httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { ZkEndpointer, type ZkEndpointerConfig } from '../../lib/sd/zk-endpointer.js';
import { Arrivals, holdsSorted } from './arrivals.js';

/** Benchmarks print nothing but their figures. */
export const silent = silentLogger;

/**
 * The transports the benchmarks compare, the reference first: ratios are protocol/native (issue
 * 23), the native binding being what every figure before the protocol client was measured with.
 */
export const TRANSPORTS: readonly ZkTransport[] = ['native', 'protocol'];

/** How a table names the library on one transport: `library (native)`. */
export function libraryLabel(transport: ZkTransport): string {
  return `library (${transport})`;
}

/**
 * A connected ZkClient that logs nothing and stays open while the benchmark does other work: a
 * benchmark waits on bare clients (native handles only) for seconds, which the client's idle check
 * would take for a script that forgot `close()` (it closed a consumer during the floor's initial
 * read of 10,000 children on a loaded machine). `transport` unset: the process's default (the
 * `ZK_DISCOVERY_TRANSPORT` environment variable, else 'protocol').
 */
export function connectClient(servers: string, transport?: ZkTransport): Promise<ZkClient> {
  return ZkClient.connect({ servers, logger: silent, keepProcessAlive: true, transport });
}

/**
 * What an app injecting `@InjectEndpointer(path)` holds (a `ZkEndpointer` with the default HTTP
 * factory), plus an `Arrivals` told of every change at the moment the endpointer applied it.
 */
export interface WatchedEndpointer {
  endpointer: ZkEndpointer<HttpEndpoint>;
  arrivals: Arrivals;
}

/** Creates the endpointer and waits until it holds `expected` instances. */
export async function watchEndpointer(
  client: ZkClient,
  path: string,
  expected: number,
  timeoutMs = 60_000,
  config: Omit<ZkEndpointerConfig<HttpEndpoint>, 'factory' | 'logger'> = {},
): Promise<WatchedEndpointer> {
  const endpointer = new ZkEndpointer(client, path, {
    ...config,
    factory: httpEndpointFactory(),
    logger: silent,
  });
  const arrivals = new Arrivals();
  // The endpointer subscribed to the shared instancer first, so it has applied each snapshot
  // by the time this listener runs.
  const held = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${path}: ${endpointer.instances().length}/${expected} held`)),
      timeoutMs,
    );
    endpointer.subscribe(() => {
      const at = performance.now();
      const instances = endpointer.instances();
      arrivals.notify(at, (id) => holdsSorted(instances, id));
      if (instances.length === expected) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await held;
  return { endpointer, arrivals };
}
