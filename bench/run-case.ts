/**
 * Runs one benchmark in this process: `node [flags] .build/bench/run-case.js <name> <out.json>`.
 * Started by bench/main.ts, one fresh process (and one fresh ZooKeeper server) per benchmark.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { ZooKeeperServer } from '../lib/testing/index.js';
import { findCase } from './cases/index.js';

/** What a benchmark process hands back to the runner. */
export interface CaseOutput {
  name: string;
  title: string;
  markdown: string;
  seconds: number;
  zooKeeperVersion: string;
}

async function main(): Promise<void> {
  const [name, outFile] = process.argv.slice(2);
  if (!name || !outFile) throw new Error('usage: run-case.js <name> <out.json>');
  const benchCase = await findCase(name).load();
  const started = performance.now();
  const zk = await ZooKeeperServer.start({ logLevel: 'WARN' });
  try {
    const mntr = await zk.fourLetter('mntr');
    const version = /zk_version\s+([^\s,-]+)/.exec(mntr)?.[1] ?? 'unknown';
    const log = (line: string) => process.stderr.write(`  [${name}] ${line}\n`);
    const markdown = await benchCase.run({ zk, log });
    const output: CaseOutput = {
      name,
      title: benchCase.title,
      markdown,
      seconds: (performance.now() - started) / 1000,
      zooKeeperVersion: version,
    };
    await writeFile(outFile, JSON.stringify(output));
  } finally {
    await zk.stop();
  }
}

main().then(
  // Native handles or HTTP agents left by a benchmark must not keep the process alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
