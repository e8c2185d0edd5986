import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { forgetPid, reapOnExit } from '../../lib/testing/jvm-reaper.js';
import { pollUntil } from '../../lib/testing/poll-until.js';
import { spawnWithoutInheritedFds } from '../../lib/testing/spawn-without-inherited-fds.js';
import { waitFor } from '../support/wait-for.js';
import type { CuratorPeerBuild } from './curator-peer-build.js';

/** An instance as the Java peer prints it (Curator's `ServiceInstance`, see CuratorPeer.java). */
export interface PeerInstance {
  id: string;
  name: string;
  address: string;
  port: number | null;
  sslPort: number | null;
  /** `buildUriSpec()`: '' when the instance has no uriSpec. */
  uri: string;
  enabled: boolean;
  /** The Java class Jackson made of the payload (its `@class`), or null. */
  payloadClass: string | null;
  /** The payload as Jackson writes the Java object back. */
  payload: unknown;
}

/** What `register` takes: Curator's `ServiceInstanceBuilder` fields. */
export interface PeerRegistration {
  name: string;
  id: string;
  address: string;
  port: number;
  sslPort?: number;
  /** A `UriSpec` template such as `{scheme}://{address}:{ssl-port}`. */
  uriSpec?: string;
  /** Makes the payload an `InstanceDetails` with this description. */
  description?: string;
  /** @default now */
  registrationTimeUTC?: number;
}

/** `instances`: the ServiceCache's list, the ServiceProvider's `getAllInstances()` and a pick. */
export interface PeerView {
  cache: PeerInstance[];
  provider: PeerInstance[];
  pick: PeerInstance | null;
}

/**
 * A change the timing mode's ServiceCache applied: `at` is `System.nanoTime()` in its listener
 * (CLOCK_MONOTONIC on Linux, as `process.hrtime.bigint()`), then the ids it added and removed.
 */
export interface PeerSeen {
  name: string;
  at: bigint;
  added: string[];
  removed: string[];
}

interface Reply {
  seq: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const REPLY_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 30_000;

/**
 * The Java peer (test/interop/java/CuratorPeer.java) as a child process: a JVM on Curator's
 * service discovery, driven with JSON lines. Started without our inherited descriptors (the
 * native ZooKeeper client's sockets) and killed by the reaper if this process dies first.
 */
export class CuratorPeer {
  private seq = 0;
  private readonly replies = new Map<number, Reply>();
  /** The last list each watched service's ServiceCache reported. */
  private readonly caches = new Map<string, PeerInstance[]>();
  private readonly stderr: string[] = [];
  private ready = false;
  private exit: string | undefined;
  private seenListener: ((seen: PeerSeen) => void) | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.receive(JSON.parse(line));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    child.once('exit', (code, signal) => {
      this.exit = `exit ${code ?? signal}`;
      if (child.pid !== undefined) forgetPid(child.pid);
    });
    child.once('error', (error) => {
      this.exit = `error ${error.message}`;
    });
  }

