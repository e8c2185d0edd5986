/** What the end-to-end processes tell the benchmark over IPC. */
export type E2eMessage =
  | { type: 'ready'; url: string }
  | { type: 'result'; requests: number; errors: number; seconds: number; latenciesMs: number[] };

/**
 * Sends `message` to the parent process (these scripts only run forked, with an IPC channel);
 * resolves once it is handed to the channel, so the process may exit right after.
 */
export function tell(message: E2eMessage): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('run this script through the benchmark (it needs IPC)');
  return new Promise((resolve, reject) =>
    send(message, undefined, undefined, (error) => (error ? reject(error) : resolve())),
  );
}

/** Runs `stop` when the parent says so (or goes away), then exits. */
export function exitWhenTold(stop: () => Promise<void>): void {
  const finish = () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (message) => {
    if (message === 'stop') finish();
  });
  process.on('disconnect', finish);
}
