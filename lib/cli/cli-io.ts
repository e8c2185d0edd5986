/** Where the CLI reads and writes: the process's streams, or buffers in tests. */
export interface CliIo {
  /** Data: tables, JSON documents, NDJSON events. */
  stdout(text: string): void;
  /** Messages: errors, warnings, usage. */
  stderr(text: string): void;
  /** Environment variables (`ZK_SERVERS`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends a running `watch` (SIGINT/SIGTERM in the real process). */
  readonly signal?: AbortSignal;
}

/** The real process: its streams and environment, and an abort on SIGINT or SIGTERM. */
export function processIo(): CliIo {
  const controller = new AbortController();
  const stop = () => {
    controller.abort();
    // A watch closes its session and ends by itself; anything still busy is ended shortly after.
    setTimeout(() => process.exit(130), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    signal: controller.signal,
  };
}
