import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type FourLetterWordOptions,
  fourLetterWord,
  parseConsSessionIds,
  parseSrvr,
  type SrvrReport,
  type ZooKeeperMode,
} from './four-letter-word.js';
import { freePort, LOOPBACK_HOST } from './free-port.js';
import { forgetDir, forgetPid, reapOnExit, removeDirOnExit } from './jvm-reaper.js';
import { spawnWithoutInheritedFds } from './spawn-without-inherited-fds.js';
import { createTestCertificates, type ZooKeeperClientTls } from './test-certificates.js';
import { tlsHandshake } from './tls-handshake.js';
import { findZooKeeperInstall } from './zookeeper-install.js';
import { writeServerFiles } from './zookeeper-jvm.js';
import type {
  ServerSettings,
  ZooKeeperRestartOptions,
  ZooKeeperServerOptions,
  ZooKeeperStopOptions,
} from './zookeeper-server.options.js';
import { ZooKeeperStartError } from './zookeeper-start.error.js';

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

const KILL_WAIT_MS = 5_000;
const AUTO_PORT_ATTEMPTS = 3;

/**
 * A real ZooKeeper server (Java) on 127.0.0.1, started for tests and stopped by its pid, like
 * Curator's TestingServer. Its JVM writes nothing to the terminal: the server log goes to
 * `<dataDir>/zookeeper.log`, the JVM's own output to `<dataDir>/jvm.out`.
 *
 * ```ts
 * const zk = await ZooKeeperServer.start();
 * // connect to zk.connectString ...
 * await zk.stop();
 * ```
 */
export class ZooKeeperServer {
  /** The address the server listens on. */
  readonly host = LOOPBACK_HOST;
  private child: ChildProcess | undefined;
  private exitInfo: ExitInfo | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  private lastPid = 0;
  private dataRemoved = false;
  private clientTls: ZooKeeperClientTls | undefined;
  private lastTlsError: Error | undefined;

  private constructor(private readonly settings: ServerSettings) {}

