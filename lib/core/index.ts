/**
 * nestjs-zk-discovery/core: the ZooKeeper client and the discovery core (ZkClient, Registrar,
 * Instancer, Endpointer, balancers, retry, instance formats, the HTTP endpoint), usable without
 * Nest: nothing here loads an `@nestjs/*` package.
 */
export * from '../client/index.js';
export * from '../sd/index.js';
