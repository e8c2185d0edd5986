import { ZkClient, type ZkClientOptions, type ZkLogger } from '../client/index.js';

/** What one `registerZkResolver` call contributes, until it is undone. */
interface Registration {
  readonly client: ZkClient | undefined;
  readonly clientOptions: Omit<ZkClientOptions, 'servers'> | undefined;
  readonly logger: ZkLogger | undefined;
}

/** Active registrations, oldest first: the newest one that gives a setting wins. */
const registrations: Registration[] = [];
/** Resolvers of `zk:///` targets waiting for a default client. */
const waitingForClient = new Set<() => void>();

/** The default logger of the gRPC integration: warnings and errors to the console. */
const consoleLogger: ZkLogger = {
  log: () => {},
  warn: (message) => console.warn(`[ZkResolver] ${message}`),
  error: (message) => console.error(`[ZkResolver] ${message}`),
};

/** Adds a registration; returns the function that removes it (idempotent). */
export function addRegistration(registration: Registration): () => void {
  registrations.push(registration);
  if (registration.client) {
    for (const wake of [...waitingForClient]) wake();
  }
  return () => {
    const at = registrations.indexOf(registration);
    if (at !== -1) registrations.splice(at, 1);
  };
}

/** The client of targets without servers: the newest registered one. */
export function defaultClient(): ZkClient | undefined {
  return newest('client');
}

/** The logger of resolvers and of the policy. */
export function resolverLogger(): ZkLogger {
  return newest('logger') ?? consoleLogger;
}

/** Calls `wake` when a default client is registered; returns the function that stops waiting. */
export function waitForDefaultClient(wake: () => void): () => void {
  waitingForClient.add(wake);
  return () => {
    waitingForClient.delete(wake);
  };
}

function newest<K extends keyof Registration>(key: K): Registration[K] | undefined {
  for (let i = registrations.length - 1; i >= 0; i--) {
    const value = registrations[i]![key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A client the resolvers made for targets naming their servers, shared by connect string. */
interface OwnedEntry {
  readonly client: ZkClient;
  users: number;
}

const owned = new Map<string, OwnedEntry>();

/** A resolver's hold on the client of its target's servers. */
export interface OwnedClient {
  readonly client: ZkClient;
  /** Gives the hold back; the client is closed when no resolver holds it. Idempotent. */
  release(): void;
}

/**
 * The client of `servers`, made (not yet connected) on first use with the registered
 * `clientOptions`, shared by every resolver naming the same servers.
 * @throws TypeError when `servers` is not a connect string (the client's own message).
 */
export function holdOwnedClient(servers: string): OwnedClient {
  let entry = owned.get(servers);
  if (!entry) {
    const logger = resolverLogger();
    const client = new ZkClient({ logger, ...newest('clientOptions'), servers });
    entry = { client, users: 0 };
    owned.set(servers, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    client: held.client,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      owned.delete(servers);
      held.client.close().catch((error: unknown) => {
        resolverLogger().warn(
          `closing the ZooKeeper client of ${servers} failed: ${String(error)}`,
        );
      });
    },
  };
}

/** Clients the resolvers made and still hold, by connect string (for tests). */
export function ownedClientCount(): number {
  return owned.size;
}
