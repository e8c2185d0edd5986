import type { Unsubscribe } from '../../client/listeners.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { InstancerSnapshot, InstanceSource } from '../service-instance.js';
import { validateZnodePath } from '../service-validation.js';
import { Instancer, type InstancerOptions } from './instancer.js';

interface SharedEntry {
  instancer: Instancer;
  leases: number;
}

const registries = new WeakMap<ZkClient, Map<string, SharedEntry>>();

/**
 * A consumer's handle on the one instancer shared by every consumer of (client, path). Closing the
 * lease closes the instancer when it was the last one.
 */
export class InstancerLease implements InstanceSource {
  private released = false;

  constructor(
    readonly instancer: Instancer,
    private readonly onRelease: () => void,
  ) {}

  get path(): string {
    return this.instancer.path;
  }

  get snapshot(): InstancerSnapshot | undefined {
    return this.instancer.snapshot;
  }

  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe {
    return this.instancer.subscribe(listener);
  }

  /** Gives the lease back; idempotent. */
  close(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

/**
 * Leases the shared instancer of `path` on `client`, creating it on first use. Options apply when
 * the instancer is created; later leases share it as it is.
 */
export function leaseInstancer(
  client: ZkClient,
  path: string,
  options?: InstancerOptions,
): InstancerLease {
  const normalized = validateZnodePath(path, 'instancer path');
  let registry = registries.get(client);
  if (!registry) {
    registry = new Map();
    registries.set(client, registry);
  }
  const shared = registry;
  let entry = shared.get(normalized);
  if (!entry) {
    entry = { instancer: new Instancer(client, normalized, options), leases: 0 };
    shared.set(normalized, entry);
  }
  const leased = entry;
  leased.leases++;
  return new InstancerLease(leased.instancer, () => {
    leased.leases--;
    if (leased.leases === 0) {
      leased.instancer.close();
      shared.delete(normalized);
    }
  });
}
