import type { LoggerService } from '@nestjs/common';
import type { ZkClient } from '../../lib/client/index.js';
import { getZkClientToken } from '../../lib/index.js';
import { type ServiceApp, startConsumerApp, startServiceApp } from './nest-apps.js';

type ConsumerApp = Awaited<ReturnType<typeof startConsumerApp>>;

export interface DiscoveryFleetOptions {
  servers: string;
  /** The services register as `root/svc`. */
  root: string;
  /** One service app per name; each answers `/whoami` with its name. */
  names: readonly string[];
  serviceSessionMs: number;
  consumerSessionMs: number;
  /** Each app's logger, by its name (`consumer` for the consumer). @default none */
  logger?: (app: string) => LoggerService;
}

/** Service apps registered under one path, and a consumer app discovering them. */
export interface DiscoveryFleet {
  readonly services: readonly ServiceApp[];
  readonly consumer: ConsumerApp;
  /** The consumer's client, then each service's. */
  readonly clients: readonly ZkClient[];
  /** A call through the consumer's endpointer; resolves with the name of the instance. */
  call(): Promise<string>;
  /** The consumer's endpointer holds exactly the services' current nodes. */
  consumerSeesAll(): boolean;
  /** Every app connected and registered, and the consumer fresh with exactly the services. */
  converged(): boolean;
  close(): Promise<void>;
}

/**
 * Starts the services one by one (each registered before the next), then the consumer; closes
 * what it started if a start fails.
 */
export async function startDiscoveryFleet(options: DiscoveryFleetOptions): Promise<DiscoveryFleet> {
  const services: ServiceApp[] = [];
  const logger = (app: string) => (options.logger ? { logger: options.logger(app) } : {});
  let consumer: ConsumerApp;
  try {
    for (const name of options.names) {
      services.push(
        await startServiceApp({
          servers: options.servers,
          path: options.root,
          name: 'svc',
          instanceName: name,
          module: { sessionTimeoutMs: options.serviceSessionMs, ...logger(name) },
        }),
      );
    }
    consumer = await startConsumerApp(options.servers, `${options.root}/svc`, {
      sessionTimeoutMs: options.consumerSessionMs,
      ...logger('consumer'),
    });
  } catch (error) {
    for (const service of services) await service.app.close();
    throw error;
  }
  const clients = [
    consumer.app.get<ZkClient>(getZkClientToken()),
    ...services.map((service) => service.discovery.client),
  ];
  const sorted = (paths: readonly (string | undefined)[]) => [...paths].map(String).sort().join();
  const consumerSeesAll = () =>
    sorted(consumer.endpointer.instances().map((instance) => instance.path)) ===
    sorted(services.map((service) => service.discovery.registeredNode));
  return {
    services,
    consumer,
    clients,
    call: async () =>
      (await consumer.endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami')))
        .name,
    consumerSeesAll,
    converged: () =>
      clients.every((client) => client.state === 'connected') &&
      services.every((service) => service.discovery.registrationState === 'registered') &&
      consumer.endpointer.snapshot?.stale === false &&
      consumerSeesAll(),
    async close() {
      await consumer.app.close();
      for (const service of services) await service.app.close();
    },
  };
}
