/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>...]` runs some;
 * `--dry-run` prints the sections instead of writing them into BENCHMARKS.md.
 * Each benchmark runs in a fresh Node process with a fresh ZooKeeper server of its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZK_TRANSPORT_ENV } from '../lib/client/zk-client.options.js';
import { BENCH_NAMES, findCase } from './cases/index.js';
import type { CaseOutput } from './run-case.js';
import { table } from './support/format.js';
import { describeMachine } from './support/machine.js';
import { updateReport } from './support/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const reportFile = join(repoRoot, 'BENCHMARKS.md');
/** A benchmark that runs longer than this is killed and reported as failed. */
const CASE_TIMEOUT_MS = 5 * 60_000;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const names = args.filter((arg) => !arg.startsWith('--'));
  for (const name of names) findCase(name);
  const selected = names.length > 0 ? names : BENCH_NAMES;
  // Other work on the machine moves the figures: note how busy it was before we started.
  const loadBefore = loadavg()[0] ?? 0;
  // Read before the first section is written (BENCHMARKS.md is tracked).
  const commit = gitDescribe();
  const workDir = mkdtempSync(join(tmpdir(), 'zk-bench-'));
  const failed: string[] = [];
  const started = performance.now();
  try {
    for (const name of selected) {
      console.log(`bench: ${name}...`);
      const output = await runCase(name, join(workDir, `${name}.json`));
      if (!output) {
        failed.push(name);
        continue;
      }
      console.log(`bench: ${name} done in ${output.seconds.toFixed(1)} s\n`);
      console.log(output.markdown.trim(), '\n');
      if (!dryRun) {
        const header =
          `_Measured ${new Date().toISOString().slice(0, 10)} at commit ${commit}, in ` +
          `${output.seconds.toFixed(0)} s._`;
        updateReport(reportFile, [
          { name: 'machine', title: 'Machine', markdown: machineBlock(output, loadBefore, commit) },
          { name, title: output.title, markdown: `${header}\n\n${output.markdown}` },
        ]);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const total = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`bench: ${selected.length - failed.length}/${selected.length} in ${total} s`);
  if (!dryRun) console.log(`bench: figures written to ${reportFile}`);
  if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

function runCase(name: string, outFile: string): Promise<CaseOutput | undefined> {
  const entry = findCase(name);
  const child = spawn(
    process.execPath,
    [...entry.nodeFlags, join(here, 'run-case.js'), name, outFile],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const timer = setTimeout(() => {
    console.error(`bench: ${name} ran over ${CASE_TIMEOUT_MS / 1000} s; killing it`);
    child.kill('SIGKILL');
  }, CASE_TIMEOUT_MS);
  return new Promise((resolvePromise) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        console.error(`bench: ${name} failed (${signal ?? `exit code ${code}`})`);
        resolvePromise(undefined);
        return;
      }
      resolvePromise(JSON.parse(readFileSync(outFile, 'utf8')) as CaseOutput);
    });
  });
}

function machineBlock(output: CaseOutput, loadBefore: number, commit: string): string {
  const machine = describeMachine();
  return [
    `Last run: ${new Date().toISOString().slice(0, 10)}, commit ${commit}; 1-minute load ` +
      `average before it started: ${loadBefore.toFixed(2)} (the benchmarks themselves keep both ` +
      'cores busy).',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${machine.cpu}, ${machine.cores} cores`],
        ['Memory', machine.memory],
        ['OS', machine.os],
        ['Node', `${machine.node} (V8 ${machine.v8})`],
        ['ZooKeeper', `${output.zooKeeperVersion} (Debian package), standalone, on 127.0.0.1`],
        ['Java', machine.java],
        ['Client, native transport', machine.binding],
        [
          'Client, protocol transport',
          "the library's own (`lib/client/protocol`), over `node:net`",
        ],
        [
          'Default transport',
          `${process.env[ZK_TRANSPORT_ENV] || 'protocol'} (benchmarks that do not compare the ` +
            'transports: hot path, end to end, routing)',
        ],
      ],
    ),
  ].join('\n');
}

function gitDescribe(): string {
  const run = (args: string[]) =>
    spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const sha = run(['rev-parse', '--short', 'HEAD']) || 'unknown';
  // Markdown (this file's own figures, the README) changes nothing a benchmark runs.
  return run(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)*.md'])
    ? `${sha} (with local changes)`
    : sha;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
