import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/**
 * Counts this process's TCP sockets connected to one of `ports` that a child process would
 * inherit (no close-on-exec flag). Linux only: undefined where /proc cannot tell.
 *
 * Why it matters: the C client bundled in the `zookeeper` package opens its sockets without
 * SOCK_CLOEXEC unless built with it. Every child process started afterwards holds a copy of the
 * connection; once the client closes its own copy, its next socket often gets the same fd number
 * and its events are never delivered, so the client can stay CONNECTING forever (test/client/zk-native-cloexec.test.ts
 * shows it). Node's own sockets always carry the flag.
 */
export function countInheritableSockets(
  ports: ReadonlySet<number>,
  proc = '/proc/self',
): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const remotePortByInode = readTcpTables(proc);
    let count = 0;
    for (const fd of readdirSync(`${proc}/fd`)) {
      const inode = socketInode(`${proc}/fd/${fd}`);
      if (inode === undefined) continue;
      const port = remotePortByInode.get(inode);
      if (port === undefined || !ports.has(port)) continue;
      if ((fdFlags(proc, fd) & O_CLOEXEC) === 0) count++;
    }
    return count;
  } catch {
    return undefined;
  }
}

/** inode → remote port, from net/tcp and net/tcp6. */
function readTcpTables(proc: string): Map<string, number> {
  const byInode = new Map<string, number>();
  for (const table of [`${proc}/net/tcp`, `${proc}/net/tcp6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const remote = columns[2];
      const inode = columns[9];
      if (!remote || !inode) continue;
      byInode.set(inode, Number.parseInt(remote.slice(remote.indexOf(':') + 1), 16));
    }
  }
  return byInode;
}

function socketInode(link: string): string | undefined {
  try {
    return /^socket:\[(\d+)\]$/.exec(readlinkSync(link))?.[1];
  } catch {
    return undefined; // closed meanwhile
  }
}

function fdFlags(proc: string, fd: string): number {
  try {
    const info = readFileSync(`${proc}/fdinfo/${fd}`, 'utf8');
    return Number.parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? '0', 8);
  } catch {
    return O_CLOEXEC; // closed meanwhile: nothing to report
  }
}

/** The command that rebuilds the native client with close-on-exec (docs/client.md, The native transport). */
export const CLOEXEC_REBUILD_COMMAND =
  'rm -rf node_modules/zookeeper/build node_modules/zookeeper/prebuilds && CPPFLAGS=-DSOCK_CLOEXEC_ENABLED npm rebuild zookeeper';

let checked = false;

/**
 * Once per process, after the first connection: warns when the native client's socket would be
 * inherited by child processes, with the command that fixes it.
 */
export function warnOnceIfInheritable(
  ports: ReadonlySet<number>,
  warn: (message: string) => void,
): void {
  if (checked) return;
  checked = true;
  const count = countInheritableSockets(ports);
  if (!count) return;
  warn(
    'The native zookeeper client was built without close-on-exec: every child process this ' +
      'process starts inherits its ZooKeeper connection, and after a ZooKeeper fault the client ' +
      'may then never reconnect on its own (the library opens a new session after about the ' +
      `session timeout). Rebuild it once: ${CLOEXEC_REBUILD_COMMAND}`,
  );
}
