import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const BASH = '/bin/bash';

// Closes every descriptor above stdio, then becomes the command (same pid). `/dev/fd` lists the
// shell's own descriptors on Linux and macOS; bash (unlike dash) closes multi-digit ones.
const CLOSE_INHERITED_THEN_EXEC = [
  'for fd in /dev/fd/*; do',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
  '  fd=${fd##*/}',
  '  case $fd in 0|1|2|*[!0-9]*) ;; *) eval "exec $fd>&-" ;; esac',
  'done',
  'exec "$@"',
].join('\n');

/**
 * `spawn`, but the child gets only its stdio. Node marks its own descriptors close-on-exec, but a
 * native addon may not: the `zookeeper` package's C client, unless rebuilt with close-on-exec,
 * leaves its sockets inheritable, and a child holding a copy of one (a JVM started by the kit in a
 * test that also holds a client) can keep that client from ever reconnecting. Where bash is
 * missing (Windows), it is a plain `spawn`.
 */
export function spawnWithoutInheritedFds(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  if (process.platform === 'win32' || !existsSync(BASH)) return spawn(command, args, options);
  return spawn(BASH, ['-c', CLOSE_INHERITED_THEN_EXEC, 'zk-testing', command, ...args], options);
}
