import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { forgetPid, reapOnExit } from './jvm-reaper.js';
import { spawnWithoutInheritedFds } from './spawn-without-inherited-fds.js';

/** How a JVM ended: its exit code or signal, or why it could not run at all. @internal */
export interface JvmExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Where a JVM runs: its working directory, the file its output goes to, the dir it owns. */
export interface JvmPlacement {
  cwd: string;
  /** Its stdout and stderr, appended. */
  outputFile: string;
  /** A temporary directory the reaper removes after killing the JVM, if any. */
  ownedDir: string | undefined;
}

/**
 * One run of a server's JVM: spawned without our file descriptors, its output appended to a file,
 * and never keeping the test runner alive (unref'd; the reaper kills it when the runner exits).
 * A restart is a new `JvmProcess`.
 * @internal
 */
export class JvmProcess {
  private readonly child: ChildProcess;
  private exitValue: JvmExit | undefined;
  private readonly exited: Promise<JvmExit>;

  constructor(java: string, args: readonly string[], placement: JvmPlacement) {
    const output = openSync(placement.outputFile, 'a');
    try {
      const child = spawnWithoutInheritedFds(java, args, {
        cwd: placement.cwd,
        stdio: ['ignore', output, output],
      });
      this.child = child;
      this.exited = new Promise((resolveExit) => {
        const done = (info: JvmExit): void => {
          this.exitValue ??= info;
          if (child.pid !== undefined) forgetPid(child.pid);
          resolveExit(info);
        };
        child.once('exit', (code, signal) => done({ code, signal }));
        child.once('error', (error) => done({ code: null, signal: null, error }));
      });
      child.unref();
      if (child.pid !== undefined) reapOnExit(child.pid, placement.ownedDir);
    } finally {
      closeSync(output);
    }
  }

  /** Its pid; undefined when it could not be spawned. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How it ended, once it has. */
  get exit(): JvmExit | undefined {
    return this.exitValue;
  }

  get running(): boolean {
    return this.exitValue === undefined;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited in the meantime.
    }
  }

  /** Resolves true once it has exited, false if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    const controller = new AbortController();
    const timedOut = delay(timeoutMs, false, { signal: controller.signal }).catch(() => false);
    const exited = await Promise.race([this.exited.then(() => true), timedOut]);
    controller.abort();
    return exited;
  }
}
