import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startChildScript } from './support/child-script.js';
import { repoRoot } from './support/compiled-lib.js';
import { installPackedPackage } from './support/packed-package.js';
import { uniqueRoot } from './support/unique-root.js';

const workDir = join(repoRoot, '.build', 'packed-install');
const appDir = join(workDir, 'app');
const appsSource = join(import.meta.dirname, 'support', 'packed-apps');

interface AppResult {
  node: string;
  url: string;
  data: string;
  health: { status: number; zookeeper: string | undefined };
  testingEntry: string;
}

describe('the packed tarball, installed into a CommonJS app and an ES module app', () => {
  const servers = inject('zkConnect');

  it('ships dist, bin and README only, and every entry loads and registers from both module systems', async () => {
    const files = installPackedPackage(workDir, appDir);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/zk-discovery.js']),
    );
    expect(files.every((file) => /^(package\.json|README\.md|bin\/|dist\/)/.test(file))).toBe(true);
    // `nest new` makes a CommonJS package; `"type": "module"` makes an ESM one.
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ type: 'commonjs', private: true }),
    );
    for (const file of ['registering-app.cjs', 'cjs-app.cjs', 'esm-app.mjs']) {
      copyFileSync(join(appsSource, file), join(appDir, file));
    }
    const name = uniqueRoot('packed').replaceAll('/', '');
    const apps = [
      { script: 'cjs-app.cjs', service: `${name}-cjs` },
      { script: 'esm-app.mjs', service: `${name}-esm` },
    ];
    const results = await Promise.all(
      apps.map(async ({ script, service }) => {
        const app = startChildScript(join(appDir, script), [service, servers]);
        const code = await app.exited(30_000);
        expect({ script, code, stderr: app.stderr.join('\n') }).toEqual({
          script,
          code: 0,
          stderr: '',
        });
        return JSON.parse(app.stdout.at(-1)!) as AppResult;
      }),
    );
    for (const [index, { service }] of apps.entries()) {
      const result = results[index]!;
      expect(result.node.startsWith(`/services/packed/${service}/`)).toBe(true);
      expect(result.data).toBe(result.url);
      expect(result.health).toEqual({ status: 200, zookeeper: 'up' });
      expect(result.testingEntry).toBe('function');
    }
  });
});
