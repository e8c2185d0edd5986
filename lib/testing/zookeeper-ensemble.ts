import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSessionId, type ZooKeeperMode } from './four-letter-word.js';
import { freePorts, LOOPBACK_HOST } from './free-port.js';
import { forgetDir, removeDirOnExit } from './jvm-reaper.js';
import { pollUntil } from './poll-until.js';
import type { QuorumMember } from './zookeeper-config.js';
import { findZooKeeperInstall } from './zookeeper-install.js';
import { ZooKeeperServer } from './zookeeper-server.js';
import type { ZooKeeperServerOptions } from './zookeeper-server.options.js';

/**
 * Options of {@link ZooKeeperEnsemble.start}: those of a server, applied to every member. Not
 * `tls`: each member would make a CA of its own, and a client trusting one would be refused by
 * the others.
 */
export type ZooKeeperEnsembleOptions = Omit<
  ZooKeeperServerOptions,
  'port' | 'dataDir' | 'quorum' | 'tls'
>;

/** Options of the waits of {@link ZooKeeperEnsemble}. */
export interface EnsembleWaitOptions {
  /** Give up after this many milliseconds. @default 30000 */
  timeoutMs?: number;
}

/**
 * A ZooKeeper ensemble of real servers on 127.0.0.1 (3 by default), like Curator's
 * TestingCluster. Each member gets its own client, quorum and election ports and its own data
 * dir under one temporary directory, removed by `stop()`.
 *
 * ```ts
 * const ensemble = await ZooKeeperEnsemble.start(3);
 * const leader = await ensemble.leaderIndex();
 * await ensemble.kill(leader);          // the other two elect a new leader
 * await ensemble.restart(leader);       // rejoins as a follower
 * await ensemble.stop();
 * ```
 */
export class ZooKeeperEnsemble {
  private constructor(
    /** The members, in `myid` order (member `i` has id `i + 1`). */
    readonly servers: readonly ZooKeeperServer[],
    private readonly baseDir: string,
  ) {}

  /**
   * Starts `size` members in parallel and resolves once one is leader and the others followers.
   * @throws ZooKeeperStartError naming the member that failed, with its log tail.
   */
  static async start(size = 3, options: ZooKeeperEnsembleOptions = {}): Promise<ZooKeeperEnsemble> {
    if (!Number.isInteger(size) || size < 2 || size > 255) {
      throw new RangeError(
        `An ensemble needs 2 to 255 members, got ${size}; use ZooKeeperServer for one.`,
      );
    }
    const install = options.install ?? findZooKeeperInstall();
    const baseDir = await mkdtemp(join(tmpdir(), 'zk-testing-ensemble-'));
    removeDirOnExit(baseDir);
    const ports = await freePorts(3 * size);
    const members: QuorumMember[] = Array.from({ length: size }, (_, i) => ({
      id: i + 1,
      host: LOOPBACK_HOST,
      quorumPort: ports[3 * i + 1]!,
      electionPort: ports[3 * i + 2]!,
    }));
    const started = await Promise.allSettled(
      members.map((member, i) =>
        ZooKeeperServer.start({
          ...options,
          install,
          port: ports[3 * i]!,
          dataDir: join(baseDir, `server-${member.id}`),
          quorum: { myId: member.id, members },
        }),
      ),
    );
    const servers = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const ensemble = new ZooKeeperEnsemble(servers, baseDir);
    const failure = started.find((result) => result.status === 'rejected');
    if (failure) {
      await ensemble.stop();
      throw failure.reason;
    }
    try {
      await ensemble.waitForQuorum({ timeoutMs: options.startTimeoutMs });
    } catch (error) {
      await ensemble.stop();
      throw error;
    }
    return ensemble;
  }

  /** Every member's `127.0.0.1:<port>`, comma-separated: the connect string for a client. */
  get connectString(): string {
    return this.servers.map((server) => server.connectString).join(',');
  }

  /** Crashes the members `indexes` (SIGKILL) together; their data stays for `restart`. */
  async kill(...indexes: number[]): Promise<void> {
    await Promise.all(indexes.map((index) => this.member(index).kill()));
  }

  /**
   * Starts the members `indexes` again on the same ports with the same data, together, and
   * resolves once each has rejoined the ensemble as a follower or leader. Members that need each
   * other for a quorum (the whole ensemble after a crash) must be restarted in one call: one alone
   * never serves. `restart(0, 1, 2)` after `kill(0, 1, 2)`.
   */
  async restart(...indexes: number[]): Promise<void> {
    const members = indexes.map((index) => this.member(index));
    await Promise.all(members.map((member) => member.restart()));
  }

  /** Stops every member and removes the ensemble's data. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    await rm(this.baseDir, { recursive: true, force: true });
    forgetDir(this.baseDir);
  }

  /** The mode of every member, in order; undefined for a member that is down or has no quorum. */
  async modes(): Promise<(ZooKeeperMode | undefined)[]> {
    return Promise.all(this.servers.map((server) => (server.running ? server.mode() : undefined)));
  }

  /** The index of the member that currently reports `leader`, or -1 if none does. */
  async leaderIndex(): Promise<number> {
    return (await this.modes()).indexOf('leader');
  }

  /**
   * Waits until some member reports `leader` (e.g. after killing the leader) and returns its
   * index.
   */
  async waitForLeader(options: EnsembleWaitOptions = {}): Promise<number> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return pollUntil(
      async () => {
        const index = await this.leaderIndex();
        return index >= 0 ? index : undefined;
      },
      { timeoutMs, description: `a leader among ${this.connectString}` },
    );
  }

  /**
   * Waits until every running member serves: exactly one leader, the others followers.
   * Returns the leader's index.
   */
  async waitForQuorum(options: EnsembleWaitOptions = {}): Promise<number> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return pollUntil(
      async () => {
        const modes = await this.modes();
        const running = modes.filter((_, i) => this.servers[i]!.running);
        const leaders = running.filter((mode) => mode === 'leader').length;
        const followers = running.filter((mode) => mode === 'follower').length;
        return leaders === 1 && followers === running.length - 1
          ? modes.indexOf('leader')
          : undefined;
      },
      { timeoutMs, description: `one leader and only followers among ${this.connectString}` },
    );
  }

  /**
   * The index of the member the client of `sessionId` is connected to, found with `cons`.
   * Polls until a member lists it (a client may be between two servers).
   * @param sessionId as the client prints it (hex, with or without `0x`) or a bigint.
   * @throws Error when no running member lists the session before the deadline (default 5 s).
   */
  async serverIndexOfSession(
    sessionId: string | bigint,
    options: EnsembleWaitOptions = {},
  ): Promise<number> {
    const wanted = toSessionId(sessionId);
    return pollUntil(
      async () => {
        const lists = await Promise.all(
          this.servers.map((server): Promise<bigint[]> | bigint[] =>
            server.running ? server.connectedSessionIds().catch(() => []) : [],
          ),
        );
        const index = lists.findIndex((ids) => ids.includes(wanted));
        return index >= 0 ? index : undefined;
      },
      {
        timeoutMs: options.timeoutMs ?? 5_000,
        description: `a member of ${this.connectString} serving session 0x${wanted.toString(16)}`,
      },
    );
  }

  private member(index: number): ZooKeeperServer {
    const server = this.servers[index];
    if (!server) {
      throw new RangeError(
        `No ensemble member ${index}: indexes are 0..${this.servers.length - 1}`,
      );
    }
    return server;
  }
}
