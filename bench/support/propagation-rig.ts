import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Arrivals, ChangeHistory } from './arrivals.js';
import { BareWatcher } from './bare-watcher.js';
import { BareZk } from './bare-zk.js';
import type { CuratorTimer } from './curator-timer.js';
import { benchPath, curatorInstanceJson, registerCuratorFleet, registerFleet } from './fleet.js';
import { connectClient, libraryLabel, TRANSPORTS, watchEndpointer } from './lib-parts.js';
import { nthOrder } from './order.js';
import { Registrant, type Timed } from './registrant.js';
import { BareProtocol, TreeWatcher } from './tree-watcher.js';

/** One change seen by a consumer: from the change's call, from its resolution; requests sent. */
export interface ChangeTiming {
  fromCall: number;
  fromResolved: number;
  /** NaN where the consumer's requests are not counted (Curator). */
  requests: number;
}

/** A register and a deregister, as one consumer saw them. */
export interface ChangePair {
  register: ChangeTiming;
  deregister: ChangeTiming;
}

/**
 * A consumer of the propagation trials: the library on a transport; the floor (issue 24: the
 * protocol client bare, one persistent recursive watch); the one-shot floor (the native binding
 * bare, a children watch re-armed by a list read per change: the floor before issue 24); Curator's
 * `ServiceCache`.
 */
export type Side = ZkTransport | 'floor' | 'one-shot floor' | 'curator';

/** How a table names a side. */
export function sideLabel(side: Side): string {
  switch (side) {
    case 'floor':
      return 'floor (protocol client, persistent recursive watch)';
    case 'one-shot floor':
      return 'one-shot floor (native binding, children watch)';
    case 'curator':
      return 'Curator 5.4 `ServiceCache`';
    default:
      return libraryLabel(side);
  }
}

/** One trial: a register and a deregister, as each side saw them. */
export interface PropagationTrial {
  sides: Map<Side, ChangePair>;
}

/** A consumer in the rig, and how to register on its copy of the service. */
interface RigSide {
  side: Side;
  arrivals: Arrivals;
  /** Requests the consumer sent so far (NaN: not counted). */
  requests(): number;
  /** Registers one instance: its node, its id as the consumer holds it, and the times. */
  register(): Promise<Timed & { node: string; id: string }>;
  /** Deregisters the node `register` made: the library's `Registrar`, else a bare delete. */
  deregister(node: string): Promise<Timed>;
  close(): Promise<void> | void;
}

/** What to run besides the library on `transports`. */
export interface RigOptions {
  transports?: readonly ZkTransport[];
  /** Curator's ServiceCache, on a copy of its own in Curator's format; none: no Curator side. */
  curator?: CuratorTimer | undefined;
}

/**
 * Services with `size` instances each, one per side, each watched by that side's consumer on its
 * own session, so a change to one never wakes another: the library on each transport (a
 * `ZkEndpointer`), the floor, the one-shot floor (go-kit's format, as the library's), and
 * Curator's `ServiceCache` (Curator's JSON format under a Curator base path, the only format it
 * reads). The registering app is another process (as in production, and so its work never delays
 * the consumers' event loop): `Registrar` on the consumer's transport for the library (a
 * deployment runs one transport on both ends), a bare create / delete for the floors and Curator.
 */
export class PropagationRig {
  private constructor(
    readonly size: number,
    /** The sides, in the order of the tables. */
    readonly sides: readonly Side[],
    private readonly filler: BareZk,
    private readonly registrant: Registrant,
    private readonly rigSides: readonly RigSide[],
  ) {}

