import { setTimeout as delay } from 'node:timers/promises';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Arrivals } from './arrivals.js';
import { BareWatcher } from './bare-watcher.js';
import { BareZk } from './bare-zk.js';
import { benchPath, registerFleet } from './fleet.js';
import { connectClient, TRANSPORTS, type WatchedEndpointer, watchEndpointer } from './lib-parts.js';
import { nthOrder } from './order.js';
import { Registrant, type Timed } from './registrant.js';

/** One change seen by a consumer: from the change's call, from its resolution; requests sent. */
export interface ChangeTiming {
  fromCall: number;
  fromResolved: number;
  requests: number;
}

/** A register and a deregister, as one consumer saw them. */
export interface ChangePair {
  register: ChangeTiming;
  deregister: ChangeTiming;
}

/** One trial: a register and a deregister, seen by the library on each transport and the floor. */
export interface PropagationTrial {
  library: Map<ZkTransport, ChangePair>;
  floor: ChangePair;
}

/** The library on one transport: its consumer's client, its endpointer, its copy of the service. */
interface LibrarySide {
  transport: ZkTransport;
  consumer: ZkClient;
  watched: WatchedEndpointer;
  path: string;
}

/** A side of a trial: the library on a transport, or the floor. */
type Side = ZkTransport | 'floor';

/**
 * Services with `size` instances each: one per transport watched by a `ZkEndpointer` on a session
 * of that transport, and one watched by the bare floor (on its own session), so a change to one
 * never wakes another. The registering app is another process (as in production, and so its work
 * never delays the consumers' event loop): `Registrar` on the consumer's transport (a deployment
 * runs one transport on both ends), a bare create/delete for the floor.
 */
export class PropagationRig {
  private constructor(
    readonly size: number,
    readonly transports: readonly ZkTransport[],
    private readonly filler: BareZk,
    private readonly registrant: Registrant,
    private readonly libraries: readonly LibrarySide[],
    private readonly bareConsumer: BareZk,
    private readonly floor: BareWatcher,
    private readonly floorArrivals: Arrivals,
  ) {}

  static async start(
    servers: string,
    size: number,
    transports: readonly ZkTransport[] = TRANSPORTS,
  ): Promise<PropagationRig> {
    const filler = await BareZk.connect(servers);
    const libraries: LibrarySide[] = [];
    for (const transport of transports) {
      const path = benchPath(`ours-${transport}-${size}`);
      await registerFleet(filler, path, size);
      const consumer = await connectClient(servers, transport);
      const watched = await watchEndpointer(consumer, path, size);
      libraries.push({ transport, consumer, watched, path });
    }
    const floorPath = benchPath(`floor-${size}`);
    await registerFleet(filler, floorPath, size);
    const bareConsumer = await BareZk.connect(servers);
    const floor = new BareWatcher(bareConsumer.native, floorPath);
    await floor.start();
    const floorArrivals = new Arrivals();
    floor.onChange((change) => floorArrivals.notify(change.at, (id) => floor.held.has(id)));
    return new PropagationRig(
      size,
      transports,
      filler,
      await Registrant.start(servers),
      libraries,
      bareConsumer,
      floor,
      floorArrivals,
    );
  }

  /**
   * Registers then deregisters one instance on each side (the library on each transport, the
   * floor), in the order `nthOrder` gives trial `index`: every order in turn.
   */
  async trial(index: number): Promise<PropagationTrial> {
    const sides: Side[] = [...this.transports, 'floor'];
    const library = new Map<ZkTransport, ChangePair>();
    let floor: ChangePair | undefined;
    for (const side of nthOrder(sides, index)) {
      if (side === 'floor') {
        floor = await this.floorTrial();
      } else {
        const ours = this.libraries.find((candidate) => candidate.transport === side)!;
        library.set(side, await this.libraryTrial(ours));
      }
    }
    return { library, floor: floor! };
  }

  async close(): Promise<void> {
    for (const library of this.libraries) {
      await library.watched.endpointer.close();
      await library.consumer.close();
    }
    this.floor.close();
    await this.registrant.close();
    this.bareConsumer.close();
    this.filler.close();
  }

  private async libraryTrial(library: LibrarySide): Promise<ChangePair> {
    const { consumer, watched, path, transport } = library;
    const requests = () => consumer.requestCounts.total;
    const data = `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`;
    const before = requests();
    const registered = await this.registrant.register(transport, path, data);
    const id = registered.node.slice(path.length + 1);
    const held = await watched.arrivals.when(id, true);
    await this.settle();
    const afterRegister = requests();
    const deregistered = await this.registrant.deregister(registered.node);
    const dropped = await watched.arrivals.when(id, false);
    await this.settle();
    return {
      register: timing(registered, held, afterRegister - before),
      deregister: timing(deregistered, dropped, requests() - afterRegister),
    };
  }

  private async floorTrial(): Promise<ChangePair> {
    const requests = () => this.floor.requests.getChildren + this.floor.requests.get;
    const data = `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`;
    const before = requests();
    const created = await this.registrant.create(this.floor.path, data);
    const id = created.node.slice(this.floor.path.length + 1);
    const held = await this.floorArrivals.when(id, true);
    await this.settle();
    const afterRegister = requests();
    const deleted = await this.registrant.delete(created.node);
    const dropped = await this.floorArrivals.when(id, false);
    await this.settle();
    return {
      register: timing(created, held, afterRegister - before),
      deregister: timing(deleted, dropped, requests() - afterRegister),
    };
  }

  /** Lets late answers and re-arms land before the next step (counted in this trial). */
  private async settle(): Promise<void> {
    await delay(2 + this.size / 1000);
  }
}

function timing(change: Timed, seen: number, requests: number): ChangeTiming {
  return { fromCall: seen - change.called, fromResolved: seen - change.resolved, requests };
}
