/** Requests from the benchmark to the registrant process, and its answers (over IPC). */
export type RegistrantRequest =
  | { id: number; op: 'clock' }
  | { id: number; op: 'register'; path: string; name: string; data: string }
  | { id: number; op: 'deregister'; node: string }
  | { id: number; op: 'create'; prefix: string; data: string }
  | { id: number; op: 'delete'; node: string }
  /** Opens `count` more sessions of each kind for the fleet operations. */
  | { id: number; op: 'fleet-open'; count: number }
  /** Every fleet session registers one instance at once (`Registrar`, or a bare create). */
  | { id: number; op: 'fleet-register'; servicePath: string; bare: boolean }
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
