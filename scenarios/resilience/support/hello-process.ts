import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { askHeapUsed } from './process-probe.js';

/** The built sample: `sample/01-hello-service/main.ts`, compiled by `tsc -p tsconfig.json`. */
const HELLO_MAIN = fileURLToPath(
  new URL('../../../sample/01-hello-service/main.js', import.meta.url),
);
/** Where the sample registers its instances. */
export const HELLO_PATH = '/services/hello/abc';
/** Node flags of an instance that answers heap probes (`heapProbe`). */
const HEAP_PROBE_FLAGS = [
  '--expose-gc',
  '--import',
  new URL('./heap-probe-preload.js', import.meta.url).href,
];
const START_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 15_000;

/** Every hello process still alive, killed when this process exits whatever the path. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Options of {@link HelloProcess.start}. */
export interface HelloProcessOptions {
  /** ZooKeeper connect string (`ZK_SERVERS`). */
  servers: string;
  /** Port to listen on (`PORT`); 0 for a free one. */
  port: number;
  /** `ZK_SESSION_TIMEOUT_MS`. */
  sessionTimeoutMs: number;
  /** `DRAIN_DELAY_MS`. */
  drainDelayMs: number;
  /**
   * Start it with an IPC channel and `--expose-gc`, answering heap probes (`heapUsed()`).
   * @default false
   */
  heapProbe?: boolean;
}

/**
 * One hello instance as a child process (`node sample/01-hello-service/main.js`), started with
 * its configuration in the environment. It answers `GET /hello` with `{ instance: 'hello-<pid>' }`.
 */
export class HelloProcess {
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:<port>`, the URL it registered. */
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
      } else {
        child.once('exit', (code, signal) => resolve({ code, signal }));
      }
    });
  }

  /** Spawns an instance and resolves once it listens (it registers right after). */
  static async start(options: HelloProcessOptions): Promise<HelloProcess> {
    const probe = options.heapProbe === true;
    const child = spawn(process.execPath, [...(probe ? HEAP_PROBE_FLAGS : []), HELLO_MAIN], {
      env: {
        ...process.env,
        ZK_SERVERS: options.servers,
        PORT: String(options.port),
        ZK_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs),
        DRAIN_DELAY_MS: String(options.drainDelayMs),
        NO_COLOR: '1',
      },
      stdio: probe ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`hello instance did not listen within ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
        const onData = () => {
          const match = /listening on (http:\/\/[^\s]+)/.exec(output);
          if (!match) return;
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve(match[1]!);
        };
        child.stdout?.on('data', onData);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(
            new Error(`hello instance exited (${signal ?? code}) before listening:\n${output}`),
          );
        });
      });
      return new HelloProcess(child, url);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Its pid. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The name it answers with: `hello-<pid>`. */
  get name(): string {
    return `hello-${this.pid}`;
  }

  /** Whether it is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * SIGTERM (graceful: deregister, drain, close) and wait for the exit; SIGKILL if it does not
   * exit in time. Resolves with the milliseconds from signal to exit.
   */
  async terminate(): Promise<number> {
    return this.signalAndWait('SIGTERM');
  }

  /** SIGKILL (a crash: no deregistration) and wait for the exit. */
  async kill(): Promise<number> {
    return this.signalAndWait('SIGKILL');
  }

  /** SIGSTOP: the process freezes (a VM pause, a debugger), its sockets stay open. */
  pause(): void {
    if (this.running) this.child.kill('SIGSTOP');
  }

  /** SIGCONT: a paused process runs again. */
  resume(): void {
    if (this.running) this.child.kill('SIGCONT');
  }

  /** Its `heapUsed` after full GCs; it must have been started with `heapProbe`. */
  heapUsed(): Promise<number> {
    return askHeapUsed(this.child);
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<number> {
    const started = performance.now();
    if (!this.running) return 0;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), EXIT_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`hello ${this.pid} did not exit within ${EXIT_TIMEOUT_MS} ms of ${signal}`);
    }
    return performance.now() - started;
  }
}