  static async start(
    servers: string,
    size: number,
    options: RigOptions = {},
  ): Promise<PropagationRig> {
    const { transports = TRANSPORTS, curator } = options;
    const filler = await BareZk.connect(servers);
    const registrant = await Registrant.start(servers);
    const rigSides: RigSide[] = [];
    const port = () => 10_000 + Math.floor(Math.random() * 50_000);
    try {
      for (const transport of transports) {
        const path = benchPath(`ours-${transport}-${size}`);
        await registerFleet(filler, path, size);
        const consumer: ZkClient = await connectClient(servers, transport);
        const watched = await watchEndpointer(consumer, path, size);
        rigSides.push({
          side: transport,
          arrivals: watched.arrivals,
          requests: () => consumer.requestCounts.total,
          register: async () => {
            const registered = await registrant.register(
              transport,
              path,
              `http://127.0.0.1:${port()}`,
            );
            return { ...registered, id: registered.node.slice(path.length + 1) };
          },
          deregister: (node) => registrant.deregister(node),
          close: async () => {
            await watched.endpointer.close();
            await consumer.close();
          },
        });
      }

      const floorPath = benchPath(`floor-${size}`);
      await registerFleet(filler, floorPath, size);
      const treeSession = await BareProtocol.connect(servers);
      const tree = new TreeWatcher(treeSession, floorPath);
      await tree.start();
      if (tree.held.size !== size) throw new Error(`the floor holds ${tree.held.size}/${size}`);
      rigSides.push(bareSide('floor', tree, registrant, port, () => treeSession.close()));

      const oneShotPath = benchPath(`one-shot-floor-${size}`);
      await registerFleet(filler, oneShotPath, size);
      const oneShotSession = await BareZk.connect(servers);
      const oneShot = new BareWatcher(oneShotSession.native, oneShotPath);
      await oneShot.start();
      rigSides.push(
        bareSide('one-shot floor', oneShot, registrant, port, () => oneShotSession.close()),
      );

      if (curator) {
        const name = `svc-${size}-${randomBytes(4).toString('hex')}`;
        const path = await registerCuratorFleet(filler, curator.basePath, name, size);
        const arrivals = await curator.watch(name, size);
        rigSides.push({
          side: 'curator',
          arrivals,
          requests: () => Number.NaN,
          register: async () => {
            const id = randomUUID();
            const created = await registrant.createNode(
              `${path}/${id}`,
              curatorInstanceJson(name, id, port()),
            );
            return { ...created, id };
          },
          deregister: (node) => registrant.delete(node),
          // First, so that the cache never sees its instances go with the filler's session.
          close: () => curator.unwatch(name),
        });
      }
    } catch (error) {
      await closeAll(rigSides, registrant, filler);
      throw error;
    }
    return new PropagationRig(
      size,
      rigSides.map((rigSide) => rigSide.side),
      filler,
      registrant,
      rigSides,
    );
  }

  /**
   * Registers then deregisters one instance on each side, in the order `nthOrder` gives trial
   * `index`: every order in turn.
   */
  async trial(index: number): Promise<PropagationTrial> {
    const sides = new Map<Side, ChangePair>();
    for (const rigSide of nthOrder(this.rigSides, index)) {
      sides.set(rigSide.side, await this.sideTrial(rigSide));
    }
    return { sides };
  }

  async close(): Promise<void> {
    await closeAll(this.rigSides, this.registrant, this.filler);
  }

  private async sideTrial(rigSide: RigSide): Promise<ChangePair> {
    const before = rigSide.requests();
    const registered = await rigSide.register();
    const held = await rigSide.arrivals.when(registered.id, true);
    await this.settle();
    const afterRegister = rigSide.requests();
    const deregistered = await rigSide.deregister(registered.node);
    const dropped = await rigSide.arrivals.when(registered.id, false);
    await this.settle();
    return {
      register: timing(registered, held, afterRegister - before),
      deregister: timing(deregistered, dropped, rigSide.requests() - afterRegister),
    };
  }

  /** Lets late answers and re-arms land before the next step (counted in this trial). */
  private async settle(): Promise<void> {
    await delay(2 + this.size / 1000);
  }
}

/** A bare consumer (either floor), registered on by a bare create of a go-kit node. */
function bareSide(
  side: Side,
  watcher: BareWatcher | TreeWatcher,
  registrant: Registrant,
  port: () => number,
  closeSession: () => void,
): RigSide {
  const history = new ChangeHistory(new Arrivals());
  watcher.onChange((change) => history.notify(change.at, change.added, change.removed));
  const counts = watcher.requests as { getChildren: number; get: number };
  return {
    side,
    arrivals: history.arrivals,
    requests: () => counts.getChildren + counts.get,
    register: async () => {
      const created = await registrant.create(watcher.path, `http://127.0.0.1:${port()}`);
      return { ...created, id: created.node.slice(watcher.path.length + 1) };
    },
    deregister: (node) => registrant.delete(node),
    close: () => {
      watcher.close();
      closeSession();
    },
  };
}

async function closeAll(
  rigSides: readonly RigSide[],
  registrant: Registrant,
  filler: BareZk,
): Promise<void> {
  // Curator's cache first (see its side), then the consumers, the registrant, the fleets.
  const ordered = [...rigSides].sort(
    (a, b) => Number(b.side === 'curator') - Number(a.side === 'curator'),
  );
  for (const rigSide of ordered) await rigSide.close();
  await registrant.close();
  filler.close();
}

function timing(change: Timed, seen: number, requests: number): ChangeTiming {
  return { fromCall: seen - change.called, fromResolved: seen - change.resolved, requests };
}
