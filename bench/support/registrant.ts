import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import type { Registering, RegistrantAnswer, RegistrantRequest } from './registrant-messages.js';

/** When an operation was called and when it resolved, as `performance.now()` of this process. */
export interface Timed {
  called: number;
  resolved: number;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'registrant-process.js');

type Request = RegistrantRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/**
 * The registering app, in its own process (see registrant-process.ts). Times it reports are
 * converted to this process's `performance.now()` with a clock offset measured at start (the
 * round trip with the smallest delay of 50, NTP style).
 */
export class Registrant {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: RegistrantAnswer) => void>();
  /** Registrant clock minus ours, in ms. */
  private offset = 0;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: RegistrantAnswer) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(servers: string): Promise<Registrant> {
    const child = fork(script, [servers], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`registrant exited (${code})`)));
    });
    const registrant = new Registrant(child);
    await registrant.measureOffset();
    return registrant;
  }

  /**
   * `Registrar.register()` on the registrant's client of `transport` (one per transport, opened
   * at start): the node, when register() was called and when it resolved.
   */
  async register(
    transport: ZkTransport,
    servicePath: string,
    data: string,
  ): Promise<Timed & { node: string }> {
    const slash = servicePath.lastIndexOf('/');
    const answer = await this.ask({
      op: 'register',
      transport,
      path: servicePath.slice(0, slash),
      name: servicePath.slice(slash + 1),
      data,
    });
    return { ...this.timed(answer), node: answer.node! };
  }

  /** `Registrar.deregister()` of a node registered by `register`. */
  async deregister(node: string): Promise<Timed> {
    return this.timed(await this.ask({ op: 'deregister', node }));
  }

  /** A bare ephemeral-sequential create under `parent`, named like go-kit's. */
  async create(parent: string, data: string): Promise<Timed & { node: string }> {
    const prefix = `${parent}/_c_${randomBytes(16).toString('hex')}-`;
    const answer = await this.ask({ op: 'create', prefix, data });
    return { ...this.timed(answer), node: answer.node! };
  }

  /** A bare ephemeral create of `path` itself (no sequence suffix): a Curator instance node. */
  async createNode(path: string, data: string): Promise<Timed & { node: string }> {
    const answer = await this.ask({ op: 'create-node', path, data });
    return { ...this.timed(answer), node: answer.node! };
  }

  /** A bare delete. */
  async delete(node: string): Promise<Timed> {
    return this.timed(await this.ask({ op: 'delete', node }));
  }

  /**
   * Opens `count` sessions of each kind (a ZkClient of each transport, a bare one) for the fleet
   * operations.
   */
  async openFleet(count: number): Promise<void> {
    await this.ask({ op: 'fleet-open', count });
  }

  /** Every fleet session of one kind registers one instance under `servicePath` at once. */
  async registerFleet(servicePath: string, by: Registering): Promise<Timed & { requests: number }> {
    const answer = await this.ask({ op: 'fleet-register', servicePath, by });
    return { ...this.timed(answer), requests: answer.requests ?? Number.NaN };
  }

  /** The instances of the last `registerFleet` go. */
  async deregisterFleet(): Promise<Timed> {
    return this.timed(await this.ask({ op: 'fleet-deregister' }));
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }

  private timed(answer: RegistrantAnswer): Timed {
    const local = (at: number) => at - this.offset - performance.timeOrigin;
    return { called: local(answer.started), resolved: local(answer.at) };
  }

  private async measureOffset(): Promise<void> {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 50; i++) {
      const sent = performance.timeOrigin + performance.now();
      const { at } = await this.ask({ op: 'clock' });
      const received = performance.timeOrigin + performance.now();
      if (received - sent < best) {
        best = received - sent;
        this.offset = at - (sent + received) / 2;
      }
    }
  }

  private ask(request: Request): Promise<RegistrantAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (answer) =>
        answer.error ? reject(new Error(answer.error)) : resolve(answer),
      );
      this.child.send({ ...request, id });
    });
  }
}
