/**
 * `npm run scenarios` runs every resilience scenario but the opt-in ones (chaos);
 * `npm run scenarios -- expiry soak` runs some, opt-in ones included.
 * Prints the figures as markdown on stdout (progress goes to stderr), the material of
 * RESILIENCE.md. Each scenario runs in a fresh Node process of its own process group, which is
 * killed as a whole when it ends or overruns: no child (hello instance, ZooKeeper JVM) survives.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioResult } from './scenario.js';
import { DEFAULT_SCENARIO_NAMES, SCENARIO_NAMES, SCENARIOS } from './scenarios.js';
import { table, yesNo } from './support/markdown.js';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * A scenario still running after this long is killed and reported as failed, unless its entry
 * sets a limit of its own (chaos: its minutes of faults and some).
 */
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

type Outcome = ScenarioResult & { name: string; seconds: number };

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  if (names.includes('--help') || names.includes('-h')) {
    console.log('npm run scenarios [-- <name>...]\n');
    for (const scenario of SCENARIOS)
      console.log(`  ${scenario.name.padEnd(16)}${scenario.summary}`);
    console.log('\nWithout a name, all but the opt-in ones run.');
    return;
  }
  const unknown = names.filter((name) => !SCENARIO_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown scenario ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const selected = names.length > 0 ? names : DEFAULT_SCENARIO_NAMES;
  const workDir = mkdtempSync(join(tmpdir(), 'zk-scenarios-'));
  const outcomes: Outcome[] = [];
  const failed: string[] = [];
  const started = performance.now();
  try {
    for (const name of selected) {
      console.error(`scenarios: ${name}...`);
      const entry = SCENARIOS.find((scenario) => scenario.name === name)!;
      const timeoutMs = entry.timeoutMs?.() ?? SCENARIO_TIMEOUT_MS;
      const outcome = await runScenario(name, join(workDir, `${name}.json`), timeoutMs);
      if (outcome) {
        outcomes.push(outcome);
        console.error(`scenarios: ${name} done in ${outcome.seconds.toFixed(1)} s`);
      } else {
        failed.push(name);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(report(outcomes, totalSeconds));
  const missed = outcomes.flatMap((o) => o.bars.filter((bar) => !bar.met).map(() => o.name));
  if (failed.length > 0) console.error(`scenarios: failed to run: ${failed.join(', ')}`);
  if (missed.length > 0)
    console.error(`scenarios: bars missed in: ${[...new Set(missed)].join(', ')}`);
  if (failed.length > 0 || missed.length > 0) process.exitCode = 1;
}

/** Runs one scenario in its own process group; undefined when it failed or overran. */
function runScenario(
  name: string,
  outFile: string,
  timeoutMs: number,
): Promise<Outcome | undefined> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', join(here, 'run-one.js'), name, outFile],
    // detached: a process group of its own, so the group can be killed whole.
    { stdio: ['ignore', 'inherit', 'inherit'], detached: true },
  );
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup();
    // The run's own temporary directory: no finally block runs after the re-raised signal.
    rmSync(dirname(outFile), { recursive: true, force: true });
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = setTimeout(() => {
    console.error(`scenarios: ${name} ran over ${timeoutMs / 1000} s; killing it`);
    killGroup();
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Whatever the scenario left in its group (it should have stopped everything) goes now.
      killGroup();
      if (code !== 0) {
        console.error(`scenarios: ${name} failed (${signal ?? `exit code ${code}`})`);
        resolve(undefined);
        return;
      }
      const result = JSON.parse(readFileSync(outFile, 'utf8')) as ScenarioResult & {
        seconds: number;
      };
      resolve({ ...result, name });
    });
  });
}

function report(outcomes: readonly Outcome[], totalSeconds: number): string {
  const cpu = cpus();
  const zookeeper = outcomes.find((o) => o.zookeeperVersion)?.zookeeperVersion ?? 'unknown';
  const lines = [
    '# Resilience scenarios',
    '',
    `Run ${new Date().toISOString()} on ${cpu[0]?.model.trim() ?? 'unknown CPU'} (${cpu.length} cores, ` +
      `${(totalmem() / 1024 ** 3).toFixed(1)} GiB), ${type()} ${release()}, Node ${process.version}, ` +
      `ZooKeeper ${zookeeper}; ${totalSeconds.toFixed(0)} s in all.`,
    '',
    '## Bars',
    '',
    table(
      ['scenario', 'claim', 'measured', 'met'],
      outcomes.flatMap((o) =>
        o.bars.map((bar) => [o.name, bar.claim, bar.measured, yesNo(bar.met)]),
      ),
    ),
  ];
  for (const outcome of outcomes) {
    lines.push(
      '',
      `## ${outcome.title}`,
      '',
      `_scenario \`${outcome.name}\`, ${outcome.seconds.toFixed(1)} s_`,
      '',
      outcome.markdown.trim(),
    );
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
