import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import type { ConsumerFleetAnswer, ConsumerFleetRequest } from './consumer-fleet-messages.js';
import { fromMonotonic } from './monotonic.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'consumer-fleet-process.js');

type Request = ConsumerFleetRequest extends infer R
  ? R extends { seq: number }
    ? Omit<R, 'seq'>
    : never
  : never;

/**
 * `count` consumers of one service in a process of their own (consumer-fleet-process.ts). Their
 * times come as CLOCK_MONOTONIC stamps, placed on this process's `performance.now()` as they are.
 */
export class ConsumerFleet {
  private seq = 0;
  private readonly pending = new Map<number, (answer: ConsumerFleetAnswer) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (answer: ConsumerFleetAnswer) => {
      if (answer.type === 'ready') return;
      this.pending.get(answer.seq)?.(answer);
      this.pending.delete(answer.seq);
    });
  }

  /** Starts the process; resolves once each of its consumers holds `expected` instances. */
  static async start(
    servers: string,
    transport: ZkTransport,
    path: string,
    count: number,
    expected: number,
  ): Promise<ConsumerFleet> {
    const child = fork(script, [servers, transport, path, String(count), String(expected)], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`a consumer-fleet process exited (${code}) before it was ready`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        resolve();
      });
    });
    return new ConsumerFleet(child);
  }

  /** When each consumer first held `id` (or, `present` false, stopped holding it), our clock. */
  async when(id: string, present: boolean): Promise<number[]> {
    const answer = await this.ask({ op: 'when', id, present });
    if (answer.type !== 'when') throw new Error(`unexpected answer ${answer.type}`);
    return answer.times.map((ns) => fromMonotonic(BigInt(ns)));
  }

  /** ZooKeeper requests the process's consumers have sent so far. */
  async requests(): Promise<number> {
    const answer = await this.ask({ op: 'requests' });
    if (answer.type !== 'requests') throw new Error(`unexpected answer ${answer.type}`);
    return answer.requests;
  }

  /** Closes every consumer (their sessions end) and waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send('stop');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  private ask(request: Request): Promise<ConsumerFleetAnswer> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (answer) =>
        answer.type === 'error' ? reject(new Error(answer.error)) : resolve(answer),
      );
      this.child.send({ ...request, seq });
    });
  }
}
