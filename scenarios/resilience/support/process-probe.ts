import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { settledHeap } from '../../../bench/support/heap.js';

/** A process's open file descriptors, and how many of them are sockets. */
export interface FdCount {
  fds: number;
  sockets: number;
}

/**
 * The open file descriptors of process `pid` (or of this process) from `/proc/<pid>/fd`, sockets
 * counted apart (their links read `socket:[inode]`: TCP connections and the Unix socket pairs of
 * stdio pipes and IPC alike). NaN where /proc is missing or the process is gone.
 */
export function openFds(pid: number | 'self' = 'self'): FdCount {
  const dir = `/proc/${pid}/fd`;
  try {
    const entries = readdirSync(dir);
    let sockets = 0;
    for (const entry of entries) {
      try {
        if (readlinkSync(`${dir}/${entry}`).startsWith('socket:')) sockets++;
      } catch {
        // Closed between the listing and the read.
      }
    }
    return { fds: entries.length, sockets };
  } catch {
    return { fds: Number.NaN, sockets: Number.NaN };
  }
}

/**
 * How many processes descend from `pid` (its children, theirs, and so on), from the parent pids
 * in `/proc/<pid>/stat`; NaN where /proc is missing.
 */
export function descendantCount(pid = process.pid): number {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return Number.NaN;
  }
  const children = new Map<number, number[]>();
  for (const name of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // Exited meanwhile.
    }
    // `pid (comm) state ppid ...`; comm may hold spaces and parentheses: split after the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(name));
    children.set(parent, siblings);
  }
  let count = 0;
  const pending = [...(children.get(pid) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    count++;
    pending.push(...(children.get(next) ?? []));
  }
  return count;
}

/** The heap probe's request and answer, over a child's IPC channel. */
interface HeapProbeAnswer {
  type: 'heap';
  heapUsed: number;
}

/**
 * In a child process started with an IPC channel and `--expose-gc`: answers every `{ type: 'heap' }`
 * message with its `heapUsed` after full garbage collections. The channel alone does not keep the
 * process alive.
 */
export function answerHeapProbes(): void {
  const send = process.send?.bind(process);
  if (!send) return;
  process.on('message', (message: { type?: unknown }) => {
    if (message?.type !== 'heap') return;
    void settledHeap().then(({ heapUsed }) => send({ type: 'heap', heapUsed }));
  });
  process.channel?.unref();
}

/** Asks a child running {@link answerHeapProbes} for its `heapUsed` after GC. */
export function askHeapUsed(child: ChildProcess, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`pid ${child.pid} did not answer a heap probe within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: HeapProbeAnswer) => {
      if (message?.type !== 'heap') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.heapUsed);
    };
    child.on('message', onMessage);
    child.send({ type: 'heap' });
  });
}
