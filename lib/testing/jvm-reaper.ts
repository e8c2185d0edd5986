import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

const livePids = new Set<number>();
const ownedDirs = new Set<string>();
let exitHandlerInstalled = false;

/**
 * Makes sure the JVM `pid` does not outlive this process:
 * - one process-wide `exit` handler (installed once, whatever the number of servers) sends
 *   SIGKILL to every JVM still tracked; it runs on `process.exit()` and a natural exit;
 * - a tiny detached `sh` watchdog per JVM kills it if this process dies without running exit
 *   handlers (SIGKILL, or a SIGTERM with no handler, as a test runner does to its workers).
 * The JVM is not spawned detached, so a Ctrl-C on the terminal reaches it as well.
 * @internal
 */
export function reapOnExit(pid: number): void {
  installExitHandler();
  livePids.add(pid);
  spawnWatchdog(pid);
}

/** Stops tracking a JVM that has exited. @internal */
export function forgetPid(pid: number): void {
  livePids.delete(pid);
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

// Polls once a second while both processes live. Kills the JVM only if the parent is gone: if
// the JVM exited first its pid may already belong to someone else.
const WATCHDOG_SCRIPT = [
  'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
  'kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null',
  'exit 0',
].join('\n');

function spawnWatchdog(pid: number): void {
  if (process.platform === 'win32') return;
  try {
    const watchdog = spawn(
      '/bin/sh',
      ['-c', WATCHDOG_SCRIPT, 'zk-testing-watchdog', String(process.pid), String(pid)],
      { detached: true, stdio: 'ignore' },
    );
    watchdog.on('error', () => {
      // No /bin/sh: the exit handler still covers normal exits.
    });
    watchdog.unref();
  } catch {
    // Same as above.
  }
}
