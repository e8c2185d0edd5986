/**
 * Runs one scenario in this process and writes its result as JSON:
 * `node --expose-gc .build/scenarios/resilience/run-one.js <name> <out.json>`.
 * run.ts starts it once per scenario, so each scenario has a fresh process (heap, handles).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { SCENARIO_NAMES, SCENARIOS } from './scenarios.js';

async function main(): Promise<void> {
  const [name, outFile] = process.argv.slice(2);
  const entry = SCENARIOS.find((scenario) => scenario.name === name);
  if (!entry || !outFile) {
    throw new Error(
      `Usage: run-one.js <scenario> <out.json>; scenarios: ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  const scenario = await entry.load();
  const started = performance.now();
  const result = await scenario.run((line) => process.stderr.write(`  [${name}] ${line}\n`));
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(outFile, JSON.stringify({ ...result, seconds }));
}

main().then(
  // Exit even if a library handle were left open: run.ts would otherwise wait for its timeout.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
