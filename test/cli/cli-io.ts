import type { CliIo } from '../../lib/cli/cli-io.js';

/** A `CliIo` writing into strings, for running the CLI in-process. */
export interface CapturedIo {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** stdout split into lines (without the empty last one). */
  readonly lines: () => string[];
  /** Ends a running `watch`. */
  readonly stop: () => void;
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    io: {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        err += text;
      },
      env,
      signal: controller.signal,
    },
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split('\n').filter((line) => line !== ''),
    stop: () => controller.abort(),
  };
}
