import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { spawnWithoutInheritedFds } from './spawn-without-inherited-fds.js';

const livePids = new Set<number>();
const releaseWatchdog = new Map<number, () => void>();
const ownedDirs = new Set<string>();
let exitHandlerInstalled = false;

/**
 * Makes sure the JVM `pid` does not outlive this process:
 * - one process-wide `exit` handler (installed once, whatever the number of servers) sends
 *   SIGKILL to every JVM still tracked; it runs on `process.exit()` and a natural exit;
 * - a tiny detached `sh` watchdog per JVM, blocked reading a pipe from this process, kills it
 *   when the pipe closes without a "done": this process died without running exit handlers
 *   (SIGKILL, or a SIGTERM with no handler, as a test runner may do to its workers).
 * The watchdog also removes `ownedDataDir` (a temporary dir the kit created) after the kill.
 * The JVM is not spawned detached, so a Ctrl-C on the terminal reaches it as well.
 * @internal
 */
export function reapOnExit(pid: number, ownedDataDir?: string): void {
  installExitHandler();
  livePids.add(pid);
  spawnWatchdog(pid, ownedDataDir);
}

/** Stops tracking a JVM that has exited. @internal */
export function forgetPid(pid: number): void {
  livePids.delete(pid);
  releaseWatchdog.get(pid)?.();
  releaseWatchdog.delete(pid);
}

/** Removes `dir` (a temporary data dir the kit created) when this process exits. @internal */
export function removeDirOnExit(dir: string): void {
  installExitHandler();
  ownedDirs.add(dir);
}

/** Stops tracking a directory that was removed, or is to be kept. @internal */
export function forgetDir(dir: string): void {
  ownedDirs.delete(dir);
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const pid of livePids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of ownedDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // Best effort: never throw from an exit handler.
      }
    }
  });
}

// Blocks on its stdin, a pipe from this process, without polling. Every way this process can
// end closes the pipe (EOF: kill the JVM, remove its temporary dir); a JVM that exits normally
// is reported with "done".
const WATCHDOG_SCRIPT = [
  'read line',
  '[ "$line" = done ] && exit 0',
  'kill -9 "$1" 2>/dev/null',
  '[ -n "$2" ] && rm -rf "$2"',
  'exit 0',
].join('\n');

function spawnWatchdog(pid: number, ownedDataDir: string | undefined): void {
  if (process.platform === 'win32') return;
  try {
    const watchdog = spawnWithoutInheritedFds(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'zk-testing-watchdog', String(pid), ownedDataDir ?? ''],
      {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    watchdog.on('error', () => {
      // No /bin/sh: the exit handler still covers normal exits.
    });
    // With stdio 'pipe', stdin is a net.Socket; neither it nor the watchdog may keep this
    // process alive.
    const pipe = watchdog.stdin as Socket;
    pipe.on('error', () => {});
    pipe.unref();
    watchdog.unref();
    releaseWatchdog.set(pid, () => pipe.end('done\n'));
  } catch {
    // Same as above.
  }
}