  /**
   * Starts a server and resolves once it answers `ruok` with `imok` and `srvr` reports a mode
   * (standalone, or leader/follower for an ensemble member). When the port was chosen by the kit
   * and turns out to be taken, it retries with another one. With `tls`, it first makes the
   * server's certificates and also waits until a TLS handshake with the secure port succeeds.
   * @throws ZooKeeperNotInstalledError when ZooKeeper or Java (or, with `tls`, openssl) is
   * missing (says what to install).
   * @throws ZooKeeperStartError when the JVM exits early or the deadline passes (with log tail).
   */
  static async start(options: ZooKeeperServerOptions = {}): Promise<ZooKeeperServer> {
    const install = options.install ?? findZooKeeperInstall();
    const tickTimeMs = options.tickTimeMs ?? 200;
    const tls = options.tls === true ? {} : options.tls || undefined;
    for (let attempt = 1; ; attempt++) {
      const dataDir =
        options.dataDir === undefined
          ? await mkdtemp(join(tmpdir(), 'zk-testing-'))
          : resolve(options.dataDir);
      const server = new ZooKeeperServer({
        install,
        port: options.port ?? (await freePort()),
        dataDir,
        ownsDataDir: options.dataDir === undefined,
        tickTimeMs,
        minSessionTimeoutMs: options.minSessionTimeoutMs ?? 2 * tickTimeMs,
        maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 60_000,
        startTimeoutMs: options.startTimeoutMs ?? 30_000,
        logLevel: options.logLevel ?? 'INFO',
        quorum: options.quorum,
        tls: tls && {
          port: await freePort(),
          clientAuth: tls.clientAuth ?? 'need',
          certificatesDir: join(dataDir, 'tls'),
        },
      });
      if (server.settings.ownsDataDir) removeDirOnExit(server.dataDir);
      try {
        await server.makeCertificates();
        await server.launch();
        return server;
      } catch (error) {
        await server.stop();
        const retry =
          error instanceof ZooKeeperStartError &&
          error.portInUse &&
          options.port === undefined &&
          options.quorum === undefined &&
          attempt < AUTO_PORT_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  /** The client port on 127.0.0.1. */
  get port(): number {
    return this.settings.port;
  }

  /** `127.0.0.1:<port>`, the connect string for a ZooKeeper client. */
  get connectString(): string {
    return `${this.host}:${this.port}`;
  }

  /**
   * The TLS client port on 127.0.0.1 (`secureClientPort`); it stays the same across restarts.
   * @throws Error when the server was started without the `tls` option.
   */
  get securePort(): number {
    return this.tlsSettings('securePort').port;
  }

  /**
   * `127.0.0.1:<securePort>`, the connect string for a TLS client.
   * @throws Error when the server was started without the `tls` option.
   */
  get secureConnectString(): string {
    return `${this.host}:${this.securePort}`;
  }

  /**
   * What a TLS client needs, as PEM text: `tls.connect({ host, port: securePort, ...server.tls })`.
   * The files are in `<dataDir>/tls/` (ca.pem, client-cert.pem, client-key.pem).
   * @throws Error when the server was started without the `tls` option.
   */
  get tls(): ZooKeeperClientTls {
    this.tlsSettings('tls');
    return this.clientTls!;
  }

  /** The pid of the server's JVM (of the latest one after a restart). */
  get pid(): number {
    return this.lastPid;
  }

  /** Whether the JVM is running (started and not yet exited). */
  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** The directory holding the server's data (`version-2/`), `conf/` and logs. */
  get dataDir(): string {
    return this.settings.dataDir;
  }

  /** The server's log file (ZooKeeper's own log lines). */
  get logFile(): string {
    return join(this.dataDir, 'zookeeper.log');
  }

  /** The JVM's stdout and stderr (normally empty; crashes and JVM warnings land here). */
  get jvmOutputFile(): string {
    return join(this.dataDir, 'jvm.out');
  }

  /**
   * Stops the server: SIGTERM to its pid, SIGKILL if it has not exited after `timeoutMs`, then
   * removes the data dir if the kit created it (unless `keepData`). A data dir given in the
   * options is always kept. Idempotent.
   */
  async stop(options: ZooKeeperStopOptions = {}): Promise<void> {
    if (this.running) {
      this.signal('SIGTERM');
      if (!(await this.waitForExit(options.timeoutMs ?? 10_000))) await this.kill();
    }
    if (this.settings.ownsDataDir && !options.keepData && !this.dataRemoved) {
      await rm(this.dataDir, { recursive: true, force: true });
      forgetDir(this.dataDir);
      this.dataRemoved = true;
    }
  }

  /**
   * Kills the JVM with SIGKILL (a crash: no clean shutdown, sessions are not closed) and waits
   * until it has exited. The data stays, so `restart()` can bring the server back.
   */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    if (!(await this.waitForExit(KILL_WAIT_MS))) {
      throw new Error(
        `ZooKeeper pid ${this.pid} did not exit within ${KILL_WAIT_MS} ms of SIGKILL`,
      );
    }
  }

  /**
   * Starts the server again on the same port with the same data, after `kill()` or
   * `stop({ keepData: true })` (a running server is stopped first, keeping its data). Resolves
   * when it serves again; an ensemble member has then rejoined as follower or leader (a member
   * that needs others for a quorum: restart them together, see `ZooKeeperEnsemble.restart`).
   * With `emptyData`, it comes back with an empty database instead.
   */
  async restart(options: ZooKeeperRestartOptions = {}): Promise<void> {
    if (this.dataRemoved) {
      throw new Error(
        `Cannot restart the ZooKeeper server on port ${this.port}: stop() removed its data dir. ` +
          'Use kill() or stop({ keepData: true }) before restart().',
      );
    }
    if (this.running) await this.stop({ keepData: true });
    if (options.emptyData) {
      await rm(join(this.dataDir, 'version-2'), { recursive: true, force: true });
    }
    try {
      await this.launch();
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  /** Sends a four-letter word (`mntr`, `wchs`, `cons`, `srvr`, ...) and returns the answer. */
  fourLetter(word: string, options?: FourLetterWordOptions): Promise<string> {
    return fourLetterWord(this.host, this.port, word, options);
  }

  /** The server's `srvr` report, parsed. */
  async srvr(options?: FourLetterWordOptions): Promise<SrvrReport> {
    return parseSrvr(await this.fourLetter('srvr', options));
  }

  /** The mode `srvr` reports, or undefined when the server does not serve (or is down). */
  async mode(options?: FourLetterWordOptions): Promise<ZooKeeperMode | undefined> {
    try {
      return (await this.srvr(options)).mode;
    } catch {
      return undefined;
    }
  }

  /** Ids of the sessions whose clients are connected to this server right now (from `cons`). */
  async connectedSessionIds(options?: FourLetterWordOptions): Promise<bigint[]> {
    return parseConsSessionIds(await this.fourLetter('cons', options));
  }

  /** A throwaway CA and certificates for this server's TLS port, if it has one. */
  private async makeCertificates(): Promise<void> {
    if (!this.settings.tls) return;
    const certificates = await createTestCertificates(this.settings.tls.certificatesDir);
    this.clientTls = certificates.client;
  }

  private async launch(): Promise<void> {
    const { install } = this.settings;
    const args = await writeServerFiles(this.settings, {
      host: this.host,
      logFile: this.logFile,
    });
    const output = openSync(this.jvmOutputFile, 'a');
    try {
      this.exitInfo = undefined;
      const child = spawnWithoutInheritedFds(install.java, args, {
        cwd: this.dataDir,
        stdio: ['ignore', output, output],
      });
      this.child = child;
      this.exited = new Promise((resolveExit) => {
        const done = (info: ExitInfo): void => {
          if (this.child === child && this.exitInfo === undefined) this.exitInfo = info;
          if (child.pid !== undefined) forgetPid(child.pid);
          resolveExit(info);
        };
        child.once('exit', (code, signal) => done({ code, signal }));
        child.once('error', (error) => done({ code: null, signal: null, error }));
      });
      // The JVM must not keep the test runner alive; the reaper kills it at exit.
      child.unref();
      if (child.pid !== undefined) {
        this.lastPid = child.pid;
        reapOnExit(child.pid, this.settings.ownsDataDir ? this.dataDir : undefined);
      }
    } finally {
      closeSync(output);
    }
    await this.waitUntilServing();
  }

  private async waitUntilServing(): Promise<void> {
    const timeoutMs = this.settings.startTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitInfo) {
        const { code, signal, error } = this.exitInfo;
        const how = error
          ? `could not run ${this.settings.install.java}: ${error.message}`
          : `exited (code ${code}, signal ${signal})`;
        throw new ZooKeeperStartError(
          `ZooKeeper on ${this.connectString} ${how} before serving`,
          await this.logTail(),
        );
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.signal('SIGKILL');
        await this.waitForExit(KILL_WAIT_MS);
        const tls = this.lastTlsError
          ? `; the TLS handshake with ${this.secureConnectString} failed: ${this.lastTlsError.message}`
          : '';
        throw new ZooKeeperStartError(
          `ZooKeeper on ${this.connectString} (pid ${this.pid}) did not serve within ${timeoutMs} ms${tls}`,
          await this.logTail(),
        );
      }
      if (await this.isServing(Math.min(1_000, remaining))) return;
      await delay(Math.min(50, Math.max(0, deadline - Date.now())));
    }
  }

  private async isServing(timeoutMs: number): Promise<boolean> {
    try {
      if ((await this.fourLetter('ruok', { timeoutMs })) !== 'imok') return false;
      if ((await this.mode({ timeoutMs })) === undefined) return false;
    } catch {
      return false;
    }
    return this.settings.tls ? this.servesTls(timeoutMs) : true;
  }

  /** The plain port answers before the secure one is bound: shake hands with it too. */
  private async servesTls(timeoutMs: number): Promise<boolean> {
    try {
      await tlsHandshake(this.host, this.securePort, this.tls, timeoutMs);
      this.lastTlsError = undefined;
      return true;
    } catch (error) {
      this.lastTlsError = error as Error;
      return false;
    }
  }

  private tlsSettings(field: string): NonNullable<ServerSettings['tls']> {
    if (this.settings.tls) return this.settings.tls;
    throw new Error(
      `The ZooKeeper server on ${this.connectString} has no ${field}: it was started without ` +
        'TLS. Start it with ZooKeeperServer.start({ tls: true }).',
    );
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited in the meantime.
    }
  }

  private async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    const controller = new AbortController();
    const timedOut = delay(timeoutMs, false, { signal: controller.signal }).catch(() => false);
    const exited = await Promise.race([this.exited.then(() => true), timedOut]);
    controller.abort();
    return exited;
  }

  private async logTail(lines = 40): Promise<string> {
    const parts: string[] = [];
    for (const file of [this.logFile, this.jvmOutputFile]) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.trim() === '') continue;
      parts.push(`[${file}]`, ...text.trimEnd().split('\n').slice(-lines));
    }
    return parts.length > 0 ? parts.join('\n') : '(no log output)';
  }
}
