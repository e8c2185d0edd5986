import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { type HttpEndpoint, httpEndpointFactory } from '../../lib/sd/http/http-endpoint.factory.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { ZkEndpointer, type ZkEndpointerConfig } from '../../lib/sd/zk-endpointer.js';
import { type ChildScript, startChildScript } from './child-script.js';
import { RecordingLogger } from './fixed-instance-source.js';
import { uniqueRoot } from './unique-root.js';
import { waitFor } from './wait-for.js';

/**
 * One HTTP instance to start: the status it answers with, after how long. With a `weight` or a
 * `zone` it is registered in the Spring format, which carries them.
 */
export interface InstanceSpec {
  status?: number;
  delayMs?: number;
  weight?: number;
  zone?: string;
}

export interface RegisteredInstance {
  readonly name: string;
  readonly child: ChildScript;
  readonly url: string;
}

/** The outcome of one call: the instances its attempts went to, and whether it failed. */
export interface CallRecord {
  readonly tried: string[];
  readonly failed: boolean;
}

export interface RegisteredHttpFleet {
  readonly instances: readonly RegisteredInstance[];
  readonly endpointer: ZkEndpointer<HttpEndpoint>;
  readonly logger: RecordingLogger;
  call(): Promise<CallRecord>;
  close(): Promise<void>;
}

/** go-kit's plain URL node, or a Spring node when the spec has traits. */
function registrarOf(
  client: ZkClient,
  path: string,
  url: string,
  spec: InstanceSpec,
  port: number,
): Registrar {
  if (spec.weight === undefined && spec.zone === undefined) {
    return new Registrar(client, { path, name: 'svc', data: url });
  }
  const { service, format } = curatorRegistration({
    format: 'spring',
    basePath: path,
    name: 'svc',
    address: '127.0.0.1',
    port,
    weight: spec.weight,
    zone: spec.zone,
  });
  return new Registrar(client, service, { format });
}

/**
 * Real HTTP instances, each a process of its own (so a test can freeze or kill one), registered
 * in a real ZooKeeper through `client`, and a `ZkEndpointer` watching them (HTTP timeout 800 ms,
 * to keep tests quick).
 */
export async function startRegisteredHttpFleet(
  client: ZkClient,
  specs: readonly InstanceSpec[],
  config: Omit<ZkEndpointerConfig<HttpEndpoint>, 'factory' | 'logger'> = {},
): Promise<RegisteredHttpFleet> {
  const path = `${uniqueRoot('fleet')}/hello`;
  const instances: RegisteredInstance[] = [];
  const closers: (() => unknown)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    for (const [i, spec] of specs.entries()) {
      const name = `i${i}`;
      const args = [name, String(spec.status ?? 200), String(spec.delayMs ?? 0)];
      const child = startChildScript('hello-server.mjs', args);
      closers.push(() => {
        child.process.kill('SIGCONT');
        child.kill();
      });
      const port = Number((await child.line(/^PORT \d+$/)).slice('PORT '.length));
      const url = `http://127.0.0.1:${port}`;
      const registrar = registrarOf(client, path, url, spec, port);
      await registrar.register();
      closers.push(() => registrar.deregister());
      instances.push({ name, child, url });
    }
    const logger = new RecordingLogger();
    const endpointer = new ZkEndpointer<HttpEndpoint>(client, `${path}/svc`, {
      ...config,
      factory: httpEndpointFactory({ timeoutMs: 800 }),
      logger,
    });
    closers.push(() => endpointer.close());
    await waitFor(() => endpointer.endpoints().length === specs.length);
    const call = async (): Promise<CallRecord> => {
      const tried: string[] = [];
      try {
        await endpointer.call((endpoint) => {
          tried.push(instances.find((instance) => instance.url === endpoint.url)!.name);
          return endpoint.json('/whoami');
        });
        return { tried, failed: false };
      } catch {
        return { tried, failed: true };
      }
    };
    return { instances, endpointer, logger, call, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * For a describe block: one client for the block, and a function starting a fleet that is
 * closed after the test that started it.
 */
export function useRegisteredHttpFleets(): (
  specs: readonly InstanceSpec[],
  config?: Omit<ZkEndpointerConfig<HttpEndpoint>, 'factory' | 'logger'>,
) => Promise<RegisteredHttpFleet> {
  let client: ZkClient | undefined;
  const started: RegisteredHttpFleet[] = [];
  beforeAll(async () => {
    client = await ZkClient.connect({ servers: inject('zkConnect') });
  });
  afterEach(async () => {
    for (const fleet of started.splice(0).reverse()) await fleet.close();
  });
  afterAll(async () => {
    await client?.close();
  });
  return async (specs, config) => {
    const fleet = await startRegisteredHttpFleet(client!, specs, config);
    started.push(fleet);
    return fleet;
  };
}
