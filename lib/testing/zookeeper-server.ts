import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type FourLetterWordOptions,
  fourLetterWord,
  parseConsSessionIds,
  parseSrvr,
  type SrvrReport,
  type ZooKeeperMode,
} from './four-letter-word.js';
import { LOOPBACK_HOST } from './free-port.js';
import { JvmProcess } from './jvm-process.js';
import { forgetDir, removeDirOnExit } from './jvm-reaper.js';
import { createTestCertificates, type ZooKeeperClientTls } from './test-certificates.js';
import { tlsHandshake } from './tls-handshake.js';
import { findZooKeeperInstall } from './zookeeper-install.js';
import { writeServerFiles } from './zookeeper-jvm.js';
import { logTail } from './zookeeper-logging.js';
import {
  resolveServerSettings,
  type ServerSettings,
  type ZooKeeperRestartOptions,
  type ZooKeeperServerOptions,
  type ZooKeeperStopOptions,
} from './zookeeper-server.options.js';
import { ZooKeeperStartError } from './zookeeper-start.error.js';

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
  /** The JVM of the latest start, running or not. */
  private jvm: JvmProcess | undefined;
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
    for (let attempt = 1; ; attempt++) {
      const server = new ZooKeeperServer(await resolveServerSettings(options, install));
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
    return this.jvm?.running ?? false;
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
    const jvm = this.jvm;
    if (jvm?.running) {
      jvm.signal('SIGTERM');
      if (!(await jvm.waitForExit(options.timeoutMs ?? 10_000))) await this.kill();
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
    const jvm = this.jvm;
    if (!jvm?.running) return;
    jvm.signal('SIGKILL');
    if (!(await jvm.waitForExit(KILL_WAIT_MS))) {
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
    const args = await writeServerFiles(this.settings, {
      host: this.host,
      logFile: this.logFile,
    });
    const jvm = new JvmProcess(this.settings.install.java, args, {
      cwd: this.dataDir,
      outputFile: this.jvmOutputFile,
      ownedDir: this.settings.ownsDataDir ? this.dataDir : undefined,
    });
    this.jvm = jvm;
    if (jvm.pid !== undefined) this.lastPid = jvm.pid;
    await this.waitUntilServing(jvm);
  }

  private async waitUntilServing(jvm: JvmProcess): Promise<void> {
    const timeoutMs = this.settings.startTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (jvm.exit) {
        const { code, signal, error } = jvm.exit;
        const how = error
          ? `could not run ${this.settings.install.java}: ${error.message}`
          : `exited (code ${code}, signal ${signal})`;
        throw new ZooKeeperStartError(
          `ZooKeeper on ${this.connectString} ${how} before serving`,
          await logTail([this.logFile, this.jvmOutputFile]),
        );
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        jvm.signal('SIGKILL');
        await jvm.waitForExit(KILL_WAIT_MS);
        const tls = this.lastTlsError
          ? `; the TLS handshake with ${this.secureConnectString} failed: ${this.lastTlsError.message}`
          : '';
        throw new ZooKeeperStartError(
          `ZooKeeper on ${this.connectString} (pid ${this.pid}) did not serve within ${timeoutMs} ms${tls}`,
          await logTail([this.logFile, this.jvmOutputFile]),
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
}
