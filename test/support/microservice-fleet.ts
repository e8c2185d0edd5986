import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClientTCP } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { freePorts } from '../../lib/testing/index.js';
import { type ChildScript, startChildScript } from './child-script.js';
import { compileLib, repoRoot } from './compiled-lib.js';
import { uniqueRoot } from './unique-root.js';

/** One Nest TCP microservice of a fleet (test/support/children/math-microservice.mjs). */
export interface MathInstance {
  readonly name: string;
  readonly port: number;
  readonly child: ChildScript;
  /** Its znode, once registered. */
  readonly node: string;
  /** What it has seen: `fail` calls and `hit` events, asked of it directly (no discovery). */
  counts(): Promise<{ name: string; fails: number; events: number }>;
}

/** Instances of one service path; each registers itself with its own ZooKeeper session. */
export interface MathFleet {
  /** The service path consumers call: `<root>/math/tcp`. */
  readonly path: string;
  readonly instances: MathInstance[];
  /** Starts one more instance (named `m<index>`) and waits for its registration. */
  start(): Promise<MathInstance>;
  close(): void;
}

/**
 * The library compiled once per test file (children import it: vitest compiles only its own). A
 * type error elsewhere in lib/ does not stop the emit (`npm test` type-checks first): only a
 * build that leaves no entry point fails.
 */
export function compiledLibFor(label: string): string {
  const outDir = join(repoRoot, '.build', `lib-${label}`);
  try {
    return compileLib(outDir);
  } catch (error) {
    if (existsSync(join(outDir, 'index.js'))) return outDir;
    throw error;
  }
}

/**
 * Starts `count` math microservices registered under a fresh path, each a process of its own with
 * a ZooKeeper session of `sessionMs` (a killed one leaves once it expires).
 */
export async function startMathFleet(
  dist: string,
  servers: string,
  count: number,
  sessionMs = 2000,
): Promise<MathFleet> {
  const root = `${uniqueRoot('ms')}/math`;
  const instances: MathInstance[] = [];
  const children: ChildScript[] = [];
  let started = 0;
  const start = async (): Promise<MathInstance> => {
    const name = `m${started++}`;
    const [port] = await freePorts(1);
    const child = startChildScript('math-microservice.mjs', [
      dist,
      servers,
      root,
      'tcp',
      String(port),
      name,
      String(sessionMs),
    ]);
    children.push(child);
    const line = await child.line(/^REGISTERED /, 20_000);
    const instance: MathInstance = {
      name,
      port: port!,
      child,
      node: line.slice('REGISTERED '.length),
      counts: () => askDirectly(port!, 'counts'),
    };
    instances.push(instance);
    return instance;
  };
  try {
    await Promise.all(Array.from({ length: count }, start));
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return {
    path: `${root}/tcp`,
    instances,
    start,
    close: () => {
      for (const child of children) {
        child.process.kill('SIGCONT');
        child.kill();
      }
    },
  };
}

/** Asks one instance at its own address, with Nest's plain TCP client. */
async function askDirectly<T>(port: number, pattern: string): Promise<T> {
  const client = new ClientTCP({ host: '127.0.0.1', port });
  try {
    return await lastValueFrom(client.send<T>(pattern, {}));
  } finally {
    client.close();
  }
}
