import type { ZkTransport } from '../../lib/client/zk-client.options.js';

/** Who registers: the library's `Registrar` on a transport, or the bare binding (the floor). */
export type Registering = ZkTransport | 'bare';

/** Requests from the benchmark to the registrant process, and its answers (over IPC). */
export type RegistrantRequest =
  | { id: number; op: 'clock' }
  /** `Registrar.register()` through the registrant's client of `transport`. */
  | {
      id: number;
      op: 'register';
      transport: ZkTransport;
      path: string;
      name: string;
      data: string;
    }
  | { id: number; op: 'deregister'; node: string }
  | { id: number; op: 'create'; prefix: string; data: string }
  /** A bare ephemeral create of `path` itself (a Curator instance node: `<base>/<name>/<id>`). */
  | { id: number; op: 'create-node'; path: string; data: string }
  | { id: number; op: 'delete'; node: string }
  /** Opens `count` more sessions of each kind (each transport's ZkClient, bare) for the fleet. */
  | { id: number; op: 'fleet-open'; count: number }
  /** Every fleet session of one kind registers one instance at once (`Registrar`, or a create). */
  | { id: number; op: 'fleet-register'; servicePath: string; by: Registering }
  /** Every instance of the last fleet-register goes. */
  | { id: number; op: 'fleet-deregister' };

/**
 * On the registrant's clock (`performance.timeOrigin + performance.now()`): `started` when the
 * operation was called, `at` when it resolved; `node` the node created; `requests` the ZooKeeper
 * requests the registering sessions sent for it (fleet-register).
 */
export type RegistrantAnswer = {
  id: number;
  started: number;
  at: number;
  node?: string;
  requests?: number;
  error?: string;
};
