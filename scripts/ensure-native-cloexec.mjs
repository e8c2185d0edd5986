#!/usr/bin/env node
// Makes sure this checkout's native `zookeeper` client opens its sockets with close-on-exec, and
// rebuilds it that way when it does not. Runs on `npm install`/`npm ci` (prepare) and before the
// tests, the demo, the benchmarks and the scenarios.
//
// Why: the C client bundled in the `zookeeper` package is built without SOCK_CLOEXEC unless asked.
// Every child process started by a process holding a client (the testing kit's JVMs, a benchmark's
// workers) then inherits the client's socket, and after a ZooKeeper fault the client can stay
// unable to reconnect (issue 9). The library warns about such a build at run time; here, in our
// own installs, we fix it.
//
// How it checks: a client connects to a local TCP listener (no ZooKeeper needed) and the flags of
// its socket are read from /proc/self/fdinfo. Linux only; elsewhere it says so and does nothing.
// Plain Node ESM without dependencies: it runs before anything is built.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const say = (line) => console.log(`ensure-native-cloexec: ${line}`);
const O_CLOEXEC = 0o2000000;
const CHECK_TIMEOUT_MS = 5_000;

/** Resolves with true/false (socket has O_CLOEXEC), or a string saying why it cannot tell. */
async function checkInChild() {
  const result = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--check'], {
    encoding: 'utf8',
    timeout: CHECK_TIMEOUT_MS * 2,
  });
  const answer = result.stdout.trim().split('\n').pop();
  if (answer === 'cloexec') return true;
  if (answer === 'inheritable') return false;
  return `the check failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`;
}

/** In a child process of its own (a loaded binding would keep its files busy during a rebuild). */
async function check() {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const ZooKeeper = require('zookeeper');
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const accepted = new Promise((resolve) => server.once('connection', resolve));
  const client = new ZooKeeper({ connect: `127.0.0.1:${port}`, timeout: 4000, debug_level: 0 });
  client.init({});
  const timer = setTimeout(() => {
    console.log('no connection from the native client');
    process.exit(1);
  }, CHECK_TIMEOUT_MS);
  await accepted;
  clearTimeout(timer);
  const inodes = new Set();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[2]?.endsWith(`:${port.toString(16).toUpperCase().padStart(4, '0')}`)) {
        inodes.add(columns[9]);
      }
    }
  }
  for (const fd of readdirSync('/proc/self/fd')) {
    let link = '';
    try {
      link = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (!inode || !inodes.has(inode)) continue;
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const flags = Number.parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? '0', 8);
    console.log(flags & O_CLOEXEC ? 'cloexec' : 'inheritable');
    process.exit(0);
  }
  console.log('the native client socket was not found in /proc/self/fd');
  process.exit(1);
}

function rebuild() {
  const require = createRequire(join(process.cwd(), 'package.json'));
  const packageDir = dirname(require.resolve('zookeeper/package.json'));
  // The install script extracts the C client's sources afresh and configures them again only when
  // the addon is missing: remove it (`npm rebuild` alone would keep the old objects).
  rmSync(join(packageDir, 'build'), { recursive: true, force: true });
  say('$ CPPFLAGS=-DSOCK_CLOEXEC_ENABLED npm rebuild zookeeper');
  const result = spawnSync('npm', ['rebuild', 'zookeeper'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      CPPFLAGS: `${process.env.CPPFLAGS ?? ''} -DSOCK_CLOEXEC_ENABLED`.trim(),
    },
  });
  return result.status === 0;
}

async function main() {
  if (process.argv.includes('--check')) return check();
  if (process.platform !== 'linux') {
    say(`cannot check on ${process.platform} (no /proc); nothing done.`);
    return 0;
  }
  const before = await checkInChild();
  if (before === true) {
    say('the native zookeeper client opens its sockets with close-on-exec.');
    return 0;
  }
  if (typeof before === 'string') {
    // Not knowing is no reason to block an install or a test run; the library warns at run time.
    say(`${before}; continuing without the check.`);
    return 0;
  }
  say('the native zookeeper client was built without close-on-exec: rebuilding it (about 20 s).');
  if (!rebuild()) {
    say('the rebuild failed; see the output above.');
    return 1;
  }
  const after = await checkInChild();
  if (after === true) {
    say('rebuilt: the native zookeeper client now opens its sockets with close-on-exec.');
    return 0;
  }
  say(`still without close-on-exec after the rebuild (${after}).`);
  return 1;
}

process.exitCode = await main();
