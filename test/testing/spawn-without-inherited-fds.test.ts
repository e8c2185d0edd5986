import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { spawnWithoutInheritedFds } from '../../lib/testing/spawn-without-inherited-fds.js';

/** The descriptors the shell `sh` holds, listed by `ls` from /proc (Linux, as the CI). */
const LIST_OWN_FDS = ['-c', 'echo "pid $$"; ls /proc/$$/fd'];

async function output(child: ChildProcess): Promise<{ pid: string; fds: string[] }> {
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  await new Promise((resolve) => child.once('exit', resolve));
  const [pidLine = '', ...fds] = text.trim().split('\n');
  return { pid: pidLine.replace('pid ', ''), fds: fds.sort() };
}

describe('spawnWithoutInheritedFds (how the testing kit starts its JVMs)', () => {
  // A descriptor beyond stdio stands for one a native addon left inheritable: a plain spawn
  // hands it down, the kit's spawn does not.
  const stdio = ['ignore', 'pipe', 'ignore', 'pipe'] as const;

  it('hands the child its stdio only, and the child keeps its pid', async () => {
    const plain = await output(spawn('/bin/sh', LIST_OWN_FDS, { stdio: [...stdio] }));
    expect(plain.fds).toEqual(expect.arrayContaining(['0', '1', '2', '3']));

    const child = spawnWithoutInheritedFds('/bin/sh', LIST_OWN_FDS, { stdio: [...stdio] });
    const clean = await output(child);
    expect(clean.fds).toEqual(['0', '1', '2']);
    // The command replaced the wrapper: the pid the kit tracks (and kills) is the command's.
    expect(clean.pid).toBe(String(child.pid));
  });
});
