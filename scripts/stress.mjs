#!/usr/bin/env node
// Runs test files many times in a row on a loaded machine, to find races: the affected tests of a
// fault-handling change must pass every run (see the developers' guide).
//
//   npm run stress                                   # ensemble.test.ts, 30 runs, 2 busy loops
//   npm run stress -- --runs 10 --busy 2 test/client/zk-client.never-stuck.test.ts
//   npm run stress -- --project native test/resilience/partitions.test.ts   # one transport only
//
// Busy loops are `node -e 'for(;;){}'` processes, started before the first run and ended by pid
// after the last. Each run is `vitest run <files>`; a failed run's output is kept in
// .build/stress/run-<n>.log. Exit code 0 when every run passed.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '30' },
    busy: { type: 'string', default: '2' },
    // A vitest project of vitest.config.ts (a transport): 'protocol' or 'native'. Default: both.
    project: { type: 'string', multiple: true, default: [] },
  },
});
const runs = Number(values.runs);
const busyCount = Number(values.busy);
const files = positionals.length > 0 ? positionals : ['test/resilience/ensemble.test.ts'];
const logDir = join('.build', 'stress');
mkdirSync(logDir, { recursive: true });

const busy = Array.from({ length: busyCount }, () =>
  spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }),
);
const endBusyLoops = () => {
  for (const loop of busy) {
    try {
      process.kill(loop.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.on('exit', endBusyLoops);
process.on('SIGINT', () => process.exit(130));

const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const under = values.project.length > 0 ? ` (${values.project.join(', ')})` : '';
console.log(`stress: ${runs} runs of ${files.join(' ')}${under} with ${busyCount} busy loops`);
let passed = 0;
const durations = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const projects = values.project.flatMap((name) => ['--project', name]);
  const result = spawnSync(process.execPath, [vitest, 'run', ...projects, ...files], {
    encoding: 'utf8',
  });
  const seconds = (Date.now() - started) / 1000;
  durations.push(seconds);
  const ok = result.status === 0;
  if (ok) passed++;
  else writeFileSync(join(logDir, `run-${run}.log`), `${result.stdout}\n${result.stderr}`);
  console.log(
    `stress: run ${run}/${runs} ${ok ? 'passed' : `FAILED (log: ${join(logDir, `run-${run}.log`)})`} in ${seconds.toFixed(1)} s`,
  );
}
durations.sort((a, b) => a - b);
const median = durations[Math.floor((durations.length - 1) / 2)];
console.log(
  `stress: ${passed} of ${runs} runs passed (median run ${median.toFixed(1)} s, ${busyCount} busy loops)`,
);
// The busy loops are children of ours: they would keep this process alive until killed.
endBusyLoops();
process.exitCode = passed === runs ? 0 : 1;
