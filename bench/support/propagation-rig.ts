import { setTimeout as delay } from 'node:timers/promises';
import type { ZkClient } from '../../lib/client/zk-client.js';
import { Arrivals } from './arrivals.js';
import { BareWatcher } from './bare-watcher.js';
import { BareZk } from './bare-zk.js';
import { benchPath, registerFleet } from './fleet.js';
import { connectClient, type WatchedEndpointer, watchEndpointer } from './lib-parts.js';
import { Registrant, type Timed } from './registrant.js';

/** One change seen by a consumer: from the change's call, from its resolution; requests sent. */
export interface ChangeTiming {
  fromCall: number;
  fromResolved: number;
  requests: number;
}

/** One trial: a register and a deregister, seen by the library and by the floor. */
export interface PropagationTrial {
  ours: { register: ChangeTiming; deregister: ChangeTiming };
  floor: { register: ChangeTiming; deregister: ChangeTiming };
}

/**
 * Two services with `size` instances each: one watched by a `ZkEndpointer` (on its own session),
 * the other by the bare floor (on its own session), so a change to one never wakes the other.
 * The registering app is another process (as in production, and so its work never delays the
 * consumers' event loop): `Registrar` for ours, a bare create/delete for the floor.
 */
export class PropagationRig {
  private constructor(
    readonly size: number,
    private readonly filler: BareZk,
    private readonly registrant: Registrant,
    private readonly consumer: ZkClient,
    private readonly ours: WatchedEndpointer,
    private readonly oursPath: string,
    private readonly bareConsumer: BareZk,
    private readonly floor: BareWatcher,
    private readonly floorArrivals: Arrivals,
  ) {}

  static async start(servers: string, size: number): Promise<PropagationRig> {
    const filler = await BareZk.connect(servers);
    const oursPath = benchPath(`ours-${size}`);
    const floorPath = benchPath(`floor-${size}`);
    await registerFleet(filler, oursPath, size);
    await registerFleet(filler, floorPath, size);
    const consumer = await connectClient(servers);
    const ours = await watchEndpointer(consumer, oursPath, size);
    const bareConsumer = await BareZk.connect(servers);
    const floor = new BareWatcher(bareConsumer.native, floorPath);
    await floor.start();
    const floorArrivals = new Arrivals();
    floor.onChange((change) => floorArrivals.notify(change.at, (id) => floor.held.has(id)));
    return new PropagationRig(
      size,
      filler,
      await Registrant.start(servers),
      consumer,
      ours,
      oursPath,
      bareConsumer,
      floor,
      floorArrivals,
    );
  }

  /** Register then deregister one instance, ours and the floor's, in `oursFirst` order. */
  async trial(oursFirst: boolean): Promise<PropagationTrial> {
    if (oursFirst) {
      const ours = await this.oursTrial();
      return { ours, floor: await this.floorTrial() };
    }
    const floor = await this.floorTrial();
    return { ours: await this.oursTrial(), floor };
  }

  async close(): Promise<void> {
    await this.ours.endpointer.close();
    this.floor.close();
    await this.consumer.close();
    await this.registrant.close();
    this.bareConsumer.close();
    this.filler.close();
  }

  private async oursTrial(): Promise<PropagationTrial['ours']> {
    const requests = () => this.consumer.requestCounts.total;
    const data = `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`;
    const before = requests();
    const registered = await this.registrant.register(this.oursPath, data);
    const id = registered.node.slice(this.oursPath.length + 1);
    const held = await this.ours.arrivals.when(id, true);
    await this.settle();
    const afterRegister = requests();
    const deregistered = await this.registrant.deregister(registered.node);
    const dropped = await this.ours.arrivals.when(id, false);
    await this.settle();
    return {
      register: timing(registered, held, afterRegister - before),
      deregister: timing(deregistered, dropped, requests() - afterRegister),
    };
  }

  private async floorTrial(): Promise<PropagationTrial['floor']> {
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