  /** Starts the peer on `servers` with Curator's base path `basePath`; resolves once connected. */
  static async start(build: CuratorPeerBuild, servers: string, basePath: string) {
    const args = [
      '-cp',
      build.classpath,
      // Curator's and ZooKeeper's log lines on stderr, warnings and errors only.
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      'CuratorPeer',
      servers,
      basePath,
    ];
    const child = spawnWithoutInheritedFds(build.java, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildProcessWithoutNullStreams;
    if (child.pid !== undefined) reapOnExit(child.pid);
    const peer = new CuratorPeer(child);
    await peer.until(() => peer.ready, 'the peer to connect to ZooKeeper', READY_TIMEOUT_MS);
    return peer;
  }

  /** Curator's stderr so far (its logged warnings and errors). */
  get log(): string {
    return this.stderr.join('');
  }

  register(instance: PeerRegistration): Promise<PeerInstance> {
    return this.request({ cmd: 'register', ...instance });
  }

  unregister(id: string): Promise<unknown> {
    return this.request({ cmd: 'unregister', id });
  }

  /** Starts a ServiceCache and a ServiceProvider (typed like Spring's with `spring`). */
  watch(name: string, options: { spring?: boolean } = {}): Promise<PeerInstance[]> {
    return this.request({ cmd: 'watch', name, spring: options.spring ?? false });
  }

  instances(name: string): Promise<PeerView> {
    return this.request({ cmd: 'instances', name });
  }

  /**
   * Asks `instances` until `accept` takes the answer (the ServiceProvider watches with a cache of
   * its own, which may see a change a little after the ServiceCache does); returns it.
   */
  async instancesWhen(
    name: string,
    accept: (view: PeerView) => boolean,
    timeoutMs = 10_000,
  ): Promise<PeerView> {
    return pollUntil(
      async () => {
        const view = await this.instances(name);
        return accept(view) ? view : undefined;
      },
      { timeoutMs, description: `the ServiceProvider of ${name} to give the awaited instances` },
    );
  }

  /** `ServiceDiscovery.queryForInstances(name)`, read from ZooKeeper without a cache. */
  query(name: string): Promise<PeerInstance[]> {
    return this.request({ cmd: 'query', name });
  }

  /**
   * The timing mode: starts a ServiceCache on `name` whose every change is passed to the
   * `onSeen` listener as it arrives; resolves with the number of instances it held once started.
   */
  async time(name: string, timeoutMs = 60_000): Promise<number> {
    const result = await this.request<{ instances: number }>({ cmd: 'time', name }, timeoutMs);
    return result.instances;
  }

  /** Closes the timing mode's ServiceCache on `name`. */
  async untime(name: string): Promise<void> {
    await this.request({ cmd: 'untime', name });
  }

  /** Where the timing mode's changes go, as each line arrives (one listener; replaces any). */
  onSeen(listener: (seen: PeerSeen) => void): void {
    this.seenListener = listener;
  }

  /** The JVM's `System.nanoTime()`, read when it answered. */
  async clock(): Promise<bigint> {
    return BigInt((await this.request<{ nanos: string }>({ cmd: 'clock' })).nanos);
  }

  /** Waits until the ServiceCache of `name` has reported a list `accept` takes; returns it. */
  async cacheChange(
    name: string,
    accept: (instances: PeerInstance[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<PeerInstance[]> {
    await this.until(
      () => accept(this.caches.get(name) ?? []),
      `a ServiceCache change of ${name} (last: ${JSON.stringify(this.caches.get(name))})`,
      timeoutMs,
    );
    return this.caches.get(name)!;
  }

  /** Closes its stdin (it closes Curator and exits); SIGKILL by pid past the deadline. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.stdin.end();
    try {
      await waitFor(() => this.exit !== undefined, { timeoutMs, message: 'the peer to exit' });
    } catch {
      if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
    }
  }

  private async request<T>(
    command: Record<string, unknown>,
    timeoutMs = REPLY_TIMEOUT_MS,
  ): Promise<T> {
    const seq = ++this.seq;
    this.child.stdin.write(`${JSON.stringify({ seq, ...command })}\n`);
    await this.until(() => this.replies.has(seq), `the reply to ${command.cmd}`, timeoutMs);
    const reply = this.replies.get(seq)!;
    this.replies.delete(seq);
    if (!reply.ok) throw new Error(`Curator peer: ${command.cmd} failed: ${reply.error}`);
    return reply.result as T;
  }

  private receive(line: {
    event?: string;
    name?: string;
    instances?: PeerInstance[];
    seq?: number;
    at?: string;
    added?: string[];
    removed?: string[];
  }): void {
    if (line.event === 'ready') this.ready = true;
    else if (line.event === 'seen') {
      this.seenListener?.({
        name: line.name!,
        at: BigInt(line.at!),
        added: line.added!,
        removed: line.removed!,
      });
    } else if (line.event === 'changed') this.caches.set(line.name!, line.instances!);
    else if (line.seq !== undefined) this.replies.set(line.seq, line as Reply);
  }

  /** Waits for `condition`; fails at once, with Curator's log, if the JVM has exited. */
  private async until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    await waitFor(() => this.exit !== undefined || condition(), {
      timeoutMs,
      message: `${what} (Curator's log: ${this.log.slice(-2000)})`,
    });
    if (this.exit !== undefined && !condition()) {
      throw new Error(`The Curator peer ended (${this.exit}) before ${what}. Its log: ${this.log}`);
    }
  }
}
