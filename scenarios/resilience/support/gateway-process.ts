import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '../../../bench/support/child-processes.js';
import { askHeapUsed } from './process-probe.js';
import { type SeenSnapshot, SnapshotTimeline } from './timeline.js';

/** The compiled `gateway-app.ts`. */
const GATEWAY_APP = fileURLToPath(new URL('./gateway-app.js', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** What a gateway app tells its parent. */
export type GatewayMessage =
  | { type: 'ready'; url: string; transport: string }
  | { type: 'view'; urls: string[]; ids: string[]; stale: boolean };

/** The body of a gateway's 502: the error, and the instances its attempts went to. */
export interface GatewayFailure {
  error: string;
  tried: string[];
}

/** Every gateway still running, killed when this process exits whatever the path. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A consumer in a process of its own: `gateway-app.ts`, a Nest app discovering the hello
 * instances and forwarding `GET /hello` to them. Its endpointer's every snapshot is recorded in
 * `timeline` (stamped on arrival here), so a scenario sees what each consumer holds.
 */
export class GatewayProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:<port>`: `GET /hello` is forwarded to an instance. */
    readonly url: string,
    /** The ZooKeeper transport its client uses. */
    readonly transport: string,
    /** Every snapshot of its endpointer. */
    readonly timeline: SnapshotTimeline,
  ) {}

  /** Forks a gateway connected to `servers` and resolves once it listens. */
  static async start(servers: string, sessionTimeoutMs: number): Promise<GatewayProcess> {
    const child = fork(GATEWAY_APP, [servers, String(sessionTimeoutMs)], {
      execArgv: ['--expose-gc'],
      // stdout carries the scenarios' report: the gateway writes nothing there.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const timeline = new SnapshotTimeline();
    child.on('message', (message: GatewayMessage) => {
      if (message.type === 'view') {
        timeline.record({ urls: message.urls, ids: message.ids, stale: message.stale });
      }
    });
    try {
      const ready = await new Promise<Extract<GatewayMessage, { type: 'ready' }>>(
        (resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`gateway did not listen within ${START_TIMEOUT_MS} ms`)),
            START_TIMEOUT_MS,
          );
          child.once('exit', (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`gateway exited (${signal ?? code}) before listening`));
          });
          child.on('message', (message: GatewayMessage) => {
            if (message.type !== 'ready') return;
            clearTimeout(timer);
            resolve(message);
          });
        },
      );
      return new GatewayProcess(child, ready.url, ready.transport, timeline);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Its endpointer's latest snapshot, or undefined before the first. */
  get view(): SeenSnapshot | undefined {
    return this.timeline.seen.at(-1);
  }

  /** Its `heapUsed` after full GCs. */
  heapUsed(): Promise<number> {
    return askHeapUsed(this.child);
  }

  /** Asks it to close (deregister nothing: it is a consumer) and exit; SIGKILL after 10 s. */
  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}
