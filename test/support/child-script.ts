import { type ChildProcess, spawn } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { waitFor } from './wait-for.js';

/** A Node script of `test/support/children/`, running as a child process. */
export interface ChildScript {
  readonly process: ChildProcess;
  /** Its stdout and stderr lines so far. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Its exit code (or signal name) once it has exited. */
  readonly exit: number | string | undefined;
  /** Waits for a stdout line matching `pattern` and returns it. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until it has exited; returns its exit code (or signal name). */
  exited(timeoutMs: number): Promise<number | string>;
  /** SIGKILL, if still running. */
  kill(): void;
}

/**
 * Starts `test/support/children/<name>` (or the script at `name` when it is an absolute path) with
 * `args` (and Node's own `nodeOptions` first).
 */
export function startChildScript(
  name: string,
  args: readonly string[],
  options: {
    nodeOptions?: readonly string[];
    /** Added to this process's environment. */
    env?: Record<string, string>;
    cwd?: string;
  } = {},
): ChildScript {
  const script = isAbsolute(name) ? name : join(import.meta.dirname, 'children', name);
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ? { ...process.env, ...options.env } : process.env,
    cwd: options.cwd,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  let exit: number | string | undefined;
  child.once('exit', (code, signal) => {
    exit = code ?? signal ?? 'unknown';
  });
  const describe = () => `${name} (stdout: ${stdout.join(' | ')}; stderr: ${stderr.join(' | ')})`;
  return {
    process: child,
    stdout,
    stderr,
    get exit() {
      return exit;
    },
    async line(pattern, timeoutMs = 10_000) {
      await waitFor(() => stdout.some((line) => pattern.test(line)), {
        timeoutMs,
        message: `a line matching ${pattern} from ${describe()}`,
      });
      return stdout.find((line) => pattern.test(line))!;
    },
    async exited(timeoutMs) {
      await waitFor(() => exit !== undefined, { timeoutMs, message: `the exit of ${describe()}` });
      return exit!;
    },
    kill() {
      if (exit === undefined) child.kill('SIGKILL');
    },
  };
}
