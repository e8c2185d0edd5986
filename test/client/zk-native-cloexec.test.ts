import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countInheritableSockets } from '../../lib/client/native-cloexec.js';

const TCP_HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

/** A fake /proc/self: fd links, their fdinfo flags, and the TCP table (remote port per inode). */
function fakeProc(
  dir: string,
  fds: Array<{ fd: number; link: string; flags: string }>,
  tcp: Array<{ inode: string; remotePort: number }>,
): string {
  mkdirSync(join(dir, 'fd'), { recursive: true });
  mkdirSync(join(dir, 'fdinfo'), { recursive: true });
  mkdirSync(join(dir, 'net'), { recursive: true });
  for (const { fd, link, flags } of fds) {
    symlinkSync(link, join(dir, 'fd', String(fd)));
    writeFileSync(join(dir, 'fdinfo', String(fd)), `pos:\t0\nflags:\t${flags}\nmnt_id:\t9\n`);
  }
  const rows = tcp.map(
    ({ inode, remotePort }, i) =>
      `   ${i}: 0100007F:D858 0100007F:${remotePort.toString(16).toUpperCase().padStart(4, '0')} 01 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 20 4 30 10 -1`,
  );
  writeFileSync(join(dir, 'net', 'tcp'), `${[TCP_HEADER, ...rows].join('\n')}\n`);
  writeFileSync(join(dir, 'net', 'tcp6'), `${TCP_HEADER}\n`);
  return dir;
}

describe('finding ZooKeeper sockets a child process would inherit', () => {
  // Elsewhere there is no /proc to read: the check says it cannot tell.
  const onLinux = process.platform === 'linux';
  const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts only sockets to the given ports that lack close-on-exec', () => {
    const proc = fakeProc(
      join(root, 'mixed'),
      [
        { fd: 3, link: 'anon_inode:[eventpoll]', flags: '02000002' },
        { fd: 20, link: 'socket:[6935]', flags: '02' }, // the C client's: no O_CLOEXEC
        { fd: 21, link: 'socket:[6936]', flags: '02004002' }, // Node's own, same server
        { fd: 22, link: 'socket:[7000]', flags: '02' }, // another server
        { fd: 23, link: '/dev/null', flags: '0100000' },
      ],
      [
        { inode: '6935', remotePort: 2181 },
        { inode: '6936', remotePort: 2181 },
        { inode: '7000', remotePort: 5432 },
      ],
    );
    expect(countInheritableSockets(new Set([2181]), proc)).toBe(onLinux ? 1 : undefined);
    expect(countInheritableSockets(new Set([2181, 5432]), proc)).toBe(onLinux ? 2 : undefined);
    expect(countInheritableSockets(new Set([9999]), proc)).toBe(onLinux ? 0 : undefined);
  });

  it('says it cannot tell (undefined) when the directory is not a /proc', () => {
    expect(countInheritableSockets(new Set([2181]), join(root, 'missing'))).toBeUndefined();
  });
});
