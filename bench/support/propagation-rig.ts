import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkRequestCounts } from '../../lib/client/zk-client.types.js';
import { Registrar } from '../../lib/sd/registrar.js';
import { Arrivals } from './arrivals.js';
import { BareWatcher } from './bare-watcher.js';
import { Bare, BareZk } from './bare-zk.js';
import { benchPath, registerFleet } from './fleet.js';
import { connectClient, silent, type WatchedEndpointer, watchEndpointer } from './lib-parts.js';

/** One trial: a register and a deregister, seen by the library and by the floor. */
export interface PropagationTrial {
  ours: {
    register: number;
    deregister: number;
    registerRequests: number;
    deregisterRequests: number;
  };
  floor: {
    register: number;
    deregister: number;
    registerRequests: number;
    deregisterRequests: number;
  };
}

/**
 * Two services with `size` instances each: one watched by a `ZkEndpointer` (on its own session),
 * the other by the bare floor (on its own session), so a change to one never wakes the other.
 * A third session registers and deregisters, through `Registrar` for ours and with a bare
 * create/delete for the floor.
 */
export class PropagationRig {
  private constructor(
    readonly size: number,
    private readonly filler: BareZk,
    private readonly registrant: ZkClient,
    private readonly bareRegistrant: BareZk,
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
      await connectClient(servers),
      await BareZk.connect(servers),
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

  /** The library's requests so far, of the consumer's session. */
  get consumerRequests(): ZkRequestCounts {
    return this.consumer.requestCounts;
  }

  async close(): Promise<void> {
    await this.ours.endpointer.close();
    this.floor.close();
    await this.consumer.close();
    await this.registrant.close();
    this.bareConsumer.close();
    this.bareRegistrant.close();
    this.filler.close();
  }

  private async oursTrial(): Promise<PropagationTrial['ours']> {
    const slash = this.oursPath.lastIndexOf('/');
    const registrar = new Registrar(
      this.registrant,
      {
        path: this.oursPath.slice(0, slash),
        name: this.oursPath.slice(slash + 1),
        data: `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`,
      },
      { logger: silent },
    );
    const before = this.consumer.requestCounts.total;
    const node = await registrar.register();
    const registered = performance.now();
    const id = node.slice(this.oursPath.length + 1);
    const held = await this.ours.arrivals.when(id, true);
    await this.settle();
    const afterRegister = this.consumer.requestCounts.total;
    await registrar.deregister();
    const deregistered = performance.now();
    const dropped = await this.ours.arrivals.when(id, false);
    await this.settle();
    registrar.close();
    return {
      register: held - registered,
      deregister: dropped - deregistered,
      registerRequests: afterRegister - before,
      deregisterRequests: this.consumer.requestCounts.total - afterRegister,
    };
  }

  private async floorTrial(): Promise<PropagationTrial['floor']> {
    const requests = () => this.floor.requests.getChildren + this.floor.requests.get;
    const before = requests();
    const prefix = `${this.floor.path}/_c_${randomBytes(16).toString('hex')}-`;
    const node = await this.bareRegistrant.create(
      prefix,
      `http://127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`,
      Bare.EPHEMERAL_SEQUENTIAL,
    );
    const created = performance.now();
    const id = node.slice(this.floor.path.length + 1);
    const held = await this.floorArrivals.when(id, true);
    await this.settle();
    const afterRegister = requests();
    await this.bareRegistrant.delete(node);
    const deleted = performance.now();
    const dropped = await this.floorArrivals.when(id, false);
    await this.settle();
    return {
      register: held - created,
      deregister: dropped - deleted,
      registerRequests: afterRegister - before,
      deregisterRequests: requests() - afterRegister,
    };
  }

  /** Lets late answers and re-arms land before the next step (counted in this trial). */
  private async settle(): Promise<void> {
    await delay(2 + this.size / 1000);
  }
}
