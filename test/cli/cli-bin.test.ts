import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { freePort } from '../../lib/testing/index.js';
import { compileLib } from '../support/compiled-lib.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';
import { type Registry, writeRegistry } from './registry-fixture.js';

const servers = inject('zkConnect');
const root = join(import.meta.dirname, '..', '..');
/** The package as installed: package.json, bin/ and the compiled dist/, side by side. */
const packageDir = join(root, '.build', 'cli-bin');
const run = promisify(execFile);

/** Runs the built `zk-discovery` bin; resolves with its exit code and output, never rejects. */
async function zkDiscovery(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(packageDir, 'bin', 'zk-discovery.js'), ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the zk-discovery bin, built and run as a child process', () => {
  let client: ZkClient;
  let registry: Registry;
  const base = `${uniqueRoot('cli-bin')}/services`;

  beforeAll(async () => {
    compileLib(join(packageDir, 'dist'));
    mkdirSync(join(packageDir, 'bin'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(packageDir, 'package.json'));
    copyFileSync(join(root, 'bin', 'zk-discovery.js'), join(packageDir, 'bin', 'zk-discovery.js'));
    client = await ZkClient.connect({ servers });
    registry = await writeRegistry(client, base);
  });
  afterAll(async () => {
    await registry?.close();
    await client?.close();
    rmSync(packageDir, { recursive: true, force: true });
  });

  it('ls --json with ZK_SERVERS lists the three formats and exits 0; unreachable servers exit 2; watch ends on SIGINT', async () => {
    const listed = await zkDiscovery(['ls', base, '--json'], { ZK_SERVERS: servers });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const document = JSON.parse(listed.stdout) as {
      services: Array<{ instances: Array<{ format: string }> }>;
    };
    const formats = document.services.flatMap((service) =>
      service.instances.map((instance) => instance.format),
    );
    expect([...new Set(formats)].sort()).toEqual(['curator', 'gokit', 'spring']);

    const nobody = `127.0.0.1:${await freePort()}`;
    const failed = await zkDiscovery(['ls', '--servers', nobody, '--timeout', '300']);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain(`zk-discovery: cannot reach ZooKeeper at ${nobody}`);

    const watcher = spawn(
      process.execPath,
      [join(packageDir, 'bin', 'zk-discovery.js'), 'watch', `${base}/billing`, '--json'],
      { env: { PATH: process.env.PATH, ZK_SERVERS: servers }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let watched = '';
    watcher.stdout.on('data', (chunk: Buffer) => {
      watched += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
    await waitFor(() => watched.includes('"event":"present"'), { timeoutMs: 10_000 });
    watcher.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
