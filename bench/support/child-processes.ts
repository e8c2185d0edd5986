import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { E2eMessage } from '../e2e/messages.js';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e');

/** Forks `bench/e2e/<script>` with an IPC channel and resolves with the URL it says it serves. */
export async function startE2eProcess(
  script: string,
  args: readonly string[],
  /** Where the child is added at once, so that it is stopped even if it never gets ready. */
  children: ChildProcess[],
): Promise<string> {
  const child = fork(join(e2eDir, script), args, {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return (await nextMessage(child, 'ready')).url;
}

/** The next message of `type` from `child`; rejects if it exits first. */
export function nextMessage<T extends E2eMessage['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<E2eMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${child.spawnargs.join(' ')} exited (${code}) before '${type}'`));
    child.once('exit', onExit);
    child.on('message', (message: E2eMessage) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      resolve(message as Extract<E2eMessage, { type: T }>);
    });
  });
}

/** Asks `child` to stop (it may be frozen: it is resumed first), SIGKILL after 10 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
