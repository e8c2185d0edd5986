import type { INestApplication, LoggerService } from '@nestjs/common';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ZkClient, ZkNoAuthError } from '../../lib/client/index.js';
import { Registrar } from '../../lib/sd/registrar.js';
import { startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');
const SECRET = 'pa55-w0rd-never-shown';
const credentials = `svc-hello:${SECRET}`;

/** A Nest LoggerService that keeps every line, to search it for secrets. */
function capturingLogger(lines: string[]): LoggerService {
  const keep = (...parts: unknown[]) => lines.push(parts.map(String).join(' '));
  return { log: keep, warn: keep, error: keep, debug: keep, verbose: keep, fatal: keep };
}

describe('security: digest credentials and ACLs', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('our instance node can be read without the credentials, but not deleted or overwritten', async () => {
    const root = uniqueRoot();
    const owner = await ZkClient.connect({ servers, auth: [{ scheme: 'digest', credentials }] });
    const stranger = await ZkClient.connect({ servers });
    try {
      const registrar = new Registrar(owner, {
        path: `${root}/hello`,
        name: 'abc',
        data: 'http://127.0.0.1:8080',
      });
      const node = await registrar.register();

      expect((await stranger.getData(node)).data.toString()).toBe('http://127.0.0.1:8080');
      expect(await stranger.getChildren(`${root}/hello/abc`)).toHaveLength(1);
      const overwrite = await stranger.setData(node, 'http://evil:1').catch((e: unknown) => e);
      expect(overwrite).toBeInstanceOf(ZkNoAuthError);
      await expect(stranger.delete(node)).rejects.toBeInstanceOf(ZkNoAuthError);
      // Others may still register beside us (CREATE on the parent), not remove the parent.
      await stranger.create(`${root}/hello/abc/other`, 'http://127.0.0.1:9', { mode: 'ephemeral' });
      await expect(stranger.setData(`${root}/hello/abc`, 'x')).rejects.toBeInstanceOf(
        ZkNoAuthError,
      );
      // The owner deregisters as usual.
      expect(await registrar.deregister()).toBe(true);
      expect(await stranger.exists(node)).toBeNull();
      expect(String(overwrite)).not.toContain(SECRET);
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  it('credentials never appear in the log lines of a whole app lifecycle, nor in errors', async () => {
    const root = uniqueRoot();
    const lines: string[] = [];
    const service = await startServiceApp({
      servers,
      path: root,
      name: 'secure',
      instanceName: 'S',
      module: { auth: [{ scheme: 'digest', credentials }], logger: capturingLogger(lines) },
    });
    apps.push(service.app);
    const consumer = await startConsumerApp(servers, `${root}/secure`, {
      logger: capturingLogger(lines),
    });
    apps.push(consumer.app);
    await waitFor(() => consumer.endpointer.endpoints().length === 1);
    await service.app.close();
    apps.splice(apps.indexOf(service.app), 1);
    await waitFor(() => consumer.endpointer.endpoints().length === 0);

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(SECRET);
    const badOption = await startServiceApp({
      servers,
      path: root,
      name: 'x',
      instanceName: 'X',
      module: { auth: [{ scheme: 'digest', credentials: `no-colon-${SECRET}` }] },
    }).catch((e: unknown) => e);
    expect(String(badOption)).toContain('auth[0].credentials');
    expect(String(badOption)).not.toContain(SECRET);
  });
});
