/**
 * A ZooKeeper server did not come up: its JVM exited early or never answered `ruok` with a
 * mode in `srvr` before the deadline. The message ends with the last lines of its logs.
 */
export class ZooKeeperStartError extends Error {
  override name = 'ZooKeeperStartError';

  constructor(
    message: string,
    /** The last lines of the server's log file and JVM output. */
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}\n--- last log lines ---\n${logTail}`, options);
  }

  /** Whether the server failed because its client port was taken. */
  get portInUse(): boolean {
    return /BindException|Address already in use/.test(this.logTail);
  }
}
