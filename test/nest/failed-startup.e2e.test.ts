import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { type ChildScript, startChildScript } from '../support/child-script.js';
import { compileLib, repoRoot } from '../support/compiled-lib.js';
import { uniqueRoot } from '../support/unique-root.js';

const servers = inject('zkConnect');
const HIDE_OPTIONAL_PEERS = join(
  import.meta.dirname,
  '..',
  'support',
  'children',
  'hide-optional-peers.mjs',
);

describe('a startup that fails after the module connected leaves no process behind', () => {
  let dist: string;
  let observer: ZkClient;
  let blocker: Server;
  let takenPort: number;
  const children: ChildScript[] = [];

  beforeAll(async () => {
    dist = compileLib(join(repoRoot, '.build', 'failed-startup'));
    observer = await ZkClient.connect({ servers });
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const child of children) child.kill();
    blocker?.close();
    await observer?.close();
  });

  it('listen() fails on a taken port: the app says why, closes its session and the process exits', async () => {
    const root = uniqueRoot('failed-listen');
    await observer.ensurePath(root);
    const lock = `${root}/lock`;
    const app = startChildScript('failing-startup-app.mjs', [
      dist,
      servers,
      root,
      `listen:${takenPort}`,
      lock,
    ]);
    children.push(app);
    await app.line(/^HOLDING /);
    // The session is 30 s long: an exit within a few seconds means it did not keep the process.
    expect(await app.exited(10_000)).toBe(0);
    expect(app.stderr.join('\n')).toMatch(
      /failed to listen \(.*EADDRINUSE.*the ZooKeeper session is closed/s,
    );
    // Closed, not abandoned: its ephemeral node went at once, not at the session timeout.
    expect(await observer.exists(lock)).toBeNull();
    expect(await observer.getChildren(root)).toEqual([]);
  });

  it('metrics: true without prom-client: startup fails saying what to install, and the process exits', async () => {
    const root = uniqueRoot('failed-metrics');
    await observer.ensurePath(root);
    const lock = `${root}/lock`;
    const app = startChildScript(
      'failing-startup-app.mjs',
      [dist, servers, root, 'metrics', lock],
      {
        nodeOptions: ['--import', HIDE_OPTIONAL_PEERS],
      },
    );
    children.push(app);
    expect(await app.exited(10_000)).toBe(0);
    expect(app.stderr.join('\n')).toMatch(/bootstrap failed: .*npm install prom-client/);
    expect(await observer.exists(lock)).toBeNull();
  });
});
