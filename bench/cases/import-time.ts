import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { table } from '../support/format.js';
import { summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const RUNS = 20;
/** The compiled library, beside the compiled benchmarks (`tsc -p tsconfig.json` emits both). */
const LIB = join(import.meta.dirname, '..', '..', 'lib');
const ENTRIES: readonly { entry: string; file: string }[] = [
  { entry: '`nestjs-zk-discovery`', file: 'index.js' },
  { entry: '`nestjs-zk-discovery/core`', file: 'core/index.js' },
  { entry: '`nestjs-zk-discovery/testing`', file: 'testing/index.js' },
  { entry: '`nestjs-zk-discovery/health`', file: 'nest/health/index.js' },
];

/**
 * Issue 12, item 3: how long importing each package entry takes, in a fresh Node process each
 * time (nothing cached but the OS's file cache), `RUNS` times per entry, the entries interleaved.
 * The time is the `import()` alone, taken inside the process, without Node's own startup.
 */
export const importTime: BenchCase = {
  name: 'import-time',
  title: '8. Import time of each entry',
  async run({ log }) {
    const samples = new Map<string, number[]>(ENTRIES.map(({ entry }) => [entry, []]));
    for (let run = 0; run < RUNS; run++) {
      for (const { entry, file } of ENTRIES) samples.get(entry)!.push(importMs(join(LIB, file)));
    }
    const rows = ENTRIES.map(({ entry }) => {
      const summary = summarize(samples.get(entry)!);
      log(`${entry}: ${summary.median.toFixed(0)} ms`);
      return [entry, summary.median.toFixed(0), summary.p95.toFixed(0), summary.min.toFixed(0)];
    });
    return [
      `${RUNS} fresh processes per entry, interleaved; the \`import()\` alone, in ms.`,
      '',
      table(['entry', 'median', 'p95', 'min'], rows),
    ].join('\n');
  },
};

function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}
